package cases_test

import (
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

// In these tables the case has participants 1 (a coordinator), 2 (vendor
// A) and 3 (vendor B).
var (
	anon      = auth.Principal{}
	admin     = auth.Principal{UserID: 1, Admin: true}
	staff     = auth.Principal{UserID: 2, Staff: true}
	readStaff = auth.Principal{UserID: 2, Staff: true, Scope: auth.ScopeRead}
	totpStaff = auth.Principal{UserID: 2, Staff: true, NeedsTOTP: true}
	user      = auth.Principal{UserID: 3}

	none        = cases.Access{}
	coordinator = cases.Access{Participants: []int64{1}, Coordinator: true}
	vendorA     = cases.Access{Participants: []int64{2}}
)

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.KindOf(err)
}

func TestCanCreateAndView(t *testing.T) {
	table := []struct {
		name         string
		p            auth.Principal
		a            cases.Access
		create, view errs.Kind
	}{
		{"anonymous", anon, none, errs.Unauthenticated, errs.Unauthenticated},
		{"admin", admin, none, "", ""},
		{"staff", staff, none, "", ""},
		{"staff with a read-only token", readStaff, none, errs.Forbidden, ""},
		{"staff without second factor", totpStaff, none, errs.Forbidden, ""},
		{"coordinator participant", user, coordinator, errs.Forbidden, ""},
		{"vendor participant", user, vendorA, errs.Forbidden, ""},
		{"outsider", user, none, errs.Forbidden, errs.NotFound},
	}
	for _, c := range table {
		if got := kindOf(cases.CanCreate(c.p)); got != c.create {
			t.Errorf("%s: create %q, want %q", c.name, got, c.create)
		}
		if got := kindOf(cases.CanView(c.p, c.a)); got != c.view {
			t.Errorf("%s: view %q, want %q", c.name, got, c.view)
		}
	}
}

func TestCanChange(t *testing.T) {
	type check func(auth.Principal, cases.Access) error
	manage := func(p auth.Principal, a cases.Access) error { return cases.CanManage(p, a) }
	rm := func(id int64) check {
		return func(p auth.Principal, a cases.Access) error { return cases.CanStepRM(p, a, id) }
	}
	consent := func(id int64, e protocol.ConsentEvent) check {
		return func(p auth.Principal, a cases.Access) error { return cases.CanStepConsent(p, a, id, e) }
	}
	cs := func(id int64, e protocol.CSEvent) check {
		return func(p auth.Principal, a cases.Access) error { return cases.CanRecordCS(p, a, id, e) }
	}
	table := []struct {
		name string
		p    auth.Principal
		a    cases.Access
		do   check
		want errs.Kind
	}{
		{"staff manages", staff, none, manage, ""},
		{"admin manages", admin, none, manage, ""},
		{"read-only staff", readStaff, none, manage, errs.Forbidden},
		{"coordinator participant manages", user, coordinator, manage, ""},
		{"vendor does not manage", user, vendorA, manage, errs.Forbidden},
		{"outsider: not found", user, none, manage, errs.NotFound},
		{"anonymous", anon, none, manage, errs.Unauthenticated},

		{"vendor steps own RM", user, vendorA, rm(2), ""},
		{"vendor steps another's RM", user, vendorA, rm(3), errs.Forbidden},
		{"coordinator steps a vendor's RM", user, coordinator, rm(3), ""},
		{"staff steps any RM", staff, none, rm(3), ""},
		{"outsider steps RM", user, none, rm(2), errs.NotFound},
		{"read-only vendor steps RM", auth.Principal{UserID: 3, Scope: auth.ScopeRead}, vendorA, rm(2), errs.Forbidden},

		{"vendor accepts own", user, vendorA, consent(2, protocol.ConsentAccept), ""},
		{"vendor declines own", user, vendorA, consent(2, protocol.ConsentDecline), ""},
		{"vendor invites itself", user, vendorA, consent(2, protocol.ConsentInvite), errs.Forbidden},
		{"vendor accepts for another", user, vendorA, consent(3, protocol.ConsentAccept), errs.Forbidden},
		{"coordinator invites", user, coordinator, consent(3, protocol.ConsentInvite), ""},

		{"vendor records own F", user, vendorA, cs(2, protocol.FixReady), ""},
		{"vendor records own D", user, vendorA, cs(2, protocol.FixDeployed), ""},
		{"vendor records own V", user, vendorA, cs(2, protocol.VendorAware), errs.Forbidden},
		{"vendor records another's F", user, vendorA, cs(3, protocol.FixReady), errs.Forbidden},
		{"vendor records P", user, vendorA, cs(0, protocol.PublicAware), errs.Forbidden},
		{"coordinator records X", user, coordinator, cs(0, protocol.ExploitPublic), ""},
		{"staff records a vendor's V", staff, none, cs(3, protocol.VendorAware), ""},
		{"outsider records", user, none, cs(0, protocol.Attacks), errs.NotFound},
	}
	for _, c := range table {
		if got := kindOf(c.do(c.p, c.a)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestSeesParticipantsAndEntries(t *testing.T) {
	coord := cases.Roles{cases.RoleCoordinator}
	vendor := cases.Roles{cases.RoleVendor}
	table := []struct {
		name        string
		p           auth.Principal
		a           cases.Access
		participant int64
		roles       cases.Roles
		sees        bool
	}{
		{"staff sees a vendor", staff, none, 3, vendor, true},
		{"coordinator participant sees a vendor", user, coordinator, 3, vendor, true},
		{"vendor sees itself", user, vendorA, 2, vendor, true},
		{"vendor sees the coordinator", user, vendorA, 1, coord, true},
		{"vendor does not see another vendor", user, vendorA, 3, vendor, false},
	}
	for _, c := range table {
		if got := cases.SeesParticipant(c.p, c.a, c.participant, c.roles); got != c.sees {
			t.Errorf("%s: participant %v, want %v", c.name, got, c.sees)
		}
		if got := cases.SeesEntry(c.p, c.a, c.participant, c.roles); got != c.sees {
			t.Errorf("%s: entry %v, want %v", c.name, got, c.sees)
		}
	}
	if !cases.SeesEntry(user, vendorA, 0, nil) {
		t.Error("a vendor does not see entries about the case itself")
	}
}
