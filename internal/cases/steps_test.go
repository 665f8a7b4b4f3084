package cases_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// unchanged fails the test if fn's refused step wrote anything: journal
// entries, participant or case versions.
func (w *world) unchanged(t *testing.T, c cases.Case, kind errs.Kind, fn func() error) {
	t.Helper()
	state := func() [3]int {
		return [3]int{w.journalCount(), w.count(`SELECT COALESCE(SUM(version), 0) FROM case_participants WHERE case_id = $1`, c.ID),
			w.count(`SELECT version FROM cases WHERE id = $1`, c.ID)}
	}
	before := state()
	err := fn()
	if !errs.Is(err, kind) {
		t.Fatalf("got %v, want %s", err, kind)
	}
	if after := state(); after != before {
		t.Fatalf("a refused step wrote something: %v -> %v", before, after)
	}
}

func TestRMAndEMSteps(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	acme := w.add(c, []cases.Role{cases.RoleVendor}, w.acme)[0]
	lead := w.participants(c)[w.coord.ID]

	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, acme.ID, protocol.RMValidate, "")
		return err
	})
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.StepRM(w.ctx, w.staff, c.ID, acme.ID, protocol.RMReceive, "")
		if !strings.Contains(errs.Public(err), "Accepted submits") {
			t.Errorf("the rule is not in the message: %q", errs.Public(err))
		}
		return err
	})
	w.unchanged(t, c, errs.Forbidden, func() error {
		_, err := w.svc.SendReport(w.ctx, w.memberA, c.ID, lead.ID, acme.ID)
		return err
	})
	got, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead.ID, acme.ID)
	if err != nil || got.RM != protocol.RMReceived || got.Version != 2 {
		t.Fatalf("send: %+v, %v", got, err)
	}
	got, err = w.svc.StepRM(w.ctx, w.memberA, c.ID, acme.ID, protocol.RMValidate, "")
	if err != nil || got.RM != protocol.RMValid || !got.FirstResponseAt.Equal(w.now) {
		t.Fatalf("validate: %+v, %v", got, err)
	}
	w.unchanged(t, c, errs.Forbidden, func() error {
		_, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, lead.ID, protocol.RMDefer, "")
		return err
	})
	if _, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, acme.ID, protocol.RMAccept, ""); err != nil {
		t.Fatal(err)
	}

	// Embargo: proposed by the coordinator, accepted by the vendor.
	if _, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead.ID, w.terms(30)); err != nil {
		t.Fatalf("propose: %v", err)
	}
	cc, _ := w.svc.Get(w.ctx, w.staff, c.ID)
	if cc.EM != protocol.EMProposed || cc.Version != c.Version+1 {
		t.Fatalf("proposed: %+v", cc)
	}
	ps := w.participants(c)
	if ps[w.acme.ID].Consent != protocol.ConsentInvited || ps[w.coord.ID].Consent != protocol.ConsentSignatory {
		t.Fatalf("consent after proposal: acme %s, coordinator %s", ps[w.acme.ID].Consent, ps[w.coord.ID].Consent)
	}
	w.unchanged(t, c, errs.Forbidden, func() error {
		_, err := w.svc.StepConsent(w.ctx, w.memberA, c.ID, acme.ID, protocol.ConsentInvite)
		return err
	})
	// The last to accept puts the terms in force.
	if got, err := w.svc.StepConsent(w.ctx, w.memberA, c.ID, acme.ID, protocol.ConsentAccept); err != nil || got.Consent != protocol.ConsentSignatory {
		t.Fatalf("accept: %+v, %v", got, err)
	}
	if cc, _ = w.svc.Get(w.ctx, w.staff, c.ID); cc.EM != protocol.EMActive || !cc.EmbargoEndsAt.Equal(w.terms(30).EndsAt) {
		t.Fatalf("accepted embargo: %+v", cc)
	}
	// Closing during an embargo needs a reason.
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, acme.ID, protocol.RMClose, " ")
		return err
	})
	if got, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, acme.ID, protocol.RMClose, "end of life product"); err != nil || got.RM != protocol.RMClosed {
		t.Fatalf("close with override: %+v, %v", got, err)
	}
	// Going public ends the embargo and clears consent.
	changes, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.PublicAware})
	if err != nil {
		t.Fatal(err)
	}
	var kinds []string
	for _, ch := range changes {
		kinds = append(kinds, string(ch.Machine))
	}
	if !slices.Contains(kinds, "EM") {
		t.Fatalf("P did not end the embargo: %v", changes)
	}
	got2, _ := w.svc.Get(w.ctx, w.staff, c.ID)
	if got2.EM != protocol.EMExited || got2.Global.String() != "vfdPxa" {
		t.Fatalf("after P: EM %s, CS %s", got2.EM, got2.Global)
	}
	if ps := w.participants(c); ps[w.acme.ID].Consent != protocol.ConsentNone || !ps[w.acme.ID].VFD.Has(protocol.VendorAware) {
		t.Fatalf("after P: acme %+v", ps[w.acme.ID])
	}
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead.ID, w.terms(20))
		return err
	})
	want := []string{"case.created", "case.participant_added", "case.participant_added", "case.rm", "case.rm", "case.rm", "case.em",
		"case.embargo_proposed", "case.em", "case.embargo_in_force", "case.rm", "case.cs", "case.em", "case.cs"}
	if got := w.actions(c); !slices.Equal(got, want) {
		t.Fatalf("journal\n%v\nwant\n%v", got, want)
	}
	events, err := w.svc.Timeline(w.ctx, w.staff, c.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, e := range events {
		sums = append(sums, e.Message.String()+" "+e.Summary)
	}
	for _, s := range []string{
		"RS Acme Routers received the report",
		"RV Acme Routers: report Valid (was Received)",
		"EP Embargo proposed (was none); consent: 1 invited, 1 signatory",
		"MessageType(0) CERT Example proposed an embargo until 2026-05-31 12:00 UTC",
		"EA Embargo in force (was proposed); consent: 1 signatory",
		"MessageType(0) Acme Routers accepted the embargo; every participant has: it is in force until 2026-05-31 12:00 UTC",
		"RC Acme Routers: report Closed (was Accepted); reason: end of life product",
		"CP Public aware",
		"ET Embargo ended (was in force), as the case state requires; consent: 2 no embargo",
		"CV Acme Routers: vendor aware (implied)",
	} {
		if !slices.Contains(sums, s) {
			t.Errorf("timeline lacks %q:\n%s", s, strings.Join(sums, "\n"))
		}
	}
}

