package cases_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

func TestParseEnd(t *testing.T) {
	berlin, _ := time.LoadLocation("Europe/Berlin")
	for _, tc := range []struct {
		at, zone string
		want     time.Time
		wantZone string
		field    string // the field at fault, "" for none
	}{
		{"2026-12-31T17:00", "Europe/Berlin", time.Date(2026, 12, 31, 17, 0, 0, 0, berlin), "Europe/Berlin", ""},
		{"2026-07-01 09:30", "America/New_York", time.Date(2026, 7, 1, 13, 30, 0, 0, time.UTC), "America/New_York", ""},
		{"2026-12-31T17:00:00+01:00", "", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "Etc/GMT-1", ""},
		{"2026-12-31T17:00:00Z", "", time.Date(2026, 12, 31, 17, 0, 0, 0, time.UTC), "UTC", ""},
		{"2026-12-31T17:00:00+01:00", "Europe/Berlin", time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "Europe/Berlin", ""},
		{"2026-12-31T17:00", "", time.Time{}, "", "zone"},                       // no time zone
		{"2026-12-31T17:00:00+05:00", "Europe/Berlin", time.Time{}, "", "zone"}, // zone and offset disagree
		{"2026-12-31T17:00", "Mars/Olympus", time.Time{}, "", "zone"},           // no such zone
		{"2026-12-31T17:00", "Local", time.Time{}, "", "zone"},                  // the server's zone is no zone
		{"next tuesday", "UTC", time.Time{}, "", "ends_at"},                     // not a date
		{"", "UTC", time.Time{}, "", "ends_at"},                                 // missing
		{"2026-12-31", "UTC", time.Time{}, "", "ends_at"},                       // a date without a time
		{"2026-02-30T10:00", "UTC", time.Time{}, "", "ends_at"},                 // no such day
	} {
		got, zone, err := cases.ParseEnd(tc.at, tc.zone)
		if tc.field != "" {
			if errs.FieldOf(err) != tc.field {
				t.Errorf("ParseEnd(%q, %q): error %v, want one about %s", tc.at, tc.zone, err, tc.field)
			}
			continue
		}
		if err != nil || !got.Equal(tc.want) || zone != tc.wantZone || got.Location() != time.UTC {
			t.Errorf("ParseEnd(%q, %q) = %v %q, %v; want %v %q", tc.at, tc.zone, got, zone, err, tc.want.UTC(), tc.wantZone)
		}
	}
}

// embargoWorld is a case led by the coordinator with two vendors, Acme and
// Bolt, each with a member.
func embargoWorld(t *testing.T) (*world, cases.Case, map[int64]cases.Participant) {
	w := newWorld(t)
	c := w.open("Router RCE", cases.VulnFields{Title: "Stack overflow in the web UI"})
	w.add(c, []cases.Role{cases.RoleVendor}, w.acme, w.bolt)
	return w, c, w.participants(c)
}

func TestProposeRefusesBadTerms(t *testing.T) {
	w, c, ps := embargoWorld(t)
	lead := ps[w.coord.ID].ID
	for name, tc := range map[string]struct {
		t     cases.Terms
		field string
	}{
		"in the past":           {cases.Terms{EndsAt: w.now.Add(-time.Hour), Zone: "UTC"}, "ends_at"},
		"now":                   {cases.Terms{EndsAt: w.now, Zone: "UTC"}, "ends_at"},
		"beyond a year":         {cases.Terms{EndsAt: w.now.AddDate(1, 0, 1), Zone: "UTC", Justification: "big"}, "ends_at"},
		"91 days, no reason":    {cases.Terms{EndsAt: w.now.Add(91 * 24 * time.Hour), Zone: "UTC"}, "justification"},
		"without a zone":        {cases.Terms{EndsAt: w.now.Add(24 * time.Hour)}, "zone"},
		"with an unknown zone":  {cases.Terms{EndsAt: w.now.Add(24 * time.Hour), Zone: "Nowhere/Town"}, "zone"},
		"a justification novel": {cases.Terms{EndsAt: w.now.Add(100 * 24 * time.Hour), Zone: "UTC", Justification: strings.Repeat("x", 4001)}, "justification"},
	} {
		t.Run(name, func(t *testing.T) {
			w.unchanged(t, c, errs.Invalid, func() error {
				_, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead, tc.t)
				if errs.FieldOf(err) != tc.field {
					t.Errorf("error %v, want one about %s", err, tc.field)
				}
				return err
			})
		})
	}
	long := cases.Terms{EndsAt: w.now.Add(120 * 24 * time.Hour), Zone: "Europe/Berlin", Justification: "a hardware fix needs a new silicon spin"}
	pr, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead, long)
	if err != nil || pr.Status != "pending" || pr.Kind != "proposal" || pr.Zone != "Europe/Berlin" || pr.Justification == "" {
		t.Fatalf("justified 120 days: %+v, %v", pr, err)
	}
}

