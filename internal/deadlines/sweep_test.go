package deadlines_test

import (
	"database/sql"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/deadlines"
)

// TestSweepReminds moves an injected clock through a case's deadlines and
// checks which reminders each sweep enqueues.
func TestSweepReminds(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0042")
	start := f.now
	embargo := f.set(deadlines.Deadline{CaseID: c, Kind: deadlines.EmbargoEnd, DueAt: start.Add(10 * day), Zone: "Europe/Berlin"})
	vendor := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 5, Kind: deadlines.Statement, DueAt: start.Add(4 * day)})
	draft := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 6, Kind: deadlines.DraftReview, DueAt: start.Add(8 * day)})
	f.set(deadlines.Deadline{CaseID: c, ParticipantID: 7, Kind: deadlines.Statement, DueAt: start.Add(4 * day)})
	f.set(deadlines.Deadline{CaseID: c, ParticipantID: 8, Kind: deadlines.FixConfirm, DueAt: start.Add(4 * day)})
	f.tx(func(tx *sql.Tx) error {
		if _, err := deadlines.Meet(ctx, tx, f.now, c, 7, deadlines.Statement); err != nil {
			return err
		}
		_, err := deadlines.Cancel(ctx, tx, f.now, c, 8, deadlines.FixConfirm)
		return err
	})

	type want struct {
		id    int64
		stage int
	}
	steps := []struct {
		at   time.Duration // days after start
		want []want
	}{
		{0, nil},
		{2, []want{{vendor.ID, 0}}},                // two days before the vendor's answer is due
		{3, []want{{embargo.ID, 0}}},               // a week before the embargo ends
		{5, []want{{vendor.ID, 1}, {draft.ID, 0}}}, // the answer is due (a day late: sent now); draft review in 3 days
		{30, []want{{vendor.ID, 2}, {draft.ID, 1}, {embargo.ID, 1}}}, // a late sweep sends only the latest stage of each
		{60, nil},
	}
	seen := 0
	for _, step := range steps {
		f.now = start.Add(step.at * day)
		n := f.sweep()
		got := f.reminders()[seen:]
		if n != len(step.want) || len(got) != len(step.want) {
			t.Fatalf("day %d: sweep says %d, %d jobs %+v; want %v", step.at, n, len(got), got, step.want)
		}
		for _, w := range step.want {
			if !hasReminder(got, w.id, w.stage) {
				t.Errorf("day %d: no reminder of deadline %d stage %d in %+v", step.at, w.id, w.stage, got)
			}
		}
		seen += n
		if again := f.sweep(); again != 0 {
			t.Fatalf("day %d: a second sweep at the same time enqueued %d", step.at, again)
		}
	}
	all := f.reminders()
	for _, r := range all {
		if r.ParticipantID == 7 || r.ParticipantID == 8 {
			t.Errorf("a met or cancelled deadline was reminded: %+v", r)
		}
	}
	if f.journal("deadline.reminded") != len(all) {
		t.Errorf("%d journal entries for %d reminders", f.journal("deadline.reminded"), len(all))
	}
	first := all[0]
	if first.CaseID != c || first.Kind != deadlines.Statement || !first.DueAt.Equal(vendor.DueAt) || !first.RunAt.Equal(start.Add(2*day)) {
		t.Errorf("first reminder: %+v", first)
	}

	// A new date starts the reminders again, under new dedupe keys.
	f.set(deadlines.Deadline{CaseID: c, ParticipantID: 5, Kind: deadlines.Statement, DueAt: f.now.Add(10 * day)})
	f.now = f.now.Add(8 * day)
	if n := f.sweep(); n != 1 {
		t.Fatalf("after moving the date: %d reminders", n)
	}
	last := f.reminders()[len(f.reminders())-1]
	if last.DeadlineID != vendor.ID || last.Stage != 0 || last.Key == first.Key {
		t.Errorf("reminder after the move: %+v (first key %s)", last, first.Key)
	}
}

func hasReminder(list []queued, id int64, stage int) bool {
	for _, r := range list {
		if r.DeadlineID == id && r.Stage == stage {
			return true
		}
	}
	return false
}

// TestSweepBatches: more due deadlines than one sweep transaction takes
// are all reminded, once.
func TestSweepBatches(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	list := make([]deadlines.Deadline, 1234)
	for i := range list {
		list[i] = deadlines.Deadline{CaseID: c, ParticipantID: int64(i + 1), Kind: deadlines.Statement, DueAt: f.now.Add(7 * day)}
	}
	f.tx(func(tx *sql.Tx) error { _, err := deadlines.SetMany(ctx, tx, f.now, list); return err })
	f.now = f.now.Add(5 * day)
	if n := f.sweep(); n != len(list) {
		t.Fatalf("swept %d, want %d", n, len(list))
	}
	if n := f.sweep(); n != 0 {
		t.Fatalf("second sweep: %d", n)
	}
	keys := map[string]bool{}
	for _, r := range f.reminders() {
		keys[r.Key] = true
	}
	if len(keys) != len(list) {
		t.Fatalf("%d distinct reminders, want %d", len(keys), len(list))
	}
}
