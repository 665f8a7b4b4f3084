package reports

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

// trackingIDs counts each year's reports: RPT-2026-000123. On SQLite, with
// its one writer, the count is a row of report_counters updated in the
// submission's transaction, without gaps. On PostgreSQL that row would
// stay locked from the count to the commit, so that every submission
// waited for the one before; a sequence per year hands numbers out without
// a lock, and a submission refused after taking its number leaves a gap.
type trackingIDs struct {
	db    *store.DB
	years sync.Map // year (int) -> struct{}: its sequence exists
}

// prepare makes sure the year's sequence exists before a submission's
// transaction takes a number from it (on PostgreSQL; on SQLite it does
// nothing). A new sequence continues report_counters' count.
func (t *trackingIDs) prepare(ctx context.Context, now time.Time) error {
	year := now.Year()
	if t.db.Engine != store.Postgres {
		return nil
	}
	if _, ok := t.years.Load(year); ok {
		return nil
	}
	err := t.db.Tx(ctx, func(tx *sql.Tx) error {
		var last int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(last), 0) FROM report_counters WHERE year = $1`, year).Scan(&last)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, fmt.Sprintf(`CREATE SEQUENCE IF NOT EXISTS %s START WITH %d`, sequenceOf(year), last+1))
		return err
	})
	if err != nil {
		// Two instances creating it at once: one of them loses the race
		// on the catalogue's unique index, and the sequence exists.
		var exists bool
		if t.db.Read().QueryRowContext(ctx, `SELECT to_regclass($1) IS NOT NULL`, sequenceOf(year)).Scan(&exists) != nil || !exists {
			return fmt.Errorf("tracking ID sequence for %d: %w", year, err)
		}
	}
	t.years.Store(year, struct{}{})
	return nil
}

// next takes the year's next number in tx.
func (t *trackingIDs) next(ctx context.Context, tx *sql.Tx, now time.Time) (string, error) {
	var n int64
	var err error
	if t.db.Engine == store.Postgres {
		err = tx.QueryRowContext(ctx, `SELECT nextval($1)`, sequenceOf(now.Year())).Scan(&n)
	} else {
		err = tx.QueryRowContext(ctx, `INSERT INTO report_counters (year, last) VALUES ($1, 1)
			ON CONFLICT (year) DO UPDATE SET last = report_counters.last + 1 RETURNING last`, now.Year()).Scan(&n)
	}
	return fmt.Sprintf("RPT-%d-%06d", now.Year(), n), err
}

func sequenceOf(year int) string { return fmt.Sprintf("report_tracking_%d", year) }