// TestNegotiation: the coordinator proposes, one vendor accepts, the other
// rejects; the coordinator puts the terms in force; a vendor proposes a
// revision that everyone accepts; a revision the coordinator rejects
// leaves the terms in force; an answer to superseded terms is refused.
func TestNegotiation(t *testing.T) {
	w, c, ps := embargoWorld(t)
	lead, acme, bolt := ps[w.coord.ID].ID, ps[w.acme.ID].ID, ps[w.bolt.ID].ID
	first, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, w.terms(45))
	if err != nil {
		t.Fatal(err)
	}
	if first.ProposedBy != lead || first.ProposerName != "CERT Example" {
		t.Fatalf("staff proposes for the lead coordinator: %+v", first)
	}
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberA, c.ID, acme, first.ID, true, "fine by us"); err != nil {
		t.Fatal(err)
	}
	// A vendor answers only for itself.
	w.unchanged(t, c, errs.Forbidden, func() error {
		_, err := w.svc.AnswerEmbargo(w.ctx, w.memberA, c.ID, bolt, first.ID, true, "")
		return err
	})
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberB, c.ID, bolt, first.ID, false, "too long for us"); err != nil {
		t.Fatal(err)
	}
	e := w.embargo(c, w.staff)
	if e.State != protocol.EMProposed || e.Consent["signatory"] != 2 || e.Consent["declined"] != 1 {
		t.Fatalf("after the answers: %s %v", e.State, e.Consent)
	}
	if a := answerOf(e, bolt); a.Answer != "reject" || a.Comment != "too long for us" {
		t.Fatalf("Bolt's answer: %+v", a)
	}
	// Only the coordinators decide.
	w.unchanged(t, c, errs.Forbidden, func() error {
		_, err := w.svc.DecideEmbargo(w.ctx, w.memberA, c.ID, 0, true, "")
		return err
	})
	if _, err := w.svc.DecideEmbargo(w.ctx, w.staff, c.ID, first.ID, true, "Bolt's objection is noted; 45 days is our policy"); err != nil {
		t.Fatal(err)
	}
	got, _ := w.svc.Get(w.ctx, w.staff, c.ID)
	if got.EM != protocol.EMActive || !got.EmbargoEndsAt.Equal(w.terms(45).EndsAt) {
		t.Fatalf("in force: %s until %v", got.EM, got.EmbargoEndsAt)
	}

	// Acme asks to extend, then changes its mind about the date.
	w.now = w.now.Add(24 * time.Hour)
	rev, err := w.svc.ProposeEmbargo(w.ctx, w.memberA, c.ID, acme, cases.Terms{EndsAt: w.now.Add(59 * 24 * time.Hour), Zone: "America/Chicago"})
	if err != nil || rev.Kind != "revision" {
		t.Fatalf("revision: %+v, %v", rev, err)
	}
	rev2, err := w.svc.ProposeEmbargo(w.ctx, w.memberA, c.ID, acme, cases.Terms{EndsAt: w.now.Add(60 * 24 * time.Hour), Zone: "America/Chicago"})
	if err != nil {
		t.Fatal(err)
	}
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.AnswerEmbargo(w.ctx, w.memberB, c.ID, bolt, rev.ID, true, "")
		if err == nil || !strings.Contains(err.Error(), "superseded") {
			t.Errorf("answer to superseded terms: %v", err)
		}
		return err
	})
	if e := w.embargo(c, w.staff); e.State != protocol.EMRevise || e.Pending.ID != rev2.ID || e.Consent["lapsed"] != 1 {
		t.Fatalf("revising: %s pending %+v consent %v", e.State, e.Pending, e.Consent)
	}
	for _, who := range []struct {
		id int64
		p  func() error
	}{
		{bolt, func() error {
			_, err := w.svc.AnswerEmbargo(w.ctx, w.memberB, c.ID, bolt, rev2.ID, true, "")
			return err
		}},
		{lead, func() error { _, err := w.svc.AnswerEmbargo(w.ctx, w.staff, c.ID, lead, 0, true, ""); return err }},
	} {
		if err := who.p(); err != nil {
			t.Fatalf("participant %d accepts: %v", who.id, err)
		}
	}
	got, _ = w.svc.Get(w.ctx, w.staff, c.ID)
	if got.EM != protocol.EMActive || !got.EmbargoEndsAt.Equal(rev2.EndsAt) {
		t.Fatalf("the revision in force: %s until %v (want %v)", got.EM, got.EmbargoEndsAt, rev2.EndsAt)
	}
	// A shortening the coordinator rejects leaves the terms in force.
	short, err := w.svc.ProposeEmbargo(w.ctx, w.memberB, c.ID, bolt, w.terms(10))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.DecideEmbargo(w.ctx, w.staff, c.ID, short.ID, false, "the fix is not ready"); err != nil {
		t.Fatal(err)
	}
	e = w.embargo(c, w.staff)
	if e.State != protocol.EMActive || !e.InForce.EndsAt.Equal(rev2.EndsAt) || e.InForce.Zone != "America/Chicago" || e.Consent["signatory"] != 3 {
		t.Fatalf("after a rejected revision: %s %+v %v", e.State, e.InForce, e.Consent)
	}
	statuses := map[int64]string{}
	for _, pr := range e.History {
		statuses[pr.ID] = pr.Status
	}
	want := map[int64]string{first.ID: "accepted", rev.ID: "superseded", rev2.ID: "accepted", short.ID: "rejected"}
	for id, st := range want {
		if statuses[id] != st {
			t.Errorf("proposal %d: %s, want %s", id, statuses[id], st)
		}
	}
	// Ending it needs a reason and a coordinator.
	w.unchanged(t, c, errs.Invalid, func() error { _, err := w.svc.TerminateEmbargo(w.ctx, w.staff, c.ID, " "); return err })
	w.unchanged(t, c, errs.Forbidden, func() error { _, err := w.svc.TerminateEmbargo(w.ctx, w.memberA, c.ID, "we shipped"); return err })
	if got, err = w.svc.TerminateEmbargo(w.ctx, w.staff, c.ID, "every vendor has shipped the fix"); err != nil || got.EM != protocol.EMExited || !got.EmbargoEndsAt.IsZero() {
		t.Fatalf("terminate: %+v, %v", got, err)
	}
	w.unchanged(t, c, errs.Conflict, func() error { _, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead, w.terms(90)); return err })
	if sums := w.summaries(c, w.memberB); !containsText(sums, "The embargo was ended early; reason: every vendor has shipped the fix") {
		t.Fatalf("Bolt's timeline:\n%s", strings.Join(sums, "\n"))
	}
}

