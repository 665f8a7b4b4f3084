package inbox

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"
)

// purgeBatch is how many notifications one purge transaction deletes.
const purgeBatch = 500

// Purge forgets the notifications recorded before before that are done
// with (mailed, or never to be mailed); any still waiting for mail stay.
// It returns how many it deleted. Notifications are copies of what the
// journal and the cases keep, for the user's list: they need no journal
// entry of their own. The candidates are read from the read pool in ID
// order (the order they were recorded in), up to the first newer one, so
// that the writer only deletes.
func (s *Service) Purge(ctx context.Context, before time.Time) (int, error) {
	before = before.UTC()
	total := 0
	var after int64
	for {
		ids, last, more, err := s.purgeable(ctx, before, after)
		if err != nil {
			return total, err
		}
		if len(ids) > 0 {
			n, err := s.deleteOld(ctx, before, ids)
			total += n
			if err != nil {
				return total, err
			}
		}
		if !more {
			return total, nil
		}
		after = last
	}
}

// purgeable reads a page of notifications after ID after and returns the
// IDs of those that may go, the last ID read, and whether older ones may
// follow.
func (s *Service) purgeable(ctx context.Context, before time.Time, after int64) (ids []int64, last int64, more bool, err error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, created_at, mail FROM notifications WHERE id > $1 ORDER BY id LIMIT $2`,
		after, purgeBatch)
	if err != nil {
		return nil, 0, false, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var at time.Time
		var mail string
		if err := rows.Scan(&last, &at, &mail); err != nil {
			return nil, 0, false, err
		}
		n++
		if !at.Before(before) {
			return ids, last, false, rows.Err()
		}
		if mail == string(Sent) || mail == string(None) {
			ids = append(ids, last)
		}
	}
	return ids, last, n == purgeBatch, rows.Err()
}

func (s *Service) deleteOld(ctx context.Context, before time.Time, ids []int64) (int, error) {
	marks := make([]string, len(ids))
	args := []any{before}
	for i, id := range ids {
		args = append(args, id)
		marks[i] = "$" + strconv.Itoa(i+2)
	}
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The conditions again: a notification may have changed since it was read.
		res, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE id IN (`+strings.Join(marks, ", ")+`)
			AND created_at < $1 AND mail IN ('sent', 'none')`, args...)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}
