package credits_test

import (
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/errs"
)

// TestLifecycle: managers propose credits; the credited answer them (or
// the managers for a name without an account); the participants see the
// accepted ones as printed, and the timeline tells the credited alone.
func TestLifecycle(t *testing.T) {
	w := newWorld(t)
	fay := must(w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Finder, UserID: w.fay.UserID, VulnerabilityID: w.vuln}))
	rita := must(w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Reporter, UserID: w.rita.UserID, Organisation: "Rita Labs"}))
	ada := must(w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Analyst, Name: "Ada Lovelace", Email: "ada@example.org"}))
	if fay.Status != credits.Proposed || fay.Printed != "Fay" || fay.CaseKey != w.c.Key || fay.Version != 1 || fay.CreatedBy != w.staff.UserID {
		t.Errorf("proposed %+v", fay)
	}
	if got, want := w.printed(w.staff), "finder:Fay\nreporter:Rita\nanalyst:Ada Lovelace\n"; got != want {
		t.Errorf("staff sees\n%s, want\n%s", got, want)
	}
	if got := w.printed(w.memberA); got != "" {
		t.Errorf("a vendor sees proposed credits:\n%s", got)
	}
	if got, want := w.printed(w.rita), "reporter:Rita\n"; got != want {
		t.Errorf("Rita sees\n%s, want\n%s", got, want)
	}
	// Fay takes no part in the case: she finds her credit through Mine.
	if _, err := w.svc.List(w.ctx, w.fay, w.c.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Fay lists the case's credits: %v", err)
	}
	mine := must(w.svc.Mine(w.ctx, w.fay))
	if len(mine) != 1 || mine[0].ID != fay.ID || mine[0].CaseKey != w.c.Key || mine[0].CaseTitle != w.c.Title {
		t.Fatalf("Fay's credits %+v", mine)
	}

	fay = must(w.svc.Answer(w.ctx, w.fay, fay.ID, credits.Answer{Accept: true, Anonymous: true, PrintedName: "ignored", Version: 1}))
	if fay.Status != credits.Accepted || !fay.Anonymous || fay.PrintedName != "" || fay.Printed != credits.AnonymousName {
		t.Errorf("Fay's answer %+v", fay)
	}
	rita = must(w.svc.Answer(w.ctx, w.rita, rita.ID, credits.Answer{Accept: true, PrintedName: "R. Reporter"}))
	ada = must(w.svc.Edit(w.ctx, w.staff, w.c.ID, ada.ID, credits.Patch{Version: ada.Version, Status: ptr(credits.Accepted), Reason: "She said so on the phone"}))
	if ada.Status != credits.Accepted || ada.Reason != "She said so on the phone" {
		t.Errorf("Ada's credit %+v", ada)
	}
	if got, want := w.printed(w.memberA), "finder:Anonymous*\nreporter:R. Reporter*\nanalyst:Ada Lovelace*\n"; got != want {
		t.Errorf("a vendor sees\n%s, want\n%s", got, want)
	}
	seen := must(w.svc.List(w.ctx, w.memberB, w.c.ID))
	for _, c := range seen {
		if c.UserID != 0 || c.Email != "" || c.Reason != "" || c.UserName != "" || (c.Anonymous && c.Organisation != "") {
			t.Errorf("a vendor sees more than the printed credit: %+v", c)
		}
	}
	if seen[1].Organisation != "Rita Labs" || seen[0].VulnerabilityID != w.vuln {
		t.Errorf("a vendor sees %+v", seen)
	}

	// The timeline tells Rita (and the managers), not the vendors.
	if tl := w.timeline(w.rita); !strings.Contains(tl, "accepted by Rita, printed as R. Reporter") {
		t.Errorf("Rita's timeline:\n%s", tl)
	}
	if tl := w.timeline(w.staff); !strings.Contains(tl, "Credit #") {
		t.Errorf("staff's timeline:\n%s", tl)
	}
	if tl := w.timeline(w.memberA); strings.Contains(tl, "Credit") {
		t.Errorf("a vendor's timeline shows credits:\n%s", tl)
	}

	// Changing what an account is credited for asks it again.
	fay = must(w.svc.Edit(w.ctx, w.staff, w.c.ID, fay.ID, credits.Patch{Version: fay.Version, Type: ptr(credits.Analyst)}))
	if fay.Status != credits.Proposed || fay.Anonymous || fay.Type != credits.Analyst {
		t.Errorf("edited %+v", fay)
	}
	fay = must(w.svc.Answer(w.ctx, w.fay, fay.ID, credits.Answer{}))
	if fay.Status != credits.Declined {
		t.Errorf("declined %+v", fay)
	}
	if got, want := w.printed(w.memberA), "reporter:R. Reporter*\nanalyst:Ada Lovelace*\n"; got != want {
		t.Errorf("a vendor sees\n%s, want\n%s", got, want)
	}
	// An unchanged edit writes nothing.
	before := w.journalCount()
	same := must(w.svc.Edit(w.ctx, w.staff, w.c.ID, ada.ID, credits.Patch{Version: ada.Version, Type: ptr(credits.Analyst)}))
	if same.Version != ada.Version || w.journalCount() != before {
		t.Errorf("an unchanged edit wrote: %+v", same)
	}
	if err := w.svc.Withdraw(w.ctx, w.staff, w.c.ID, ada.ID, ada.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.Get(w.ctx, w.staff, w.c.ID, ada.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("a withdrawn credit: %v", err)
	}
	if n := w.count(`SELECT COUNT(*) FROM journal WHERE object_type = 'credit'`); n != 9 {
		t.Errorf("%d journal entries about credits, want 9", n)
	}
	if n := w.count(`SELECT COUNT(*) FROM journal WHERE action = 'credit.withdrawn' AND object_id = $1`, itoa(ada.ID)); n != 1 {
		t.Errorf("%d withdrawals journaled", n)
	}
}

