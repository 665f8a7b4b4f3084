package deadlines_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// fixture is a migrated database with a clock the test moves. Cases are
// bare rows: this package reads no case tables, and participant IDs are
// whatever the caller names.
type fixture struct {
	t   testing.TB
	db  *store.DB
	svc *deadlines.Service
	now time.Time
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{t: t, db: storetest.New(t), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	f.svc = deadlines.NewService(f.db, func() time.Time { return f.now }, deadlines.Config{BaseURL: "https://parley.test/"})
	return f
}

var ctx = context.Background()

// newCase inserts a case row with key and returns its ID.
func (f *fixture) newCase(key string) int64 {
	f.t.Helper()
	var id int64
	f.tx(func(tx *sql.Tx) error {
		return tx.QueryRowContext(ctx, `INSERT INTO cases (key, title, created_at, updated_at) VALUES ($1, $2, $3, $3) RETURNING id`,
			key, "Case "+key, f.now).Scan(&id)
	})
	return id
}

// tx runs fn in a transaction and fails the test on an error.
func (f *fixture) tx(fn func(tx *sql.Tx) error) {
	f.t.Helper()
	if err := f.db.Tx(ctx, fn); err != nil {
		f.t.Fatal(err)
	}
}

// set sets d at the fixture's time.
func (f *fixture) set(d deadlines.Deadline) deadlines.Deadline {
	f.t.Helper()
	var out deadlines.Deadline
	f.tx(func(tx *sql.Tx) (err error) {
		out, err = deadlines.Set(ctx, tx, f.now, d)
		return err
	})
	return out
}

// queued is a reminder job as the sweep enqueued it.
type queued struct {
	deadlines.Reminder
	Key   string
	RunAt time.Time
}

// reminders returns the reminder jobs in the order they were enqueued.
func (f *fixture) reminders() []queued {
	f.t.Helper()
	rows, err := f.db.Read().QueryContext(ctx, `SELECT payload, dedupe_key, run_at FROM jobs WHERE kind = $1 ORDER BY id`, deadlines.JobReminder)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []queued
	for rows.Next() {
		var q queued
		var payload string
		if err := rows.Scan(&payload, &q.Key, &q.RunAt); err != nil {
			f.t.Fatal(err)
		}
		if err := json.Unmarshal([]byte(payload), &q.Reminder); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, q)
	}
	return out
}

// journal counts the journal's entries with action.
func (f *fixture) journal(action string) int {
	f.t.Helper()
	var n int
	if err := f.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM journal WHERE action = $1`, action).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// sweep runs Sweep at the fixture's time.
func (f *fixture) sweep() int {
	f.t.Helper()
	n, err := f.svc.Sweep(ctx, f.now)
	if err != nil {
		f.t.Fatal(err)
	}
	return n
}

const day = 24 * time.Hour