func TestRecordCSFollowsThePlan(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	ps := w.add(c, []cases.Role{cases.RoleVendor}, w.acme, w.bolt)
	acme, bolt := ps[0], ps[1]
	lead := w.participants(c)[w.coord.ID]

	changes, err := w.svc.RecordCS(w.ctx, w.memberA, c.ID, protocol.CaseEvent{Event: protocol.FixDeployed, Vendor: itoa(acme.ID)})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, ch := range changes {
		got = append(got, ch.String())
	}
	id := itoa(acme.ID)
	want := []string{"CS(" + id + ") vfdpxa -V-> Vfdpxa [CV] (implied)", "CS(" + id + ") Vfdpxa -F-> VFdpxa [CF] (implied)", "CS(" + id + ") VFdpxa -D-> VFDpxa [CD]"}
	if !slices.Equal(got, want) {
		t.Fatalf("changes\n%v\nwant\n%v", got, want)
	}
	if p := w.participants(c)[w.acme.ID]; p.VFD.String()[:3] != "VFD" || p.FirstResponseAt.IsZero() {
		t.Fatalf("acme %+v", p)
	}
	refused := []struct {
		name string
		p    func() error
		kind errs.Kind
	}{
		{"again", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.FixDeployed, Vendor: itoa(acme.ID)})
			return err
		}, errs.Conflict},
		{"vendor for another", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.memberA, c.ID, protocol.CaseEvent{Event: protocol.FixReady, Vendor: itoa(bolt.ID)})
			return err
		}, errs.Forbidden},
		{"vendor records P", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.memberA, c.ID, protocol.CaseEvent{Event: protocol.PublicAware})
			return err
		}, errs.Forbidden},
		{"no vendor", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.FixReady})
			return err
		}, errs.Invalid},
		{"vendor on P", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.PublicAware, Vendor: itoa(acme.ID)})
			return err
		}, errs.Invalid},
		{"coordinator is no vendor", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.FixReady, Vendor: itoa(lead.ID)})
			return err
		}, errs.Invalid},
		{"unknown event", func() error {
			_, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: 9})
			return err
		}, errs.Invalid},
	}
	for _, r := range refused {
		t.Run(r.name, func(t *testing.T) { w.unchanged(t, c, r.kind, r.p) })
	}

	// An exploit in public makes the case public, and then every vendor aware.
	changes, err = w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.ExploitPublic})
	if err != nil {
		t.Fatal(err)
	}
	got = got[:0]
	for _, ch := range changes {
		got = append(got, ch.Event+map[bool]string{true: "*", false: ""}[ch.Implied])
	}
	if !slices.Equal(got, []string{"X", "P*", "V*"}) {
		t.Fatalf("X recorded as %v", got)
	}
	cc, _ := w.svc.Get(w.ctx, w.staff, c.ID)
	if cc.Global.String() != "vfdPXa" || !w.participants(c)[w.bolt.ID].VFD.Has(protocol.VendorAware) {
		t.Fatalf("after X: %s, bolt %+v", cc.Global, w.participants(c)[w.bolt.ID])
	}

	// A vendor joining a public case owes V: the next vendor event makes
	// it aware too (the model is restored with every vendor once P holds).
	late := w.add(c, []cases.Role{cases.RoleVendor}, w.other)[0]
	if late.HasVFD && late.VFD.Has(protocol.VendorAware) {
		t.Fatalf("late vendor %+v", late)
	}
	changes, err = w.svc.RecordCS(w.ctx, w.memberB, c.ID, protocol.CaseEvent{Event: protocol.FixReady, Vendor: itoa(bolt.ID)})
	if err != nil || len(changes) != 2 || changes[1].Participant != itoa(late.ID) || !changes[1].Implied {
		t.Fatalf("F for bolt: %v, %v", changes, err)
	}
	if !w.participants(c)[w.other.ID].VFD.Has(protocol.VendorAware) {
		t.Fatal("the late vendor is not aware")
	}
}

