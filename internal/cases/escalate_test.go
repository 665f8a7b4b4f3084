package cases_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

// TestSilentVendorEscalates follows a vendor that never answers along the
// default schedule with an injected clock: a reminder after 7 days, its
// other contacts after 14, the flag once the rule holds (42 days without
// an agreed date); an answer clears the flag.
func TestSilentVendorEscalates(t *testing.T) {
	w, c, ps := embargoWorld(t)
	acme, lead := ps[w.acme.ID].ID, ps[w.coord.ID].ID
	start := w.now
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme, start, "email"); err != nil {
		t.Fatal(err)
	}
	jobs := func(step cases.Escalation) int {
		return w.count(`SELECT COUNT(*) FROM jobs WHERE kind = $1 AND payload LIKE $2`, cases.JobVendorReminder, `%"Step":`+itoa(int64(step))+`%`)
	}
	run := func(days int, want int) {
		t.Helper()
		w.now = start.Add(time.Duration(days) * 24 * time.Hour)
		if n, err := w.svc.Escalate(w.ctx, w.now); err != nil || n != want {
			t.Fatalf("day %d: %d steps, %v; want %d", days, n, err, want)
		}
	}
	run(6, 0)
	run(7, 1)
	run(7, 0) // a second run takes no step twice
	if jobs(cases.EscalateRemind) != 1 || w.participants(c)[w.acme.ID].EscalationStage != 1 {
		t.Fatal("no reminder queued")
	}
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme, w.now, "email reminder"); err != nil { // as the reminder's handler does
		t.Fatal(err)
	}
	run(14, 1)
	if jobs(cases.EscalateAlternates) != 1 {
		t.Fatal("the alternate contacts were not written to")
	}
	run(21, 0) // no date agreed: six weeks of silence are needed
	run(42, 1)
	pt := w.participants(c)[w.acme.ID]
	if pt.UnresponsiveAt.IsZero() || pt.EscalationStage != 3 || jobs(cases.EscalateFlag) != 1 {
		t.Fatalf("not flagged: %+v", pt)
	}
	list, err := w.svc.Participants(w.ctx, w.staff, c.ID, cases.ParticipantFilter{Unresponsive: true})
	if err != nil || len(list) != 1 || list[0].ID != acme {
		t.Fatalf("the unresponsive filter: %+v, %v", list, err)
	}
	if sums := w.summaries(c, w.memberA); !containsText(sums, "Acme Routers is unresponsive") {
		t.Fatalf("Acme's timeline: %v", sums)
	}
	// Bolt, never contacted, is never reminded; Acme's answer clears its flag.
	if _, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead, acme); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, acme, protocol.RMValidate, ""); err != nil {
		t.Fatal(err)
	}
	if pt := w.participants(c)[w.acme.ID]; !pt.UnresponsiveAt.IsZero() || pt.LastResponseAt.IsZero() {
		t.Fatalf("after its answer: %+v", pt)
	}
	run(50, 0)
}

func TestScheduleSetting(t *testing.T) {
	w, c, _ := embargoWorld(t)
	d := 24 * time.Hour
	w.unchanged(t, c, errs.Forbidden, func() error {
		return w.svc.SetSchedule(w.ctx, w.memberA, c.ID, cases.Schedule{RemindAfter: 3 * d, AlternateAfter: 6 * d, FlagAfter: 9 * d})
	})
	w.unchanged(t, c, errs.Invalid, func() error {
		return w.svc.SetSchedule(w.ctx, w.staff, c.ID, cases.Schedule{RemindAfter: 5 * d, AlternateAfter: 4 * d, FlagAfter: 9 * d})
	})
	if err := w.svc.SetSchedule(w.ctx, w.staff, c.ID, cases.Schedule{RemindAfter: 3 * d, AlternateAfter: 6 * d, FlagAfter: 9 * d}); err != nil {
		t.Fatal(err)
	}
	if s, err := w.svc.ScheduleOf(w.ctx, w.memberA, c.ID); err != nil || s.AlternateAfter != 6*d {
		t.Fatalf("schedule: %+v, %v", s, err)
	}
}

func TestAddOrgsSkipsThoseIn(t *testing.T) {
	w, c, _ := embargoWorld(t) // Acme and Bolt are in
	added, err := w.svc.AddOrgs(w.ctx, w.staff, c.ID, []int64{w.acme.ID, w.other.ID, w.bolt.ID, w.other.ID}, []cases.Role{cases.RoleVendor})
	if err != nil || len(added) != 1 || added[0].OrgID != w.other.ID || added[0].Name != "Other Corp" {
		t.Fatalf("added %+v, %v", added, err)
	}
	if again, err := w.svc.AddOrgs(w.ctx, w.staff, c.ID, []int64{w.other.ID}, []cases.Role{cases.RoleVendor}); err != nil || len(again) != 0 {
		t.Fatalf("again: %+v, %v", again, err)
	}
	w.unchanged(t, c, errs.Forbidden, func() error {
		_, err := w.svc.AddOrgs(w.ctx, w.memberA, c.ID, []int64{w.partnerOrg.ID}, []cases.Role{cases.RoleVendor})
		return err
	})
}
