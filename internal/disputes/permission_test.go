package disputes_test

import (
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
)

// In these tables the case has participants 1 (the lead coordinator), 2
// (vendor A), 3 (vendor B) and 4 (a partner coordinator); the dispute was
// opened by 2 against 3 and is mediated by 1.
var (
	anon     = auth.Principal{}
	admin    = auth.Principal{UserID: 1, Admin: true}
	staff    = auth.Principal{UserID: 2, Staff: true}
	user     = auth.Principal{UserID: 3}
	readOnly = auth.Principal{UserID: 3, Scope: auth.ScopeRead}

	dispute = disputes.Standing{Parties: []int64{2, 3}, Mediator: 1, Opener: 2}
)

func as(acts ...int64) disputes.Standing {
	s := dispute
	s.Acts = acts
	return s
}

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.KindOf(err)
}

func TestCanSeeAndPost(t *testing.T) {
	table := []struct {
		name      string
		p         auth.Principal
		s         disputes.Standing
		see, post errs.Kind
	}{
		{"anonymous", anon, as(), errs.Unauthenticated, errs.Unauthenticated},
		{"admin", admin, as(), "", ""},
		{"staff reads but does not write", staff, as(), "", errs.Forbidden},
		{"mediator", user, as(1), "", ""},
		{"opener", user, as(2), "", ""},
		{"other party", user, as(3), "", ""},
		{"partner coordinator", user, as(4), errs.NotFound, errs.NotFound},
		{"participant of the case only", user, as(5), errs.NotFound, errs.NotFound},
		{"read-only token of a party", readOnly, as(2), "", errs.Forbidden},
	}
	for _, c := range table {
		if got := kindOf(disputes.CanSee(c.p, c.s)); got != c.see {
			t.Errorf("%s: see %q, want %q", c.name, got, c.see)
		}
		if got := kindOf(disputes.CanPost(c.p, c.s)); got != c.post {
			t.Errorf("%s: post %q, want %q", c.name, got, c.post)
		}
	}
}

func TestCanChange(t *testing.T) {
	type check func(auth.Principal, disputes.Standing) error
	state := func(party int64) check {
		return func(p auth.Principal, s disputes.Standing) error { return disputes.CanState(p, s, party) }
	}
	table := []struct {
		name string
		p    auth.Principal
		s    disputes.Standing
		do   check
		want errs.Kind
	}{
		{"mediator mediates", user, as(1), disputes.CanMediate, ""},
		{"admin mediates", admin, as(), disputes.CanMediate, ""},
		{"staff not mediating", staff, as(), disputes.CanMediate, errs.Forbidden},
		{"party does not mediate", user, as(2), disputes.CanMediate, errs.Forbidden},
		{"outsider cannot even see", user, as(4), disputes.CanMediate, errs.NotFound},
		{"read-only mediator", readOnly, as(1), disputes.CanMediate, errs.Forbidden},
		{"party states its own", user, as(2), state(2), ""},
		{"party states for the other", user, as(2), state(3), errs.Forbidden},
		{"mediator states for a party", user, as(1), state(2), errs.Forbidden},
		{"admin states for a party", admin, as(), state(2), errs.Forbidden},
		{"opener withdraws", user, as(2), disputes.CanWithdraw, ""},
		{"other party withdraws", user, as(3), disputes.CanWithdraw, errs.Forbidden},
		{"mediator withdraws", user, as(1), disputes.CanWithdraw, errs.Forbidden},
	}
	for _, c := range table {
		if got := kindOf(c.do(c.p, c.s)); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCanOpenAndHandOver(t *testing.T) {
	coordinator := cases.Access{Participants: []int64{1}, Coordinator: true}
	vendorA := cases.Access{Participants: []int64{2}}
	table := []struct {
		name       string
		p          auth.Principal
		a          cases.Access
		as         int64
		open, hand errs.Kind
	}{
		{"vendor as itself", user, vendorA, 2, "", errs.Forbidden},
		{"vendor as another", user, vendorA, 3, errs.Forbidden, errs.Forbidden},
		{"coordinator for a vendor", user, coordinator, 2, "", ""},
		{"staff for a vendor", staff, cases.Access{}, 2, "", ""},
		{"outsider", user, cases.Access{}, 2, errs.NotFound, errs.NotFound},
		{"read-only vendor", readOnly, vendorA, 2, errs.Forbidden, errs.Forbidden},
		{"anonymous", anon, cases.Access{}, 2, errs.Unauthenticated, errs.Unauthenticated},
	}
	for _, c := range table {
		if got := kindOf(disputes.CanOpen(c.p, c.a, c.as)); got != c.open {
			t.Errorf("%s: open %q, want %q", c.name, got, c.open)
		}
		if got := kindOf(disputes.CanHandOver(c.p, c.a)); got != c.hand {
			t.Errorf("%s: hand over %q, want %q", c.name, got, c.hand)
		}
	}
}

func TestSeesPosition(t *testing.T) {
	table := []struct {
		name   string
		p      auth.Principal
		s      disputes.Standing
		author int64
		v      disputes.Visibility
		want   bool
	}{
		{"author's own private position", user, as(2), 2, disputes.VisibleToCoordinator, true},
		{"other party, private", user, as(3), 2, disputes.VisibleToCoordinator, false},
		{"other party, for the parties", user, as(3), 2, disputes.VisibleToParties, true},
		{"mediator, private", user, as(1), 2, disputes.VisibleToCoordinator, true},
		{"admin, private", admin, as(), 2, disputes.VisibleToCoordinator, true},
		{"staff not mediating, private", staff, as(), 2, disputes.VisibleToCoordinator, false},
		{"staff, for the parties", staff, as(), 2, disputes.VisibleToParties, true},
		{"outsider, for the parties", user, as(4), 2, disputes.VisibleToParties, false},
	}
	for _, c := range table {
		if got := disputes.SeesPosition(c.p, c.s, c.author, c.v); got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}
