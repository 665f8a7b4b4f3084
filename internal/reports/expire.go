package reports

import (
	"context"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// ExpireWaiting closes the reports that have waited for their reporter's
// answer longer than the policy's WaitingExpiry at now, each in its own
// transaction, as the system, with the canned reason ReasonNoAnswer and a
// notice to the reporter. It returns how many it closed. Running it twice
// is harmless: an answered or closed report no longer waits.
func (s *Service) ExpireWaiting(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.Add(-s.pol.WaitingExpiry).UTC()
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, version FROM reports WHERE status = 'waiting' AND waiting_since <= $1 ORDER BY id`, cutoff)
	if err != nil {
		return 0, err
	}
	var due []Ref
	for rows.Next() {
		var r Ref
		if err := rows.Scan(&r.ID, &r.Version); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	d := Decision{Version: 1, Reason: ReasonNoAnswer}
	n := 0
	for _, ref := range due {
		_, err := s.run(ctx, ref.ID, ref.Version, nil, journal.System, 0, func(c *change) error {
			if c.r.Status != StatusWaiting || c.r.WaitingSince.After(cutoff) {
				return errs.E(errs.Conflict, "answered meanwhile")
			}
			return c.closeWith(d, AuthorSystem, "report.expired")
		})
		switch {
		case err == nil:
			n++
		case errs.Is(err, errs.Conflict): // answered or changed meanwhile: leave it
		default:
			return n, err
		}
	}
	return n, nil
}
