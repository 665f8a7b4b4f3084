package deadlines_test

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
)

func TestSetReplacesOpenDeadline(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	due := f.now.Add(10 * day)
	first := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 7, Kind: deadlines.Statement, DueAt: due, Zone: "Europe/Berlin"})
	if first.ID == 0 || first.Status != deadlines.Open || first.RemindersSent != 0 || !first.NextReminderAt.Equal(due.Add(-2*day)) {
		t.Fatalf("first set: %+v", first)
	}
	if first.What() != "vendor statement" || first.Local().Location().String() != "Europe/Berlin" {
		t.Errorf("what %q, local %v", first.What(), first.Local())
	}
	same := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 7, Kind: deadlines.Statement, DueAt: due, Zone: "Europe/Berlin"})
	if same.ID != first.ID || f.journal("deadline.set") != 1 {
		t.Fatalf("setting the same terms again: id %d (want %d), %d entries", same.ID, first.ID, f.journal("deadline.set"))
	}
	later := due.Add(5 * day)
	moved := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 7, Kind: deadlines.Statement, DueAt: later, Zone: "Europe/Berlin"})
	if moved.ID != first.ID || !moved.DueAt.Equal(later) || !moved.NextReminderAt.Equal(later.Add(-2*day)) || f.journal("deadline.set") != 2 {
		t.Fatalf("moved: %+v, %d entries", moved, f.journal("deadline.set"))
	}
	var data string
	if err := f.db.Read().QueryRowContext(ctx, `SELECT data FROM journal WHERE action = 'deadline.set' ORDER BY seq DESC LIMIT 1`).Scan(&data); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(data, `"was_due_at"`) || !strings.Contains(data, `"kind":"statement"`) {
		t.Errorf("journal data %s", data)
	}
	other := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 8, Kind: deadlines.Statement, DueAt: due})
	if other.ID == first.ID || other.Zone != "UTC" {
		t.Fatalf("another participant's deadline: %+v", other)
	}

	var met, again bool
	f.tx(func(tx *sql.Tx) (err error) {
		if met, err = deadlines.Meet(ctx, tx, f.now, c, 7, deadlines.Statement); err != nil {
			return err
		}
		again, err = deadlines.Meet(ctx, tx, f.now, c, 7, deadlines.Statement)
		return err
	})
	if !met || again || f.journal("deadline.met") != 1 {
		t.Fatalf("meet: %v, again: %v, entries %d", met, again, f.journal("deadline.met"))
	}
	got, err := f.svc.Lookup(ctx, first.ID)
	if err != nil || got.Status != deadlines.Met || !got.MetAt.Equal(f.now) || !got.NextReminderAt.IsZero() {
		t.Fatalf("met deadline: %+v, %v", got, err)
	}
	// Once met, a new obligation of the same kind is a new deadline.
	if renewed := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 7, Kind: deadlines.Statement, DueAt: later}); renewed.ID == first.ID {
		t.Fatal("a met deadline was reopened")
	}
	if _, err := f.svc.Lookup(ctx, 999999); !errs.Is(err, errs.NotFound) {
		t.Fatalf("lookup of nothing: %v", err)
	}
}

// TestSetSkipsPastStages: reminders already past when a deadline is set
// are not sent; the next one is the first still ahead.
func TestSetSkipsPastStages(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	soon := f.set(deadlines.Deadline{CaseID: c, Kind: deadlines.EmbargoEnd, DueAt: f.now.Add(3 * day)})
	if soon.RemindersSent != 1 || !soon.NextReminderAt.Equal(soon.DueAt.Add(-day)) {
		t.Errorf("embargo ending in 3 days: %+v", soon)
	}
	late := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 3, Kind: deadlines.Acknowledge, DueAt: f.now.Add(-day)})
	if late.RemindersSent != 2 || !late.NextReminderAt.Equal(late.DueAt.Add(2*day)) {
		t.Errorf("acknowledgement overdue by a day: %+v", late)
	}
	past := f.set(deadlines.Deadline{CaseID: c, Kind: deadlines.DraftReview, DueAt: f.now.Add(-time.Hour)})
	if past.RemindersSent != 2 || !past.NextReminderAt.IsZero() {
		t.Errorf("draft review past: %+v", past)
	}
}

func TestSetRefusesBadInput(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	due := f.now.Add(day)
	ok := deadlines.Deadline{CaseID: c, Kind: deadlines.Statement, DueAt: due, Zone: "America/New_York"}
	tests := []struct {
		name  string
		edit  func(d *deadlines.Deadline)
		field string
	}{
		{"no case", func(d *deadlines.Deadline) { d.CaseID = 0 }, "case_id"},
		{"negative participant", func(d *deadlines.Deadline) { d.ParticipantID = -1 }, "participant_id"},
		{"unknown kind", func(d *deadlines.Deadline) { d.Kind = "nap" }, "kind"},
		{"no due date", func(d *deadlines.Deadline) { d.DueAt = time.Time{} }, "due_at"},
		{"unknown zone", func(d *deadlines.Deadline) { d.Zone = "Mars/Olympus_Mons" }, "zone"},
		{"server's zone", func(d *deadlines.Deadline) { d.Zone = "Local" }, "zone"},
		{"long title", func(d *deadlines.Deadline) { d.Title = strings.Repeat("x", 201) }, "title"},
		{"two lines", func(d *deadlines.Deadline) { d.Title = "a\nb" }, "title"},
	}
	for _, tt := range tests {
		d := ok
		tt.edit(&d)
		err := f.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := deadlines.Set(ctx, tx, f.now, d)
			return err
		})
		if !errs.Is(err, errs.Invalid) || errs.FieldOf(err) != tt.field {
			t.Errorf("%s: got %v (field %q), want invalid %s", tt.name, err, errs.FieldOf(err), tt.field)
		}
	}
	if d := f.set(ok); d.Zone != "America/New_York" {
		t.Fatalf("valid deadline: %+v", d)
	}
}

