package cases_test

import (
	"slices"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

func TestInvolvement(t *testing.T) {
	w := newWorld(t)
	one, two, three := w.open("One"), w.open("Two"), w.open("Three")
	acmeOne := w.add(one, []cases.Role{cases.RoleVendor}, w.acme)[0]
	acmeTwo := w.add(two, []cases.Role{cases.RoleVendor}, w.acme)[0]
	w.add(two, []cases.Role{cases.RoleVendor}, w.bolt)
	partnerTwo := w.add(two, []cases.Role{cases.RoleCoordinator}, w.partnerOrg)[0]
	reporter, err := w.svc.AddParticipants(w.ctx, w.staff, one.ID, []cases.NewParticipant{{UserID: w.person.UserID, Roles: []cases.Role{cases.RoleReporter}}})
	if err != nil {
		t.Fatal(err)
	}
	// A member of Acme who also works for the partner coordinator.
	both := w.memberA
	both.Orgs = map[int64]auth.OrgRole{w.acme.ID: auth.OrgMember, w.partnerOrg.ID: auth.OrgMember}

	type inv struct {
		caseID       int64
		participants []int64
		coordinator  bool
	}
	lead := func(c cases.Case) int64 { return w.participants(c)[w.coord.ID].ID }
	tests := []struct {
		name string
		p    auth.Principal
		want []inv
	}{
		{"vendor", w.memberA, []inv{{one.ID, []int64{acmeOne.ID}, false}, {two.ID, []int64{acmeTwo.ID}, false}}},
		{"vendor and partner", both, []inv{{one.ID, []int64{acmeOne.ID}, false}, {two.ID, []int64{acmeTwo.ID, partnerTwo.ID}, true}}},
		{"staff of the lead coordinator", w.staff, []inv{{one.ID, []int64{lead(one)}, true}, {two.ID, []int64{lead(two)}, true},
			{three.ID, []int64{lead(three)}, true}}},
		{"reporter in person", w.person, []inv{{one.ID, []int64{reporter[0].ID}, false}}},
		{"administrator in nothing", w.admin, nil},
		{"outsider", w.outside, nil},
	}
	for _, tt := range tests {
		got, err := w.svc.Involvement(w.ctx, tt.p)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(got) != len(tt.want) {
			t.Fatalf("%s: %+v, want %+v", tt.name, got, tt.want)
		}
		for i, g := range got {
			want := tt.want[i]
			if g.CaseID != want.caseID || !slices.Equal(g.Participants, want.participants) || g.Coordinator != want.coordinator {
				t.Errorf("%s: case %d: %+v, want %+v", tt.name, i, g, want)
			}
			if c := map[int64]cases.Case{one.ID: one, two.ID: two, three.ID: three}[g.CaseID]; g.Key != c.Key || g.Title != c.Title {
				t.Errorf("%s: key %q title %q, want %q %q", tt.name, g.Key, g.Title, c.Key, c.Title)
			}
		}
	}
	if _, err := w.svc.Involvement(w.ctx, auth.Principal{}); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("anonymous: %v", err)
	}
}
