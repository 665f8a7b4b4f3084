package credits

import (
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

func TestViewOf(t *testing.T) {
	staff := auth.Principal{UserID: 1, Staff: true}
	coord := auth.Principal{UserID: 2}
	vendor := auth.Principal{UserID: 3}
	credited := auth.Principal{UserID: 4}
	coordA := cases.Access{Participants: []int64{10}, Coordinator: true}
	vendorA := cases.Access{Participants: []int64{11}}
	restricted := cases.Access{Participants: []int64{11}, Restricted: true}
	proposed := Credit{UserID: 4, Status: Proposed}
	accepted := Credit{UserID: 4, Status: Accepted}
	named := Credit{Name: "Ada", Status: Accepted}
	table := []struct {
		name string
		p    auth.Principal
		a    cases.Access
		c    Credit
		want View
	}{
		{"nobody", auth.Principal{}, vendorA, accepted, Hidden},
		{"staff, proposed", staff, cases.Access{}, proposed, Whole},
		{"coordinator, proposed", coord, coordA, proposed, Whole},
		{"vendor, proposed", vendor, vendorA, proposed, Hidden},
		{"vendor, accepted", vendor, vendorA, accepted, AsPrinted},
		{"vendor, accepted name", vendor, vendorA, named, AsPrinted},
		{"vendor, declined", vendor, vendorA, Credit{UserID: 4, Status: Declined}, Hidden},
		{"restricted vendor, accepted", vendor, restricted, accepted, Hidden},
		{"outsider, accepted", vendor, cases.Access{}, accepted, Hidden},
		{"credited, proposed, no part in the case", credited, cases.Access{}, proposed, Whole},
		{"credited, restricted", credited, restricted, proposed, Whole},
	}
	for _, tc := range table {
		if got := ViewOf(tc.p, tc.a, tc.c); got != tc.want {
			t.Errorf("%s: got %d, want %d", tc.name, got, tc.want)
		}
	}
}

func TestCanAnswer(t *testing.T) {
	mine := Credit{UserID: 4}
	table := []struct {
		name string
		p    auth.Principal
		sees bool
		c    Credit
		want errs.Kind
	}{
		{"the credited", auth.Principal{UserID: 4}, false, mine, ""},
		{"the credited, read-only token", auth.Principal{UserID: 4, Scope: auth.ScopeRead}, false, mine, errs.Forbidden},
		{"nobody", auth.Principal{}, false, mine, errs.Unauthenticated},
		{"someone who does not see it", auth.Principal{UserID: 5}, false, mine, errs.NotFound},
		{"a manager", auth.Principal{UserID: 5}, true, mine, errs.Forbidden},
		{"a manager, a name's credit", auth.Principal{UserID: 5}, true, Credit{Name: "Ada"}, errs.Forbidden},
	}
	for _, tc := range table {
		err := CanAnswer(tc.p, tc.sees, tc.c)
		if got := errs.KindOf(err); (err == nil) != (tc.want == "") || (err != nil && got != tc.want) {
			t.Errorf("%s: got %v, want %s", tc.name, err, tc.want)
		}
	}
	if err := CanSetStatus(mine); !errs.Is(err, errs.Forbidden) {
		t.Errorf("managers set an account's status: %v", err)
	}
	if err := CanSetStatus(Credit{Name: "Ada"}); err != nil {
		t.Errorf("managers answer for a name: %v", err)
	}
}