func TestProposersSetting(t *testing.T) {
	w, c, ps := embargoWorld(t)
	acme := ps[w.acme.ID].ID
	w.unchanged(t, c, errs.Forbidden, func() error { return w.svc.SetEmbargoProposers(w.ctx, w.memberA, c.ID, "participants") })
	w.unchanged(t, c, errs.Invalid, func() error { return w.svc.SetEmbargoProposers(w.ctx, w.staff, c.ID, "everyone") })
	if err := w.svc.SetEmbargoProposers(w.ctx, w.staff, c.ID, cases.ProposersCoordinators); err != nil {
		t.Fatal(err)
	}
	w.unchanged(t, c, errs.Forbidden, func() error { _, err := w.svc.ProposeEmbargo(w.ctx, w.memberA, c.ID, acme, w.terms(30)); return err })
	// Nor may a vendor act for another participant.
	if err := w.svc.SetEmbargoProposers(w.ctx, w.staff, c.ID, cases.ProposersParticipants); err != nil {
		t.Fatal(err)
	}
	w.unchanged(t, c, errs.Invalid, func() error {
		_, err := w.svc.ProposeEmbargo(w.ctx, w.memberA, c.ID, ps[w.bolt.ID].ID, w.terms(30))
		return err
	})
	if _, err := w.svc.ProposeEmbargo(w.ctx, w.memberA, c.ID, 0, w.terms(30)); err != nil {
		t.Fatal(err)
	}
}

