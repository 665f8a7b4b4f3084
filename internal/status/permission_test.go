package status_test

import (
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/status"
)

// In these tables the case has participants 1 (the coordinator), 2 (vendor
// A), 3 (vendor B) and 4 (the reporter); the statement is vendor A's.
var (
	anon     = auth.Principal{}
	admin    = auth.Principal{UserID: 1, Admin: true}
	staff    = auth.Principal{UserID: 2, Staff: true}
	user     = auth.Principal{UserID: 3}
	readOnly = auth.Principal{UserID: 3, Scope: auth.ScopeRead}

	coordinator = cases.Access{Participants: []int64{1}, Coordinator: true}
	vendorA     = cases.Access{Participants: []int64{2}}
	vendorB     = cases.Access{Participants: []int64{3}}
	reporter    = cases.Access{Participants: []int64{4}}
	newcomer    = cases.Access{Participants: []int64{3}, Restricted: true}
	nobody      = cases.Access{}

	vendorRoles   = cases.Roles{cases.RoleVendor}
	reporterRoles = cases.Roles{cases.RoleReporter}
)

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.KindOf(err)
}

func TestCanRead(t *testing.T) {
	table := []struct {
		name          string
		p             auth.Principal
		a             cases.Access
		draft, shared bool
	}{
		{"anonymous", anon, nobody, false, false},
		{"admin", admin, nobody, true, true},
		{"staff", staff, nobody, true, true},
		{"the case's coordinator", user, coordinator, true, true},
		{"the vendor", user, vendorA, true, true},
		{"the vendor with a read-only token", readOnly, vendorA, true, true},
		{"another vendor", user, vendorB, false, true},
		{"the reporter", user, reporter, false, true},
		{"a newcomer under the embargo", user, newcomer, false, false},
		{"no participant", user, nobody, false, false},
	}
	for _, c := range table {
		if got := status.CanRead(c.p, c.a, 2, false); got != c.draft {
			t.Errorf("%s reads an unshared statement: %v, want %v", c.name, got, c.draft)
		}
		if got := status.CanRead(c.p, c.a, 2, true); got != c.shared {
			t.Errorf("%s reads a shared statement: %v, want %v", c.name, got, c.shared)
		}
	}
}

func TestCanStateAndEdit(t *testing.T) {
	restrictedA := cases.Access{Participants: []int64{2}, Restricted: true}
	table := []struct {
		name        string
		p           auth.Principal
		a           cases.Access
		roles       cases.Roles
		state       errs.Kind
		edit, share errs.Kind // of an unshared and of a shared statement
	}{
		{"anonymous", anon, nobody, vendorRoles, errs.Unauthenticated, errs.Unauthenticated, errs.Unauthenticated},
		{"the vendor", user, vendorA, vendorRoles, "", "", ""},
		{"the vendor, read-only", readOnly, vendorA, vendorRoles, errs.Forbidden, errs.Forbidden, errs.Forbidden},
		{"the vendor under an embargo it did not accept", user, restrictedA, vendorRoles, errs.Forbidden, errs.Forbidden, errs.Forbidden},
		{"a participant that is no vendor", user, vendorA, reporterRoles, errs.Invalid, errs.Invalid, errs.Invalid},
		{"another vendor", user, vendorB, vendorRoles, errs.Forbidden, errs.NotFound, errs.Forbidden},
		{"the reporter", user, reporter, vendorRoles, errs.Forbidden, errs.NotFound, errs.Forbidden},
		{"the coordinator", user, coordinator, vendorRoles, errs.Forbidden, errs.Forbidden, errs.Forbidden},
		{"admin", admin, nobody, vendorRoles, errs.Forbidden, errs.Forbidden, errs.Forbidden},
		{"outsider", user, nobody, vendorRoles, errs.NotFound, errs.NotFound, errs.NotFound},
	}
	for _, c := range table {
		if got := kindOf(status.CanState(c.p, c.a, 2, c.roles)); got != c.state {
			t.Errorf("%s states: %q, want %q", c.name, got, c.state)
		}
		if got := kindOf(status.CanEdit(c.p, c.a, 2, false, c.roles)); got != c.edit {
			t.Errorf("%s edits an unshared one: %q, want %q", c.name, got, c.edit)
		}
		if got := kindOf(status.CanEdit(c.p, c.a, 2, true, c.roles)); got != c.share {
			t.Errorf("%s edits a shared one: %q, want %q", c.name, got, c.share)
		}
	}
}

func TestCanApproveAndExport(t *testing.T) {
	table := []struct {
		name            string
		p               auth.Principal
		a               cases.Access
		approve, export errs.Kind
	}{
		{"anonymous", anon, nobody, errs.Unauthenticated, errs.Unauthenticated},
		{"admin", admin, nobody, "", ""},
		{"staff", staff, nobody, "", ""},
		{"the case's coordinator", user, coordinator, "", ""},
		{"the coordinator, read-only", readOnly, coordinator, errs.Forbidden, ""},
		{"the vendor", user, vendorA, errs.Forbidden, errs.Forbidden},
		{"the reporter", user, reporter, errs.Forbidden, errs.Forbidden},
		{"outsider", user, nobody, errs.NotFound, errs.NotFound},
	}
	for _, c := range table {
		if got := kindOf(status.CanApprove(c.p, c.a)); got != c.approve {
			t.Errorf("%s approves: %q, want %q", c.name, got, c.approve)
		}
		if got := kindOf(status.CanExport(c.p, c.a)); got != c.export {
			t.Errorf("%s exports: %q, want %q", c.name, got, c.export)
		}
	}
}
