package org

import (
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// CanCreate: administrators and coordinator staff create organisations.
func CanCreate(p auth.Principal) error {
	if err := auth.Writable(p); err != nil {
		return err
	}
	if !p.Admin && !p.Staff {
		return errs.E(errs.Forbidden, "only administrators and coordinator staff create organisations")
	}
	return nil
}

// CanView: every signed-in user sees the directory of organisations.
func CanView(p auth.Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	return nil
}

// CanManage: administrators, staff and the organisation's admins change
// its details and members.
func CanManage(p auth.Principal, orgID int64) error {
	if err := auth.Writable(p); err != nil {
		return err
	}
	if p.Admin || p.Staff {
		return nil
	}
	if r, ok := p.InOrg(orgID); ok && r == auth.OrgAdmin {
		return nil
	}
	return errs.E(errs.Forbidden, "only the organisation's admins, coordinator staff and administrators manage it")
}

// CanViewMembers: members, staff and administrators see who belongs.
func CanViewMembers(p auth.Principal, orgID int64) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if _, ok := p.InOrg(orgID); ok || p.Admin || p.Staff {
		return nil
	}
	return errs.E(errs.Forbidden, "only the organisation's members see its member list")
}