// TestRefusals: bad input and changes nobody may make are refused with
// their kind and the field at fault, and write nothing.
func TestRefusals(t *testing.T) {
	w := newWorld(t)
	fay := must(w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Finder, UserID: w.fay.UserID}))
	ada := must(w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Analyst, Name: "Ada"}))
	other := must(w.cases.Create(w.ctx, w.staff, casesNew("Another case")))
	otherVuln := must(w.cases.AddVulnerability(w.ctx, w.staff, other.ID, vulnFields("Elsewhere"))).ID
	propose := func(p principal, n credits.NewCredit) func() error {
		return func() error { _, err := w.svc.Propose(w.ctx, p, w.c.ID, n); return err }
	}
	edit := func(p principal, id int64, patch credits.Patch) func() error {
		return func() error { _, err := w.svc.Edit(w.ctx, p, w.c.ID, id, patch); return err }
	}
	answer := func(p principal, id int64, a credits.Answer) func() error {
		return func() error { _, err := w.svc.Answer(w.ctx, p, id, a); return err }
	}
	table := []struct {
		name  string
		kind  errs.Kind
		field string
		do    func() error
	}{
		{"unknown type", errs.Invalid, "type", propose(w.staff, credits.NewCredit{Type: "hero", Name: "Ada"})},
		{"no type", errs.Invalid, "type", propose(w.staff, credits.NewCredit{Name: "Ada"})},
		{"no one credited", errs.Invalid, "name", propose(w.staff, credits.NewCredit{Type: credits.Finder, Name: "  "})},
		{"two-line name", errs.Invalid, "name", propose(w.staff, credits.NewCredit{Type: credits.Finder, Name: "a\nb"})},
		{"an account and a name", errs.Invalid, "name", propose(w.staff, credits.NewCredit{Type: credits.Finder, UserID: w.fay.UserID, Name: "Fay"})},
		{"no such account", errs.Invalid, "user_id", propose(w.staff, credits.NewCredit{Type: credits.Finder, UserID: 99999})},
		{"a bad e-mail address", errs.Invalid, "email", propose(w.staff, credits.NewCredit{Type: credits.Finder, Name: "Ada", Email: "ada at home"})},
		{"a vulnerability of another case", errs.Invalid, "vulnerability_id", propose(w.staff, credits.NewCredit{Type: credits.Finder, Name: "Ada", VulnerabilityID: otherVuln})},
		{"proposed by a vendor", errs.Forbidden, "", propose(w.memberA, credits.NewCredit{Type: credits.Finder, Name: "Ada"})},
		{"proposed by an outsider", errs.NotFound, "", propose(w.outside, credits.NewCredit{Type: credits.Finder, Name: "Ada"})},
		{"proposed by nobody", errs.Unauthenticated, "", propose(principal{}, credits.NewCredit{Type: credits.Finder, Name: "Ada"})},
		{"a stale edit", errs.Conflict, "", edit(w.staff, ada.ID, credits.Patch{Version: ada.Version + 1, Type: ptr(credits.Tool)})},
		{"a stale withdrawal", errs.Conflict, "", func() error { return w.svc.Withdraw(w.ctx, w.staff, w.c.ID, ada.ID, 7) }},
		{"an edit to a vulnerability of another case", errs.Invalid, "vulnerability_id", edit(w.staff, ada.ID, credits.Patch{Version: ada.Version, VulnerabilityID: &otherVuln})},
		{"an edit by a vendor", errs.NotFound, "", edit(w.memberA, ada.ID, credits.Patch{Version: ada.Version, Type: ptr(credits.Tool)})},
		{"managers accepting an account's credit", errs.Forbidden, "", edit(w.staff, fay.ID, credits.Patch{Version: fay.Version, Status: ptr(credits.Accepted), Reason: "sure"})},
		{"answering for a name without a reason", errs.Invalid, "reason", edit(w.staff, ada.ID, credits.Patch{Version: ada.Version, Status: ptr(credits.Accepted)})},
		{"an unknown status", errs.Invalid, "status", edit(w.staff, ada.ID, credits.Patch{Version: ada.Version, Status: ptr(credits.Status("maybe")), Reason: "r"})},
		{"renaming an account", errs.Invalid, "name", edit(w.staff, fay.ID, credits.Patch{Version: fay.Version, Name: ptr("Faye")})},
		{"a credit of another case", errs.NotFound, "", func() error {
			_, err := w.svc.Edit(w.ctx, w.staff, other.ID, ada.ID, credits.Patch{Version: 1})
			return err
		}},
		{"accepting someone else's credit (a vendor)", errs.NotFound, "", answer(w.memberA, fay.ID, credits.Answer{Accept: true})},
		{"accepting someone else's credit (staff)", errs.Forbidden, "", answer(w.staff, fay.ID, credits.Answer{Accept: true})},
		{"accepting a name's credit (Rita)", errs.NotFound, "", answer(w.rita, ada.ID, credits.Answer{Accept: true})},
		{"a stale answer", errs.Conflict, "", answer(w.fay, fay.ID, credits.Answer{Accept: true, Version: 5})},
		{"declining anonymously", errs.Invalid, "anonymous", answer(w.fay, fay.ID, credits.Answer{Anonymous: true})},
		{"an oversized printed name", errs.Invalid, "printed_name", answer(w.fay, fay.ID, credits.Answer{Accept: true, PrintedName: strings.Repeat("n", credits.MaxName+1)})},
		{"no such credit", errs.NotFound, "", answer(w.fay, 99999, credits.Answer{Accept: true})},
	}
	for _, tc := range table {
		w.refused(tc.name, tc.kind, tc.field, tc.do)
	}
}

// TestClosedCase: a closed case's credits no longer change.
func TestClosedCase(t *testing.T) {
	w := newWorld(t)
	fay := must(w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Finder, UserID: w.fay.UserID}))
	w.closeCase()
	w.refused("a credit on a closed case", errs.Conflict, "", func() error {
		_, err := w.svc.Propose(w.ctx, w.staff, w.c.ID, credits.NewCredit{Type: credits.Finder, Name: "Ada"})
		return err
	})
	w.refused("an edit on a closed case", errs.Conflict, "", func() error {
		_, err := w.svc.Edit(w.ctx, w.staff, w.c.ID, fay.ID, credits.Patch{Version: fay.Version, Type: ptr(credits.Tool)})
		return err
	})
	w.refused("an answer on a closed case", errs.Conflict, "", func() error {
		_, err := w.svc.Answer(w.ctx, w.fay, fay.ID, credits.Answer{Accept: true})
		return err
	})
	// What was credited is still read.
	if list := must(w.svc.Mine(w.ctx, w.fay)); len(list) != 1 {
		t.Errorf("Fay's credits %+v", list)
	}
}

func ptr[T any](v T) *T { return &v }
