package inbox

import (
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// CanRead: a signed-in user reads their own notifications and settings
// (a read-only token too); nobody reads another's.
func CanRead(p auth.Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	return nil
}

// CanChange: a signed-in user with a credential that may write marks their
// own notifications read and changes their own preferences, mutes and
// keys.
func CanChange(p auth.Principal) error {
	return auth.Writable(p)
}