func TestContactTracking(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	ps := w.add(c, []cases.Role{cases.RoleVendor}, w.acme, w.bolt)
	acme, bolt := ps[0], ps[1]
	t1 := w.now.Add(time.Minute)
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme.ID, t1, "email"); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme.ID, t1.Add(time.Hour), "email"); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.MarkDeliveryFailed(w.ctx, c.ID, bolt.ID, t1, "email", "550 no such mailbox"); err != nil {
		t.Fatal(err)
	}
	all := w.participants(c)
	a, b := all[w.acme.ID], all[w.bolt.ID]
	if a.ContactAttempts != 2 || !a.FirstContactAt.Equal(t1) || !a.LastContactAt.Equal(t1.Add(time.Hour)) || !a.VFD.Has(protocol.VendorAware) {
		t.Fatalf("acme %+v", a)
	}
	if b.ContactAttempts != 1 || b.DeliveryFailures != 1 || b.VFD.Has(protocol.VendorAware) {
		t.Fatalf("bolt %+v", b)
	}
	if err := w.svc.MarkNotified(w.ctx, c.ID, 999999, t1, "email"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("unknown participant: %v", err)
	}
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme.ID, t1, ""); errs.FieldOf(err) != "channel" {
		t.Fatalf("no channel: %v", err)
	}
	silent := func() []string {
		list, err := w.svc.Participants(w.ctx, w.staff, c.ID, cases.ParticipantFilter{Silent: true})
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, p := range list {
			names = append(names, p.Name)
		}
		return names
	}
	if got := silent(); !slices.Equal(got, []string{"Acme Routers", "Bolt Systems"}) {
		t.Fatalf("silent: %v", got)
	}
	if _, err := w.svc.RecordCS(w.ctx, w.memberA, c.ID, protocol.CaseEvent{Event: protocol.FixReady, Vendor: itoa(acme.ID)}); err != nil {
		t.Fatal(err)
	}
	if got := silent(); !slices.Equal(got, []string{"Bolt Systems"}) {
		t.Fatalf("silent after acme's fix: %v", got)
	}

	// Bolt's member looks at the case: first view, and Bolt is aware.
	before := w.journalCount()
	if err := w.svc.MarkViewed(w.ctx, w.memberB, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.MarkViewed(w.ctx, w.memberB, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.MarkViewed(w.ctx, w.staff, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.MarkViewed(w.ctx, w.outside, c.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("outsider viewed: %v", err)
	}
	b = w.participants(c)[w.bolt.ID]
	if !b.FirstViewAt.Equal(w.now) || !b.VFD.Has(protocol.VendorAware) {
		t.Fatalf("bolt after viewing %+v", b)
	}
	// Staff is a member of the lead coordinator: its first view counts too
	// (one entry); Bolt's first view and V are two more.
	if n := w.journalCount() - before; n != 3 {
		t.Fatalf("%d journal entries for the views, want 3", n)
	}
}

func TestTimelineVisibility(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case", cases.VulnFields{Title: "Bug"})
	ps := w.add(c, []cases.Role{cases.RoleVendor}, w.acme, w.bolt)
	lead := w.participants(c)[w.coord.ID]
	for _, p := range ps {
		if _, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.Attacks}); err != nil {
		t.Fatal(err)
	}
	all, err := w.svc.Timeline(w.ctx, w.staff, c.ID, store.Page{Limit: 200})
	if err != nil || len(all) != 8 {
		t.Fatalf("staff timeline: %d entries, %v", len(all), err)
	}
	var paged []cases.Event
	for page := (store.Page{Limit: 3}); ; {
		list, err := w.svc.Timeline(w.ctx, w.staff, c.ID, page)
		if err != nil {
			t.Fatal(err)
		}
		paged = append(paged, list...)
		if len(list) < 3 {
			break
		}
		page.After = list[len(list)-1].Seq
	}
	if len(paged) != len(all) {
		t.Fatalf("paged %d, all %d", len(paged), len(all))
	}
	mine, err := w.svc.Timeline(w.ctx, w.memberA, c.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	var sums []string
	for _, e := range mine {
		if strings.Contains(e.Summary, "Bolt") {
			t.Errorf("vendor A sees %q", e.Summary)
		}
		sums = append(sums, e.Summary)
	}
	want := []string{"Case PAR-2026-0001 opened: Case", "CERT Example joined as coordinator", "Vulnerability added: Bug",
		"Acme Routers joined as vendor", "Acme Routers received the report", "Attacks observed"}
	if !slices.Equal(sums, want) {
		t.Fatalf("vendor A's timeline\n%v\nwant\n%v", sums, want)
	}
	if mine[0].Actor != w.staff.Email {
		t.Fatalf("actor %q", mine[0].Actor)
	}
}