// TestSilenceCountsAsRejection runs the silence job with an injected clock.
func TestSilenceCountsAsRejection(t *testing.T) {
	w, c, ps := embargoWorld(t)
	acme, bolt := ps[w.acme.ID].ID, ps[w.bolt.ID].ID
	pr, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, w.terms(45))
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(3 * 24 * time.Hour)
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberA, c.ID, acme, pr.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(10 * 24 * time.Hour) // 13 days after the proposal
	if n, err := w.svc.ExpireSilence(w.ctx, w.now); err != nil || n != 0 {
		t.Fatalf("before the period: %d, %v", n, err)
	}
	if a := answerOf(w.embargo(c, w.staff), bolt); a.Silent || a.Consent != protocol.ConsentInvited {
		t.Fatalf("Bolt after 13 days: %+v", a)
	}
	w.now = w.now.Add(25 * time.Hour)
	if a := answerOf(w.embargo(c, w.staff), bolt); !a.Silent {
		t.Fatalf("Bolt after 14 days is not shown as silent: %+v", a)
	}
	if n, err := w.svc.ExpireSilence(w.ctx, w.now); err != nil || n != 1 {
		t.Fatalf("after the period: %d, %v", n, err)
	}
	if n, err := w.svc.ExpireSilence(w.ctx, w.now); err != nil || n != 0 {
		t.Fatalf("a second run: %d, %v", n, err)
	}
	if a := answerOf(w.embargo(c, w.staff), bolt); a.Consent != protocol.ConsentDeclined || a.Answer != "silence" {
		t.Fatalf("Bolt after the job: %+v", a)
	}
	if sums := w.summaries(c, w.memberB); !containsText(sums, "Bolt Systems did not answer the embargo invitation within 14 days: the silence counts as a rejection") {
		t.Fatalf("Bolt's timeline:\n%s", strings.Join(sums, "\n"))
	}
	// A change of mind after silence is still an answer.
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberB, c.ID, bolt, 0, true, "sorry, holidays"); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.svc.Get(w.ctx, w.staff, c.ID); got.EM != protocol.EMActive {
		t.Fatalf("every participant has accepted, but the embargo is %s", got.EM)
	}
}

// TestNewcomerSeesSummaryUntilAccepting: a vendor invited into an
// embargoed case sees the summary and the embargo, not the details, until
// it accepts or the coordinators share them.
func TestNewcomerSeesSummaryUntilAccepting(t *testing.T) {
	w := newWorld(t)
	c := w.open("Router RCE", cases.VulnFields{Title: "Stack overflow in the web UI"})
	acme := w.add(c, []cases.Role{cases.RoleVendor}, w.acme)[0]
	if _, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, w.terms(45)); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberA, c.ID, acme.ID, 0, true, ""); err != nil {
		t.Fatal(err)
	}
	bolt := w.add(c, []cases.Role{cases.RoleVendor}, w.bolt)[0]
	got, err := w.svc.Get(w.ctx, w.memberB, c.ID)
	if err != nil || !got.Restricted || len(got.Vulnerabilities) != 0 || got.Title != "Router RCE" {
		t.Fatalf("the newcomer sees: %+v, %v", got, err)
	}
	if e := w.embargo(c, w.memberB); !e.Restricted || e.InForce.EndsAt.IsZero() {
		t.Fatalf("the newcomer's embargo: %+v", e)
	}
	if sums := w.summaries(c, w.memberB); containsText(sums, "Case PAR-") {
		t.Fatalf("the newcomer reads the timeline:\n%s", strings.Join(sums, "\n"))
	}
	if got, _ := w.svc.Get(w.ctx, w.memberA, c.ID); got.Restricted || len(got.Vulnerabilities) != 1 {
		t.Fatalf("the signatory sees: %+v", got)
	}
	w.unchanged(t, c, errs.Invalid, func() error { return w.svc.ShareDetails(w.ctx, w.staff, c.ID, bolt.ID, "") })
	w.unchanged(t, c, errs.Forbidden, func() error { return w.svc.ShareDetails(w.ctx, w.memberA, c.ID, bolt.ID, "why not") })
	if err := w.svc.ShareDetails(w.ctx, w.staff, c.ID, bolt.ID, "Bolt must check its fork of the code"); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.svc.Get(w.ctx, w.memberB, c.ID); got.Restricted || len(got.Vulnerabilities) != 1 {
		t.Fatalf("after the override: %+v", got)
	}
	// The newcomer accepts the terms in force: no proposal pending.
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberB, c.ID, bolt.ID, 0, true, ""); err != nil {
		t.Fatal(err)
	}
	if e := w.embargo(c, w.staff); e.Consent["signatory"] != 3 || e.State != protocol.EMActive {
		t.Fatalf("after the newcomer accepted: %s %v", e.State, e.Consent)
	}
}

func TestPublicEndsTheEmbargo(t *testing.T) {
	w, c, _ := embargoWorld(t)
	pr, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, w.terms(45))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.ExploitPublic}); err != nil {
		t.Fatal(err)
	}
	e := w.embargo(c, w.staff)
	if e.State != protocol.EMNone || e.Pending != nil || e.History[0].ID != pr.ID || e.History[0].Status != "rejected" {
		t.Fatalf("after X: %s pending %+v history %+v", e.State, e.Pending, e.History)
	}
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.AnswerEmbargo(w.ctx, w.memberA, c.ID, w.participants(c)[w.acme.ID].ID, pr.ID, true, "")
		return err
	})
}

