package disputes_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// TestDisputeWithTheCoordinator follows a vendor's timing dispute with the
// coordinator from opening to resolution, and checks who sees what.
func TestDisputeWithTheCoordinator(t *testing.T) {
	w := newWorld(t)
	d := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "timing", Title: "Publication date",
		Position: "We need until August: the fix ships with our quarterly release.", Visibility: disputes.VisibleToCoordinator}))
	if d.Mediator != w.pid["CERT"] || d.OpenedBy != w.pid["Acme"] || d.Status != disputes.StatusOpen {
		t.Fatalf("opened %+v", d)
	}

	// Only the parties, the mediator, staff and administrators see it.
	if _, err := w.svc.Get(w.ctx, w.memberB, w.c.ID, d.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("Bolt reads another party's dispute: %v", err)
	}
	if _, err := w.svc.Get(w.ctx, w.partner, w.c.ID, d.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("the partner coordinator reads a dispute it does not mediate: %v", err)
	}
	if list := must(w.svc.List(w.ctx, w.memberB, w.c.ID)); len(list) != 0 {
		t.Errorf("Bolt lists %d disputes", len(list))
	}
	if strings.Contains(w.timeline(w.memberB), "Dispute") {
		t.Errorf("Bolt's timeline shows the dispute:\n%s", w.timeline(w.memberB))
	}
	if tl := w.timeline(w.memberA); !strings.Contains(tl, `Dispute #1 (Timing of disclosure) "Publication date" opened by Acme`) {
		t.Errorf("Acme's timeline lacks the dispute:\n%s", tl)
	}
	if det := must(w.svc.Get(w.ctx, w.desk, w.c.ID, d.ID)); !det.Parties[0].Hidden || det.Parties[0].Position != "" {
		t.Errorf("staff who do not mediate read a position for the coordinator: %+v", det.Parties)
	}
	det := must(w.svc.Get(w.ctx, w.cory, w.c.ID, d.ID))
	if det.Parties[0].Position == "" || det.MediatorName != "CERT" || len(det.Parties) != 2 {
		t.Errorf("the mediator sees %+v", det)
	}

	// The coordinator states its position for the parties and writes in
	// the thread; Acme answers.
	must(w.svc.StatePosition(w.ctx, w.cory, w.c.ID, d.ID, disputes.Position{Text: "45 days is our policy."}))
	must(w.svc.Post(w.ctx, w.cory, w.c.ID, d.ID, 0, "Could a workaround be published earlier?"))
	m := must(w.svc.Post(w.ctx, w.memberA, w.c.ID, d.ID, 0, "Yes, a *configuration* change."))
	if m.Participant != w.pid["Acme"] || m.Mediator {
		t.Errorf("Acme's post is %+v", m)
	}

	// A first proposal is superseded by a second; Acme accepts the second,
	// which resolves the dispute (the coordinator, a party, proposed it).
	first := must(w.svc.Propose(w.ctx, w.cory, w.c.ID, d.ID, "Publish on 15 July."))
	second := must(w.svc.Propose(w.ctx, w.cory, w.c.ID, d.ID, "Publish a workaround on 1 June, details on 1 August."))
	if !second.Answered(w.pid["CERT"]) {
		t.Errorf("the mediator's own proposal is not its acceptance: %+v", second)
	}
	w.refused("answer a superseded proposal", errs.Conflict, "", func() error {
		_, err := w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, first.ID, disputes.Reply{Accept: true})
		return err
	})
	r := must(w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, second.ID, disputes.Reply{Accept: true, Comment: "Agreed."}))
	if r.Status != disputes.Accepted {
		t.Errorf("resolution %+v", r)
	}
	det = must(w.svc.Get(w.ctx, w.memberA, w.c.ID, d.ID))
	if det.Status != disputes.StatusResolved || det.Outcome != second.Proposal || det.ResolvedAt.IsZero() {
		t.Errorf("after acceptance: %+v", det.Dispute)
	}
	if len(det.Messages) != 2 || det.Messages[0].Name != "CERT" || !det.Messages[0].Mediator || len(det.Resolutions) != 2 ||
		det.Resolutions[0].Status != disputes.Superseded {
		t.Errorf("thread %+v, resolutions %+v", det.Messages, det.Resolutions)
	}
	if tl := w.timeline(w.memberA); !strings.Contains(tl, "resolved: the parties accepted") {
		t.Errorf("Acme's timeline lacks the outcome:\n%s", tl)
	}
	w.refused("post to a resolved dispute", errs.Conflict, "", func() error {
		_, err := w.svc.Post(w.ctx, w.memberA, w.c.ID, d.ID, 0, "One more thing")
		return err
	})
	// opened, position, 2 posts, 2 proposals, and the resolving answer.
	if n := w.events(); n != 7 {
		t.Errorf("%d notices queued, want 7", n)
	}
}

