package deadlines

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// sweepBatch is how many due deadlines one sweep transaction moves on:
// enough to be quick, few enough not to hold the writer for long.
const sweepBatch = 500

// SweepJob is the jobs.Handler of JobSweep.
func (s *Service) SweepJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.Sweep(ctx, s.clock())
	return err
}

// Sweep enqueues a JobReminder for every open deadline whose next reminder
// has come by now, and moves each on to its following stage, in one
// transaction per batch. A deadline whose reminders fell behind (the
// server was down) gets only its latest stage. It returns how many
// reminders it enqueued; a second sweep at the same time enqueues none.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	total := 0
	for {
		n, full, err := s.sweepBatch(ctx, now)
		total += n
		// A batch that moved nothing on (another instance took its rows)
		// would be read again: stop rather than spin.
		if err != nil || !full || n == 0 {
			return total, err
		}
	}
}

// sweepBatch reminds of up to sweepBatch due deadlines and reports how many
// and whether the batch was full.
func (s *Service) sweepBatch(ctx context.Context, now time.Time) (int, bool, error) {
	lock := ""
	if s.db.Engine == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED" // another instance's sweep takes other rows
	}
	var n int
	var full bool
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		due, err := scanAll(tx.QueryContext(ctx, `SELECT `+columns+` FROM deadlines
			WHERE next_reminder_at IS NOT NULL AND next_reminder_at <= $1 AND status = 'open'
			ORDER BY next_reminder_at, id LIMIT $2`+lock, now, sweepBatch))
		if err != nil {
			return err
		}
		full = len(due) == sweepBatch
		n, err = remind(ctx, tx, now, due)
		return err
	})
	return n, full, err
}

// remind moves each of due on to its next stage and enqueues its reminder.
func remind(ctx context.Context, tx *sql.Tx, now time.Time, due []Deadline) (int, error) {
	moves := map[move][]int64{}
	var order []move
	for _, d := range due {
		m := move{from: d.RemindersSent, to: max(StagesPassed(d.Kind, d.DueAt, now), d.RemindersSent+1)}
		if next, ok := NextReminder(d.Kind, d.DueAt, m.to); ok {
			m.next = next
		}
		if _, ok := moves[m]; !ok {
			order = append(order, m)
		}
		moves[m] = append(moves[m], d.ID)
	}
	moved := map[int64]int{} // deadline -> the stage it moved to
	for _, m := range order {
		if err := m.apply(ctx, tx, moves[m], moved); err != nil {
			return 0, err
		}
	}
	items := make([]jobs.Item, 0, len(moved))
	changes := make([]journal.Change, 0, len(moved))
	for _, d := range due {
		stage, ok := moved[d.ID]
		if !ok {
			continue // changed meanwhile
		}
		r := Reminder{DeadlineID: d.ID, CaseID: d.CaseID, ParticipantID: d.ParticipantID, Kind: d.Kind, Title: d.Title,
			DueAt: d.DueAt, Zone: d.Zone, Stage: stage - 1}
		items = append(items, jobs.Item{Payload: r, Options: jobs.Options{DedupeKey: dedupeKey(r)}})
		changes = append(changes, change(now, "deadline.reminded", d.ID,
			entry{CaseID: d.CaseID, Participant: d.ParticipantID, Kind: d.Kind, Stage: stage}))
	}
	if _, err := journal.AppendAll(ctx, tx, changes); err != nil {
		return 0, err
	}
	return len(items), jobs.EnqueueAll(ctx, tx, now, JobReminder, items)
}

// move is one step of many deadlines' reminders: those at stage from go
// to stage to, with their next reminder at next (zero: none left). The
// deadlines of a bulk call share their due date, so a sweep makes few
// moves of many rows.
type move struct {
	from, to int
	next     time.Time
}

// apply moves the deadlines ids that are still where the sweep read them
// and records their new stage in moved.
func (m move) apply(ctx context.Context, tx *sql.Tx, ids []int64, moved map[int64]int) error {
	for _, part := range chunks(ids, batchRows) {
		args := []any{m.to, optTime(m.next), m.from}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, `UPDATE deadlines SET reminders_sent = $1, next_reminder_at = $2
			WHERE reminders_sent = $3 AND status = 'open' AND id IN (`+placeholders(4, len(part))+`) RETURNING id`, args...)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			moved[id] = m.to
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// dedupeKey names one reminder: a deadline's stage for one due date (a new
// date starts the stages again).
func dedupeKey(r Reminder) string {
	return fmt.Sprintf("%s:%d:%d:%d", JobReminder, r.DeadlineID, r.Stage, r.DueAt.Unix())
}
