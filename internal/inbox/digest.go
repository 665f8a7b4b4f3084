package inbox

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/store"
)

// JobDigest is the kind of the job that mails one user's digest; its
// payload is a DigestRequest. notify handles it.
const JobDigest = "inbox.digest"

// JobSweep is the kind of the periodic job that finds the users whose
// digest is due (Sweep); SweepJob is its handler.
const JobSweep = "inbox.sweep"

// DigestRequest is the payload of JobDigest.
type DigestRequest struct {
	UserID int64
}

// sweepBatch is how many due users one sweep transaction handles.
const sweepBatch = 500

// SweepJob is the jobs.Handler of JobSweep.
func (s *Service) SweepJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.Sweep(ctx, s.clock())
	return err
}

// Sweep moves on the next digest time of every digest user whose digest
// is due by now, and enqueues a JobDigest for each of them who has notices
// waiting, in one transaction per batch. It returns how many digests it
// enqueued; a second sweep at the same time enqueues none. A user whose
// digests fell behind (the server was down) gets one.
func (s *Service) Sweep(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	total := 0
	for {
		n, moved, full, err := s.sweepBatch(ctx, now)
		total += n
		if err != nil || !full || moved == 0 {
			return total, err
		}
	}
}

// due is a user whose digest is due, and when it fell due.
type due struct {
	user int64
	hour int
	at   time.Time
}

func (s *Service) sweepBatch(ctx context.Context, now time.Time) (enqueued, moved int, full bool, err error) {
	lock := ""
	if s.db.Engine == store.Postgres {
		lock = " FOR UPDATE SKIP LOCKED" // another instance's sweep takes other rows
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT user_id, digest_hour, next_digest_at FROM notification_settings
			WHERE mail = 'digest' AND next_digest_at <= $1 ORDER BY next_digest_at, user_id LIMIT $2`+lock, now, sweepBatch)
		if err != nil {
			return err
		}
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.user, &d.hour, &d.at); err != nil {
				rows.Close()
				return err
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil || len(list) == 0 {
			return err
		}
		full = len(list) == sweepBatch
		byHour := map[int][]int64{}
		for _, d := range list {
			byHour[d.hour] = append(byHour[d.hour], d.user)
		}
		for hour, users := range byHour {
			n, err := moveOn(ctx, tx, now, hour, users)
			if err != nil {
				return err
			}
			moved += n
		}
		waiting, err := withWaiting(ctx, tx, list)
		if err != nil {
			return err
		}
		items := make([]jobs.Item, 0, len(waiting))
		for _, d := range list {
			if waiting[d.user] {
				items = append(items, jobs.Item{Payload: DigestRequest{UserID: d.user},
					Options: jobs.Options{DedupeKey: JobDigest + ":" + itoa(d.user) + ":" + strconv.FormatInt(d.at.Unix(), 10)}})
			}
		}
		enqueued = len(items)
		return jobs.EnqueueAll(ctx, tx, now, JobDigest, items)
	})
	return enqueued, moved, full, err
}

// moveOn sets the next digest of users (whose hour is hour) to the next
// time that hour comes, and records that their digest fell due.
func moveOn(ctx context.Context, tx *sql.Tx, now time.Time, hour int, users []int64) (int, error) {
	n := 0
	for _, part := range chunks(users, 200) {
		args := []any{NextDigest(hour, now), now}
		for _, u := range part {
			args = append(args, u)
		}
		res, err := tx.ExecContext(ctx, `UPDATE notification_settings SET next_digest_at = $1, last_digest_at = $2
			WHERE mail = 'digest' AND next_digest_at <= $2 AND user_id IN (`+placeholders(3, len(part))+`)`, args...)
		m, err := affected(res, err)
		if err != nil {
			return n, err
		}
		n += int(m)
	}
	return n, nil
}

// withWaiting tells which of the users have notices waiting for a digest.
func withWaiting(ctx context.Context, tx *sql.Tx, list []due) (map[int64]bool, error) {
	out := map[int64]bool{}
	for _, part := range chunks(list, 200) {
		args := make([]any, 0, len(part))
		for _, d := range part {
			args = append(args, d.user)
		}
		rows, err := tx.QueryContext(ctx, `SELECT DISTINCT user_id FROM notifications WHERE mail = 'digest' AND user_id IN (`+placeholders(1, len(part))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}