// TestDisputeBetweenVendors: the coordinator opens a dispute on Acme's
// behalf with Bolt; private positions stay with the mediator; a rejection
// leaves the dispute open for a new proposal; both accept it.
func TestDisputeBetweenVendors(t *testing.T) {
	w := newWorld(t)
	acme, bolt := w.pid["Acme"], w.pid["Bolt"]
	// Acme does not see Bolt in the case, so it cannot name it.
	w.refused("a vendor names a vendor it does not see", errs.Invalid, "with", func() error {
		_, err := w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "reproducibility", Title: "Does it reproduce?", With: []int64{bolt}})
		return err
	})
	d := must(w.svc.Create(w.ctx, w.staff, w.c.ID, disputes.NewDispute{Topic: "reproducibility", Title: "Does it reproduce?",
		As: acme, With: []int64{bolt}}))
	must(w.svc.StatePosition(w.ctx, w.memberA, w.c.ID, d.ID, disputes.Position{Text: "It does not on 2.x.", Visibility: "coordinator"}))
	must(w.svc.StatePosition(w.ctx, w.memberB, w.c.ID, d.ID, disputes.Position{Text: "It does on 2.1.", Visibility: "parties"}))
	positions := func(det disputes.Detail) map[int64]disputes.Party {
		out := map[int64]disputes.Party{}
		for _, p := range det.Parties {
			out[p.Participant] = p
		}
		return out
	}
	byBolt := positions(must(w.svc.Get(w.ctx, w.memberB, w.c.ID, d.ID)))
	if !byBolt[acme].Hidden || byBolt[acme].Position != "" || byBolt[bolt].Position != "It does on 2.1." {
		t.Errorf("Bolt sees %+v", byBolt)
	}
	if got := positions(must(w.svc.Get(w.ctx, w.cory, w.c.ID, d.ID))); got[acme].Position != "It does not on 2.x." {
		t.Errorf("the mediator sees %+v", got)
	}
	if got := positions(must(w.svc.Get(w.ctx, w.admin, w.c.ID, d.ID))); got[acme].Position == "" {
		t.Errorf("an administrator sees %+v", got)
	}
	if got := positions(must(w.svc.Get(w.ctx, w.memberA, w.c.ID, d.ID))); got[acme].Position == "" || got[bolt].Position == "" {
		t.Errorf("Acme sees %+v", got)
	}
	if tl := w.timeline(w.memberB); !strings.Contains(tl, "Does it reproduce?") {
		t.Errorf("Bolt's timeline lacks its dispute:\n%s", tl)
	}
	if tl := w.timeline(w.memberC); strings.Contains(tl, "Dispute") {
		t.Errorf("Crux's timeline shows others' dispute:\n%s", tl)
	}

	first := must(w.svc.Propose(w.ctx, w.cory, w.c.ID, d.ID, "Bolt sends its proof of concept for 2.1 to Acme."))
	must(w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, first.ID, disputes.Reply{Accept: true}))
	rejected := must(w.svc.Answer(w.ctx, w.memberB, w.c.ID, d.ID, first.ID, disputes.Reply{Accept: false, Comment: "Not before the NDA"}))
	if rejected.Status != disputes.Rejected {
		t.Fatalf("after a rejection: %+v", rejected)
	}
	w.refused("answer a rejected proposal", errs.Conflict, "", func() error {
		_, err := w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, first.ID, disputes.Reply{Accept: true})
		return err
	})
	second := must(w.svc.Propose(w.ctx, w.admin, w.c.ID, d.ID, "Bolt sends it under the case's embargo."))
	if second.Answered(w.pid["CERT"]) || len(second.Answers) != 0 {
		t.Errorf("the mediator answered a proposal it is no party to: %+v", second)
	}
	must(w.svc.Answer(w.ctx, w.memberB, w.c.ID, d.ID, second.ID, disputes.Reply{Accept: true}))
	w.refused("answer twice", errs.Conflict, "", func() error {
		_, err := w.svc.Answer(w.ctx, w.memberB, w.c.ID, d.ID, second.ID, disputes.Reply{Accept: true})
		return err
	})
	if det := must(w.svc.Get(w.ctx, w.memberB, w.c.ID, d.ID)); det.Status != disputes.StatusOpen {
		t.Fatalf("resolved before every party accepted: %+v", det.Dispute)
	}
	must(w.svc.Answer(w.ctx, w.memberA, w.c.ID, d.ID, second.ID, disputes.Reply{Accept: true}))
	if det := must(w.svc.Get(w.ctx, w.memberB, w.c.ID, d.ID)); det.Status != disputes.StatusResolved {
		t.Fatalf("not resolved: %+v", det.Dispute)
	}
}

