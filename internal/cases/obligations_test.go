package cases_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/protocol"
)

// TestObligations: the embargo and the notices set, meet and cancel the
// deadlines of who owes what.
func TestObligations(t *testing.T) {
	w, c, ps := embargoWorld(t)
	acme, bolt := ps[w.acme.ID].ID, ps[w.bolt.ID].ID
	open := func(kind string, participant int64) int {
		return w.count(`SELECT COUNT(*) FROM deadlines WHERE case_id = $1 AND kind = $2 AND participant_id = $3 AND status = 'open'`, c.ID, kind, participant)
	}
	status := func(kind string, participant int64) string {
		var s string
		_ = w.db.Read().QueryRowContext(w.ctx, `SELECT status FROM deadlines WHERE case_id = $1 AND kind = $2 AND participant_id = $3 ORDER BY id DESC LIMIT 1`,
			c.ID, kind, participant).Scan(&s)
		return s
	}
	// A notified vendor owes an answer within two weeks; validating is one.
	if err := w.svc.MarkNotified(w.ctx, c.ID, acme, w.now, "email"); err != nil {
		t.Fatal(err)
	}
	if open("vendor_response", acme) != 1 || open("vendor_response", bolt) != 0 {
		t.Fatal("the notice set no response deadline")
	}
	lead := ps[w.coord.ID].ID
	if _, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead, acme); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.StepRM(w.ctx, w.memberA, c.ID, acme, protocol.RMValidate, ""); err != nil {
		t.Fatal(err)
	}
	if status("vendor_response", acme) != "met" {
		t.Fatalf("Acme answered, its response deadline is %s", status("vendor_response", acme))
	}
	// A proposal owes answers; an answer meets one; terms in force bring
	// the end and the draft review; ending the embargo cancels them.
	pr, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, w.terms(45))
	if err != nil {
		t.Fatal(err)
	}
	if open("embargo_answer", acme) != 1 || open("embargo_answer", bolt) != 1 || open("embargo_answer", lead) != 0 {
		t.Fatal("the proposal set no answer deadlines")
	}
	if _, err := w.svc.AnswerEmbargo(w.ctx, w.memberA, c.ID, acme, pr.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if status("embargo_answer", acme) != "met" {
		t.Fatalf("Acme's answer: %s", status("embargo_answer", acme))
	}
	if _, err := w.svc.DecideEmbargo(w.ctx, w.staff, c.ID, pr.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	var due time.Time
	if err := w.db.Read().QueryRowContext(w.ctx, `SELECT due_at FROM deadlines WHERE case_id = $1 AND kind = 'draft_review' AND status = 'open'`, c.ID).Scan(&due); err != nil {
		t.Fatal(err)
	}
	if want := w.terms(45).EndsAt.Add(-14 * 24 * time.Hour); !due.Equal(want) || open("embargo_end", 0) != 1 {
		t.Fatalf("draft review due %v, want %v; embargo end open: %d", due, want, open("embargo_end", 0))
	}
	if open("embargo_answer", bolt) != 1 {
		t.Fatal("Bolt still owes an answer to the terms in force")
	}
	if _, err := w.svc.TerminateEmbargo(w.ctx, w.staff, c.ID, "fixed everywhere"); err != nil {
		t.Fatal(err)
	}
	if open("embargo_end", 0)+open("draft_review", 0)+open("embargo_answer", bolt) != 0 {
		t.Fatal("ending the embargo left its deadlines open")
	}
}
