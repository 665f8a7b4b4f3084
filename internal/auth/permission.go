package auth

import "github.com/parleycvd/parley/internal/errs"

// Permission checks are pure functions of the principal and the object, so
// that they can be tested as tables and read in one place.

// CanAudit: only administrators read the journal and the outgoing mailbox,
// which hold every change and every message, embargoed or not.
func CanAudit(p Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if !p.Admin || p.NeedsTOTP {
		return errs.E(errs.Forbidden, "only administrators read the journal and the mailbox")
	}
	return nil
}

// CanManageUsers: only administrators create, edit and disable accounts.
func CanManageUsers(p Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if !p.Admin {
		return errs.E(errs.Forbidden, "only administrators manage user accounts")
	}
	return writable(p)
}

// CanViewUser: administrators and staff see every account, others their own.
func CanViewUser(p Principal, userID int64) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if p.Admin || p.Staff || p.UserID == userID {
		return nil
	}
	return errs.E(errs.NotFound, "no such user")
}

// CanManageOwnAccount: any signed-in user with a write-capable credential.
func CanManageOwnAccount(p Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if p.Scope == ScopeRead {
		return errs.E(errs.Forbidden, "this token is read-only")
	}
	return nil
}

func writable(p Principal) error {
	if p.Scope == ScopeRead {
		return errs.E(errs.Forbidden, "this token is read-only")
	}
	if p.NeedsTOTP {
		return errs.E(errs.Forbidden, "set up two-factor authentication first")
	}
	return nil
}

// Writable is the check every state change makes after its own rule.
func Writable(p Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	return writable(p)
}