// TestExtension: a deadline extension is answered with a structured
// decision; a grant calls the embargo hook in the same transaction, and a
// failing hook refuses the whole answer.
func TestExtension(t *testing.T) {
	w := newWorld(t)
	d := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "extension", Title: "Two more weeks",
		Until: "2026-07-01T12:00", Zone: "Europe/Berlin"}))
	asked := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
	if !d.RequestedUntil.Equal(asked) || d.RequestedZone != "Europe/Berlin" {
		t.Fatalf("asked for %v %q", d.RequestedUntil, d.RequestedZone)
	}
	w.refused("a proposal on an extension", errs.Conflict, "", func() error {
		_, err := w.svc.Propose(w.ctx, w.cory, w.c.ID, d.ID, "Maybe")
		return err
	})
	w.refused("partly, later than asked", errs.Invalid, "until", func() error {
		_, err := w.svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Partly, Until: "2026-07-02T12:00", Zone: "UTC", Reasons: "r"})
		return err
	})
	w.refused("a denial without reasons", errs.Invalid, "reasons", func() error {
		_, err := w.svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Denied})
		return err
	})
	w.refused("an answer that is none", errs.Invalid, "answer", func() error {
		_, err := w.svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: "maybe"})
		return err
	})
	w.refused("a decision by a party", errs.Forbidden, "", func() error {
		_, err := w.svc.Decide(w.ctx, w.memberA, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Granted})
		return err
	})
	w.reviseTo = errs.E(errs.Conflict, "the embargo ended")
	w.refused("the embargo refuses the revision", errs.Conflict, "", func() error {
		_, err := w.svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Partly, Until: "2026-06-20T09:00", Zone: "Europe/Berlin", Reasons: "Users at risk"})
		return err
	})
	w.reviseTo, w.revised = nil, nil
	got := must(w.svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Partly, Until: "2026-06-20T09:00", Zone: "Europe/Berlin", Reasons: "Users at risk"}))
	want := time.Date(2026, 6, 20, 7, 0, 0, 0, time.UTC)
	if got.Status != disputes.StatusResolved || got.Answer != disputes.Partly || !got.GrantedUntil.Equal(want) || got.Reasons != "Users at risk" {
		t.Errorf("decided %+v", got)
	}
	if len(w.revised) != 1 || !w.revised[0].until.Equal(want) || w.revised[0].zone != "Europe/Berlin" || w.revised[0].caseID != w.c.ID {
		t.Errorf("the hook was called with %+v", w.revised)
	}
	if tl := w.timeline(w.memberA); !strings.Contains(tl, "extension partly granted, until 2026-06-20 09:00 Europe/Berlin") {
		t.Errorf("Acme's timeline lacks the decision:\n%s", tl)
	}

	// A grant takes the end asked for; a denial calls no hook.
	d2 := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "extension", Title: "Again", Until: "2026-08-01T00:00:00Z"}))
	if g := must(w.svc.Decide(w.ctx, w.admin, w.c.ID, d2.ID, disputes.Decision{Answer: disputes.Granted})); !g.GrantedUntil.Equal(d2.RequestedUntil) {
		t.Errorf("granted %v, asked %v", g.GrantedUntil, d2.RequestedUntil)
	}
	d3 := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "extension", Title: "Once more", Until: "2026-09-01T00:00:00Z"}))
	must(w.svc.Decide(w.ctx, w.cory, w.c.ID, d3.ID, disputes.Decision{Answer: disputes.Denied, Reasons: "Exploited in the wild"}))
	if len(w.revised) != 2 {
		t.Errorf("the hook ran %d times, want 2 (no revision on a denial)", len(w.revised))
	}
}

