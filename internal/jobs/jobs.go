package jobs

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

// Job is a claimed unit of work.
type Job struct {
	ID          int64
	Kind        string
	Payload     json.RawMessage
	Attempts    int // including the current one
	MaxAttempts int
	RunAt       time.Time
}

// Decode unmarshals the payload into v.
func (j Job) Decode(v any) error { return json.Unmarshal(j.Payload, v) }

// Options tune Enqueue; the zero value runs the job now with the default
// number of attempts.
type Options struct {
	RunAt       time.Time // zero: now
	MaxAttempts int       // zero: DefaultMaxAttempts
	DedupeKey   string    // non-empty: a second job with the same key is dropped
}

// DefaultMaxAttempts is how often a job is tried before it is kept as failed.
const DefaultMaxAttempts = 12

// Enqueue adds a job in tx. It returns the job's ID, or 0 when a job with
// the same dedupe key exists already.
func Enqueue(ctx context.Context, tx *sql.Tx, now time.Time, kind string, payload any, o Options) (int64, error) {
	body, err := json.Marshal(payload)
	if err != nil {
		return 0, fmt.Errorf("job %s payload: %w", kind, err)
	}
	if o.RunAt.IsZero() {
		o.RunAt = now
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	var key sql.NullString
	if o.DedupeKey != "" {
		key = sql.NullString{String: o.DedupeKey, Valid: true}
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO jobs (kind, payload, state, run_at, max_attempts, dedupe_key, created_at)
		VALUES ($1, $2, 'pending', $3, $4, $5, $6)
		ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
		kind, string(body), o.RunAt.UTC(), o.MaxAttempts, key, now.UTC()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return id, nil
}

// Item is one job of a batch for EnqueueAll.
type Item struct {
	Payload any
	Options Options
	Kind    string // the batch's kind when ""
}

// batchRows bounds a multi-row INSERT (SQLite's driver slows down with
// thousands of parameters).
const batchRows = 100

// EnqueueAll adds jobs of one kind in tx with one INSERT per hundred jobs;
// jobs whose dedupe key exists already are dropped, as with Enqueue.
func EnqueueAll(ctx context.Context, tx *sql.Tx, now time.Time, kind string, items []Item) error {
	for from := 0; from < len(items); from += batchRows {
		if err := insertJobs(ctx, tx, now, kind, items[from:min(from+batchRows, len(items))]); err != nil {
			return err
		}
	}
	return nil
}

func insertJobs(ctx context.Context, tx *sql.Tx, now time.Time, kind string, items []Item) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO jobs (kind, payload, state, run_at, max_attempts, dedupe_key, created_at) VALUES `)
	args := make([]any, 0, len(items)*6)
	for i, it := range items {
		body, err := json.Marshal(it.Payload)
		if err != nil {
			return fmt.Errorf("job %s payload: %w", kind, err)
		}
		o, k := it.Options, kind
		if it.Kind != "" {
			k = it.Kind
		}
		if o.RunAt.IsZero() {
			o.RunAt = now
		}
		if o.MaxAttempts <= 0 {
			o.MaxAttempts = DefaultMaxAttempts
		}
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&q, "($%d, $%d, 'pending', $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6)
		args = append(args, k, string(body), o.RunAt.UTC(), o.MaxAttempts, sql.NullString{String: o.DedupeKey, Valid: o.DedupeKey != ""}, now.UTC())
	}
	q.WriteString(` ON CONFLICT (dedupe_key) DO NOTHING`)
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("enqueue %s: %w", kind, err)
	}
	return nil
}

// claim takes the next due job (or one whose lease ran out) for lease.
func claim(ctx context.Context, db *store.DB, now time.Time, lease time.Duration) (Job, bool, error) {
	lock := ""
	if db.Engine == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED" // workers on other instances skip, not wait
	}
	const due = `((state = 'pending' AND run_at <= $2) OR (state = 'running' AND locked_until < $2))`
	var j Job
	var payload string
	var found bool
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_until = $1
			WHERE id = (SELECT id FROM jobs WHERE `+due+` ORDER BY run_at, id LIMIT 1`+lock+`) AND `+due+`
			RETURNING id, kind, payload, attempts, max_attempts, run_at`,
			now.Add(lease).UTC(), now.UTC()).Scan(&j.ID, &j.Kind, &payload, &j.Attempts, &j.MaxAttempts, &j.RunAt)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		found = err == nil
		return err
	})
	j.Payload = json.RawMessage(payload)
	return j, found, err
}

// finish records the outcome of a claimed job: done, retried later, or
// failed for good.
func finish(ctx context.Context, db *store.DB, j Job, now time.Time, runErr error) error {
	return db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		switch {
		case runErr == nil:
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'done', finished_at = $1, locked_until = NULL WHERE id = $2 AND attempts = $3`,
				now.UTC(), j.ID, j.Attempts)
		case j.Attempts >= j.MaxAttempts || IsPermanent(runErr):
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', finished_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3 AND attempts = $4`,
				now.UTC(), runErr.Error(), j.ID, j.Attempts)
		default:
			_, err = tx.ExecContext(ctx, `UPDATE jobs SET state = 'pending', run_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3 AND attempts = $4`,
				now.Add(Backoff(j.Attempts)).UTC(), runErr.Error(), j.ID, j.Attempts)
		}
		return err
	})
}

// Backoff is the wait before retry number attempt+1: 10s, 20s, 40s... up
// to six hours.
func Backoff(attempt int) time.Duration {
	d := 10 * time.Second
	for i := 1; i < attempt && d < 6*time.Hour; i++ {
		d *= 2
	}
	return min(d, 6*time.Hour)
}

type permanentError struct{ error }

func (p permanentError) Unwrap() error { return p.error }

// Permanent marks err as not worth retrying.
func Permanent(err error) error { return permanentError{err} }

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p permanentError
	return errors.As(err, &p)
}

// Counts reports how many jobs are in each state, for metrics and the admin page.
func Counts(ctx context.Context, q store.Querier) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT state, COUNT(*) FROM jobs GROUP BY state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]int{"pending": 0, "running": 0, "done": 0, "failed": 0}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			return nil, err
		}
		m[s] = n
	}
	return m, rows.Err()
}

// Purge deletes finished jobs older than before (failed ones are kept for
// administrators) and reports how many.
func Purge(ctx context.Context, db *store.DB, before time.Time) (int64, error) {
	var n int64
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM jobs WHERE state = 'done' AND finished_at < $1`, before.UTC())
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return n, err
}