// TestCompetingDefaults: two policies' defaults compete; the shorter is
// proposed, the longer becomes a revision once the shorter is in force.
func TestCompetingDefaults(t *testing.T) {
	w, c, ps := embargoWorld(t)
	lead, acme, bolt := ps[w.coord.ID].ID, ps[w.acme.ID].ID, ps[w.bolt.ID].ID
	if _, err := w.svc.SetPolicy(w.ctx, w.memberA, w.coord.ID, cases.PolicyFields{Preset: "cert-45"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a vendor set the coordinator's policy: %v", err)
	}
	if _, err := w.svc.SetPolicy(w.ctx, w.memberA, w.acme.ID, cases.PolicyFields{Days: 100, CountsFrom: cases.FromFirstContact}); errs.FieldOf(err) != "justification" {
		t.Fatalf("100 days without a reason: %v", err)
	}
	pol, err := w.svc.SetPolicy(w.ctx, w.memberA, w.acme.ID, cases.PolicyFields{Preset: "list-14", Statement: "We follow the distros list."})
	if err != nil || pol.Days != 14 || pol.CountsFrom != cases.FromReport || !pol.Published {
		t.Fatalf("Acme's policy: %+v, %v", pol, err)
	}
	if _, err := w.svc.SetPolicy(w.ctx, w.memberA, w.acme.ID, cases.PolicyFields{Preset: "max-7"}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("a stale version: %v", err)
	}
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme, w.now.Add(-2*24*time.Hour), "email"); err != nil {
		t.Fatal(err)
	}
	coord, err := w.svc.ProposeDefaultEmbargo(w.ctx, w.staff, c.ID, lead)
	if err != nil {
		t.Fatal(err)
	}
	if want := w.now.Add(43 * 24 * time.Hour); !coord.EndsAt.Equal(want) || coord.Source != "policy" {
		t.Fatalf("the coordinator's default (45 days from the contact 2 days ago): %v, want %v", coord.EndsAt, want)
	}
	vendor, err := w.svc.ProposeDefaultEmbargo(w.ctx, w.memberA, c.ID, acme)
	if err != nil {
		t.Fatal(err)
	}
	if want := c.CreatedAt.Add(14 * 24 * time.Hour); !vendor.EndsAt.Equal(want) || vendor.Status != "pending" {
		t.Fatalf("Acme's shorter default: %+v, want until %v", vendor, want)
	}
	e := w.embargo(c, w.staff)
	if len(e.Queued) != 1 || !e.Queued[0].EndsAt.Equal(coord.EndsAt) || e.Queued[0].ProposedBy != lead {
		t.Fatalf("the longer default is not queued: %+v", e.Queued)
	}
	for _, ans := range []struct {
		p  int64
		by func() error
	}{
		{lead, func() error {
			_, err := w.svc.AnswerEmbargo(w.ctx, w.staff, c.ID, lead, vendor.ID, true, "")
			return err
		}},
		{bolt, func() error {
			_, err := w.svc.AnswerEmbargo(w.ctx, w.memberB, c.ID, bolt, vendor.ID, true, "")
			return err
		}},
	} {
		if err := ans.by(); err != nil {
			t.Fatal(err)
		}
	}
	e = w.embargo(c, w.staff)
	if e.State != protocol.EMRevise || !e.InForce.EndsAt.Equal(vendor.EndsAt) || e.Pending == nil || !e.Pending.EndsAt.Equal(coord.EndsAt) ||
		e.Pending.Kind != "revision" || len(e.Queued) != 0 {
		t.Fatalf("after the shorter is in force: %s in force %+v pending %+v queued %+v", e.State, e.InForce, e.Pending, e.Queued)
	}
}

func (w *world) embargo(c cases.Case, p auth.Principal) cases.Embargo {
	w.t.Helper()
	e, err := w.svc.Embargo(w.ctx, p, c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	return e
}

func answerOf(e cases.Embargo, participant int64) cases.Answer {
	for _, a := range e.Answers {
		if a.Participant == participant {
			return a
		}
	}
	return cases.Answer{}
}

func (w *world) summaries(c cases.Case, p auth.Principal) []string {
	w.t.Helper()
	events, err := w.svc.Timeline(w.ctx, p, c.ID, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, e := range events {
		out = append(out, e.Summary)
	}
	return out
}

func containsText(list []string, s string) bool {
	for _, x := range list {
		if strings.Contains(x, s) {
			return true
		}
	}
	return false
}