// TestHandOver: the case's disputes go to a partner coordinator as neutral
// mediator; the first coordinator no longer mediates them.
func TestHandOver(t *testing.T) {
	w := newWorld(t)
	d := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "whether_to_disclose", Title: "Disclose at all?"}))
	w.refused("a vendor hands over", errs.Forbidden, "", func() error {
		_, err := w.svc.HandOver(w.ctx, w.memberA, w.c.ID, w.pid["Partner CSIRT"], "neutrality")
		return err
	})
	w.refused("to a vendor", errs.Invalid, "participant", func() error {
		_, err := w.svc.HandOver(w.ctx, w.staff, w.c.ID, w.pid["Bolt"], "neutrality")
		return err
	})
	w.refused("to the mediator itself", errs.Conflict, "", func() error {
		_, err := w.svc.HandOver(w.ctx, w.staff, w.c.ID, w.pid["CERT"], "neutrality")
		return err
	})
	w.refused("without a reason", errs.Invalid, "reason", func() error {
		_, err := w.svc.HandOver(w.ctx, w.staff, w.c.ID, w.pid["Partner CSIRT"], " ")
		return err
	})
	m := must(w.svc.HandOver(w.ctx, w.staff, w.c.ID, w.pid["Partner CSIRT"], "Acme disputes with CERT itself"))
	if m.Name != "Partner CSIRT" {
		t.Errorf("handed to %+v", m)
	}
	if got := must(w.svc.Mediator(w.ctx, w.memberA, w.c.ID)); !got.HandedOver || got.Participant != w.pid["Partner CSIRT"] {
		t.Errorf("mediation %+v", got)
	}
	if tl := w.timeline(w.memberA); !strings.Contains(tl, "now mediated by Partner CSIRT as neutral third party (was CERT)") {
		t.Errorf("the timeline lacks the hand-over:\n%s", tl)
	}
	w.refused("the first coordinator proposes", errs.Forbidden, "", func() error {
		_, err := w.svc.Propose(w.ctx, w.staff, w.c.ID, d.ID, "Disclose")
		return err
	})
	must(w.svc.Propose(w.ctx, w.partner, w.c.ID, d.ID, "Disclose with less detail"))
	later := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "other", Title: "Credit"}))
	if later.Mediator != w.pid["Partner CSIRT"] {
		t.Errorf("a later dispute is mediated by %d", later.Mediator)
	}
	closed := must(w.svc.Close(w.ctx, w.partner, w.c.ID, later.ID, "No agreement possible"))
	if closed.Status != disputes.StatusUnresolved || closed.Reasons != "No agreement possible" {
		t.Errorf("closed %+v", closed)
	}
	w.refused("the other party withdraws", errs.Forbidden, "", func() error {
		_, err := w.svc.Withdraw(w.ctx, w.cory, w.c.ID, d.ID, "")
		return err
	})
	if wd := must(w.svc.Withdraw(w.ctx, w.memberA, w.c.ID, d.ID, "")); wd.Status != disputes.StatusWithdrawn {
		t.Errorf("withdrawn %+v", wd)
	}
	det := must(w.svc.Get(w.ctx, w.memberA, w.c.ID, d.ID))
	if p, ok := det.Pending(); ok || det.Resolutions[0].Status != disputes.Superseded {
		t.Errorf("a withdrawn dispute keeps a pending proposal: %+v", p)
	}
}

