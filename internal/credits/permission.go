package credits

import (
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Permission checks are pure functions of the principal, its Access to the
// case and the credit, so that they can be tested as tables and read in
// one place.

// View is how much of a credit a principal sees.
type View int

// The views of a credit.
const (
	Hidden    View = iota // not at all
	AsPrinted             // as published: type, vulnerability, printed name
	Whole                 // everything
)

// CanManage: those who manage the case propose, edit and withdraw its
// credits, and answer for credits of names without an account.
func CanManage(p auth.Principal, a cases.Access) error { return cases.CanManage(p, a) }

// ViewOf: those who manage the case and the credited user see a credit
// whole; the other participants see accepted credits as printed, unless an
// embargo restricts them.
func ViewOf(p auth.Principal, a cases.Access, c Credit) View {
	switch {
	case p.Anonymous():
		return Hidden
	case cases.Manages(p, a) || (c.UserID != 0 && c.UserID == p.UserID):
		return Whole
	case len(a.Participants) == 0 || a.Restricted || c.Status != Accepted:
		return Hidden
	}
	return AsPrinted
}

// CanAnswer: the credited user alone accepts or declines a credit of an
// account. Someone else is refused as forbidden when he sees the credit
// (he manages the case), else it does not exist for him.
func CanAnswer(p auth.Principal, sees bool, c Credit) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if err := auth.Writable(p); err != nil {
		return err
	}
	switch {
	case c.UserID != 0 && c.UserID == p.UserID:
		return nil
	case !sees:
		return notFound()
	case c.UserID == 0:
		return errs.E(errs.Forbidden, "a credit without an account is answered by editing its status, with a reason")
	}
	return errs.E(errs.Forbidden, "only the credited person accepts or declines this credit")
}

// CanSetStatus: the status, anonymity and printed name of a credit of an
// account are its user's to answer, not the managers'.
func CanSetStatus(c Credit) error {
	if c.UserID != 0 {
		return errs.E(errs.Forbidden, "only the credited person accepts or declines a credit of an account")
	}
	return nil
}

func notFound() error { return errs.E(errs.NotFound, "no such credit") }
