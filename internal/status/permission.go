package status

import (
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Permission checks are pure functions of the principal, its access to
// the case (cases.Access) and the statement's owner, so that they can be
// tested as tables and read in one place.

func notFound() error { return errs.E(errs.NotFound, "no such statement in this case") }

// CanRead: those who manage the case read every statement; the vendor's
// members read its own; the other participants (the reporter among them)
// read a vendor's statements once it shared them, unless the embargo keeps
// the case's details from them (Access.Restricted). To everyone else a
// statement does not exist.
func CanRead(p auth.Principal, a cases.Access, owner int64, shared bool) bool {
	if cases.CanView(p, a) != nil {
		return false
	}
	if cases.Manages(p, a) || a.Acts(owner) {
		return true
	}
	return shared && !a.Restricted && len(a.Participants) > 0
}

// CanState: the members of a vendor participant state its status, for
// their own participant only, once they may see the case's details (an
// embargo they have not accepted keeps the vulnerabilities from them).
// roles are the participant's.
func CanState(p auth.Principal, a cases.Access, participant int64, roles cases.Roles) error {
	if err := cases.CanView(p, a); err != nil {
		return err
	}
	if err := auth.Writable(p); err != nil {
		return err
	}
	switch {
	case !a.Acts(participant):
		return errs.E(errs.Forbidden, "you state the status only of a vendor you act for")
	case !roles.Has(cases.RoleVendor):
		return errs.Field("participant_id", "only vendors state a status: this participant is no vendor of the case")
	case a.Restricted:
		return errs.E(errs.Forbidden, "accept the embargo first: its details, the vulnerabilities among them, are shared once you do")
	}
	return nil
}

// CanEdit: a statement another participant may not read is not found; one
// it reads (shared, or as a coordinator) but does not own is forbidden;
// its vendor's members edit it (CanState).
func CanEdit(p auth.Principal, a cases.Access, owner int64, shared bool, roles cases.Roles) error {
	if !CanRead(p, a, owner, shared) {
		if err := cases.CanView(p, a); err != nil {
			return err
		}
		return notFound()
	}
	return CanState(p, a, owner, roles)
}

// CanApprove: those who manage the case approve statements for
// publication, and take approval back.
func CanApprove(p auth.Principal, a cases.Access) error { return cases.CanManage(p, a) }

// CanExport: those who manage the case read the OpenVEX document of its
// approved statements (a read: a read-only token will do).
func CanExport(p auth.Principal, a cases.Access) error {
	if err := cases.CanView(p, a); err != nil {
		return err
	}
	if !cases.Manages(p, a) {
		return errs.E(errs.Forbidden, "only the case's coordinators export its statements")
	}
	return nil
}