// TestOpenAcrossCases: staff see every open dispute with its age, others
// those they take part in.
func TestOpenAcrossCases(t *testing.T) {
	w := newWorld(t)
	first := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "timing", Title: "Date"}))
	w.now = w.now.Add(48 * time.Hour)
	must(w.svc.Create(w.ctx, w.memberB, w.c.ID, disputes.NewDispute{Topic: "disclosure_detail", Title: "Too much detail"}))
	done := must(w.svc.Create(w.ctx, w.memberC, w.c.ID, disputes.NewDispute{Topic: "other", Title: "Settled"}))
	must(w.svc.Withdraw(w.ctx, w.memberC, w.c.ID, done.ID, "settled by phone"))
	w.now = w.now.Add(24 * time.Hour)

	all := must(w.svc.Open(w.ctx, w.staff, disputes.OpenFilter{}))
	if len(all) != 2 || all[0].ID != first.ID || all[0].Age(w.now) != 72*time.Hour || all[0].CaseKey != w.c.Key ||
		all[0].MediatorName != "CERT" || all[0].OpenerName != "Acme" {
		t.Fatalf("staff see %+v", all)
	}
	if mine := must(w.svc.Open(w.ctx, w.memberA, disputes.OpenFilter{})); len(mine) != 1 || mine[0].ID != first.ID {
		t.Errorf("Acme sees %+v", mine)
	}
	if mine := must(w.svc.Open(w.ctx, w.cory, disputes.OpenFilter{Topic: "disclosure-detail"})); len(mine) != 1 || mine[0].Title != "Too much detail" {
		t.Errorf("the mediator's disclosure-detail disputes: %+v", mine)
	}
	if none := must(w.svc.Open(w.ctx, w.outside, disputes.OpenFilter{})); len(none) != 0 {
		t.Errorf("an outsider sees %+v", none)
	}
	if page := must(w.svc.Open(w.ctx, w.admin, disputes.OpenFilter{Page: store.Page{After: first.ID}})); len(page) != 1 {
		t.Errorf("the page after the first: %+v", page)
	}
	if _, err := w.svc.Open(w.ctx, w.staff, disputes.OpenFilter{Topic: "weather"}); errs.FieldOf(err) != "topic" {
		t.Errorf("an unknown topic filter: %v", err)
	}
	if list := must(w.svc.List(w.ctx, w.staff, w.c.ID)); len(list) != 3 {
		t.Errorf("the case lists %d disputes for staff", len(list))
	}
}

// TestExtensionRevisesTheEmbargo wires the hook as the application does:
// a granted extension puts a revision of the terms in force to the case,
// in the same transaction, and the participants answer it.
func TestExtensionRevisesTheEmbargo(t *testing.T) {
	w := newWorld(t)
	svc := disputes.NewService(w.db, func() time.Time { return w.now }, w.cases, disputes.Config{
		ReviseEmbargo: func(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64, until time.Time, zone, reason string) error {
			_, err := w.cases.ProposeWithin(ctx, tx, p, caseID, cases.Terms{EndsAt: until, Zone: zone, Justification: reason})
			return err
		}})
	first := cases.Terms{EndsAt: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), Zone: "UTC"}
	if _, err := w.cases.ProposeEmbargo(w.ctx, w.cory, w.c.ID, 0, first); err != nil {
		t.Fatal(err)
	}
	if _, err := w.cases.DecideEmbargo(w.ctx, w.cory, w.c.ID, 0, true, ""); err != nil {
		t.Fatal(err)
	}
	d := must(svc.Create(w.ctx, w.memberA, w.c.ID, disputes.NewDispute{Topic: "extension", Title: "Our fix slipped",
		Until: "2026-06-15T17:00", Zone: "Europe/Berlin"}))
	must(svc.Decide(w.ctx, w.cory, w.c.ID, d.ID, disputes.Decision{Answer: disputes.Granted}))
	e, err := w.cases.Embargo(w.ctx, w.cory, w.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if e.Pending == nil || e.Pending.Kind != "revision" || !e.Pending.EndsAt.Equal(d.RequestedUntil) || e.Pending.Zone != "Europe/Berlin" ||
		!e.InForce.EndsAt.Equal(first.EndsAt) {
		t.Fatalf("after the grant: pending %+v, in force %+v", e.Pending, e.InForce)
	}
}