// TestSetManyAllOrNone: a bad entry anywhere refuses the whole call and
// names the entry; a refused or rolled-back call leaves nothing behind.
func TestSetManyAllOrNone(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	list := []deadlines.Deadline{
		{CaseID: c, ParticipantID: 1, Kind: deadlines.Statement, DueAt: f.now.Add(day)},
		{CaseID: c, ParticipantID: 2, Kind: deadlines.Statement, DueAt: f.now.Add(day), Zone: "Nowhere/Land"},
	}
	err := f.db.Tx(ctx, func(tx *sql.Tx) error { _, err := deadlines.SetMany(ctx, tx, f.now, list); return err })
	if errs.FieldOf(err) != "deadlines[1].zone" {
		t.Fatalf("bad zone: %v", err)
	}
	list[1].Zone = "UTC"
	list = append(list, list[0])
	err = f.db.Tx(ctx, func(tx *sql.Tx) error { _, err := deadlines.SetMany(ctx, tx, f.now, list); return err })
	if errs.FieldOf(err) != "deadlines[2]" {
		t.Fatalf("the same deadline twice: %v", err)
	}
	boom := errors.New("the caller's change failed")
	err = f.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := deadlines.SetMany(ctx, tx, f.now, list[:2]); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	var n int
	if err := f.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM deadlines`).Scan(&n); err != nil || n != 0 || f.journal("deadline.set") != 0 {
		t.Fatalf("%d deadlines and %d entries after a rollback (%v)", n, f.journal("deadline.set"), err)
	}
}

// TestSetManyBulk crosses the batch size and mixes new, changed and
// unchanged deadlines.
func TestSetManyBulk(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0001")
	list := make([]deadlines.Deadline, 250)
	for i := range list {
		list[i] = deadlines.Deadline{CaseID: c, ParticipantID: int64(i + 1), Kind: deadlines.Statement, DueAt: f.now.Add(14 * day),
			Title: fmt.Sprintf("vendor %d answers", i+1)}
	}
	var out []deadlines.Deadline
	f.tx(func(tx *sql.Tx) (err error) { out, err = deadlines.SetMany(ctx, tx, f.now, list); return err })
	seen := map[int64]bool{}
	for i, d := range out {
		if d.ID == 0 || seen[d.ID] || d.ParticipantID != int64(i+1) {
			t.Fatalf("entry %d: %+v", i, d)
		}
		seen[d.ID] = true
	}
	for i := range 50 {
		list[i].DueAt = f.now.Add(21 * day)
	}
	var again []deadlines.Deadline
	f.tx(func(tx *sql.Tx) (err error) { again, err = deadlines.SetMany(ctx, tx, f.now, list); return err })
	if f.journal("deadline.set") != 300 {
		t.Errorf("%d entries, want 250 set and 50 moved", f.journal("deadline.set"))
	}
	for i := range again {
		if again[i].ID != out[i].ID || !again[i].DueAt.Equal(list[i].DueAt) {
			t.Fatalf("entry %d after the second call: %+v", i, again[i])
		}
	}
}

func TestCancelCase(t *testing.T) {
	f := newFixture(t)
	c, other := f.newCase("PAR-2026-0001"), f.newCase("PAR-2026-0002")
	due := f.now.Add(20 * day)
	for _, d := range []deadlines.Deadline{
		{CaseID: c, Kind: deadlines.EmbargoEnd, DueAt: due},
		{CaseID: c, ParticipantID: 1, Kind: deadlines.DraftReview, DueAt: due},
		{CaseID: c, ParticipantID: 2, Kind: deadlines.DraftReview, DueAt: due},
		{CaseID: c, ParticipantID: 1, Kind: deadlines.Statement, DueAt: due},
		{CaseID: other, Kind: deadlines.EmbargoEnd, DueAt: due},
	} {
		f.set(d)
	}
	var cancelled, rest int
	var one bool
	f.tx(func(tx *sql.Tx) (err error) {
		if one, err = deadlines.Cancel(ctx, tx, f.now, c, 1, deadlines.Statement); err != nil {
			return err
		}
		if cancelled, err = deadlines.CancelCase(ctx, tx, f.now, c, deadlines.EmbargoEnd, deadlines.DraftReview); err != nil {
			return err
		}
		rest, err = deadlines.CancelCase(ctx, tx, f.now, c)
		return err
	})
	if !one || cancelled != 3 || rest != 0 || f.journal("deadline.cancelled") != 4 {
		t.Fatalf("cancel: %v, by kind %d, rest %d, entries %d", one, cancelled, rest, f.journal("deadline.cancelled"))
	}
	left, err := f.svc.ForCase(ctx, other, deadlines.Viewer{All: true}, pageAll)
	if err != nil || len(left) != 1 {
		t.Fatalf("the other case lost its deadline: %v %v", left, err)
	}
}
