package reports

import (
	"context"
	"database/sql"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/store"
)

// On SQLite the full-text index of new reports is written after their
// submission (migration 0020): FTS5 writes one segment per transaction, so
// indexing each report as it came in was half the cost of taking it in,
// while indexing the reports taken in since the last time costs one
// segment for all of them. Searches catch up first, so a search never
// misses a report; the periodic job keeps the catch-up small. PostgreSQL
// indexes each report in its own row (a generated column) and needs none
// of this.

// JobIndex is the periodic job that indexes new reports for search.
const JobIndex = "reports.index"

// indexBatch bounds the reports one catch-up transaction indexes.
const indexBatch = 5000

// ftsBody is what the full-text index holds of a report besides its
// title; the update trigger of migration 0020 says the same.
const ftsBody = `tracking_id || ' ' || products_text || ' ' || vendors_text || ' ' || description || ' ' ||
	proof_of_concept || ' ' || impact || ' ' || how_found || ' ' || already_reported_to || ' ' ||
	public_details || ' ' || tracking_ids`

// IndexJob runs catchUp for the jobs runner.
func (s *Service) IndexJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.catchUp(ctx)
	return err
}

// catchUp indexes every report taken in and not indexed yet, and tells
// how many it indexed.
func (s *Service) catchUp(ctx context.Context) (int, error) {
	if s.db.Engine != store.SQLite {
		return 0, nil
	}
	var through, last int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT indexed_through, COALESCE((SELECT MAX(id) FROM reports), 0)
		FROM reports_fts_state WHERE id = 1`).Scan(&through, &last)
	if err != nil || through >= last {
		return 0, err
	}
	total := 0
	for through < last {
		n := 0
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			// Read again inside the writer: another catch-up may have run.
			if err := tx.QueryRowContext(ctx, `SELECT indexed_through FROM reports_fts_state WHERE id = 1`).Scan(&through); err != nil {
				return err
			}
			upTo := min(last, through+indexBatch)
			if through >= upTo {
				return nil
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO reports_fts (rowid, title, body)
				SELECT id, title, `+ftsBody+` FROM reports WHERE id > $1 AND id <= $2`, through, upTo)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE reports_fts_state SET indexed_through = $1 WHERE id = 1`, upTo); err != nil {
				return err
			}
			rows, _ := res.RowsAffected()
			n, through = int(rows), upTo
			return nil
		})
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
