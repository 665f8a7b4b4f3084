package mailin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// JobRetry is the kind of the periodic job that runs Retry; the program
// registers its handler, with the Taker that files mail.
const JobRetry = "mail.retry"

// RetryConfig tunes Retry. Zero fields take the defaults.
type RetryConfig struct {
	// After is how long a message stays "received" before it is tried
	// again (default 5 minutes): long enough for the delivery that stored
	// it to have finished. Each further attempt waits twice as long as the
	// one before, up to 6 hours.
	After time.Duration
	// MaxAttempts is how often a message is tried again before it is
	// quarantined (default 5).
	MaxAttempts int
	// Batch bounds how many messages one Retry tries (default 20).
	Batch int
}

func (c RetryConfig) withDefaults() RetryConfig {
	if c.After <= 0 {
		c.After = 5 * time.Minute
	}
	if c.MaxAttempts <= 0 {
		c.MaxAttempts = 5
	}
	if c.Batch <= 0 {
		c.Batch = 20
	}
	return c
}

// maxRetryWait bounds the wait between two attempts.
const maxRetryWait = 6 * time.Hour

// wait is how long after attempt n (1, 2...) the next one may start.
func (c RetryConfig) wait(n int) time.Duration {
	d := c.After
	for i := 1; i < n && d < maxRetryWait; i++ {
		d *= 2
	}
	return min(d, maxRetryWait)
}

// Taker takes in one stored message that is still "received" (Raw is
// filled): it parses it, files it, and returns the status the message now
// has, Accepted or Quarantined, with the reason (what became of it, or why
// it was refused). An error is a failure that is not the message's (the
// database, the instance's keys): the message stays "received" for the
// next attempt. A Taker must be idempotent: an attempt that filed the
// message and then failed, or was cut short, is made again, and must find
// what the earlier one filed rather than file it twice.
type Taker func(ctx context.Context, m Stored) (Status, string, error)

// RetryResult counts what one Retry did.
type RetryResult struct {
	Accepted    int // taken in
	Quarantined int // refused by the Taker, with its reason
	Failed      int // failed again; left "received" for a later attempt
	GaveUp      int // quarantined after the last attempt
}

// Retry tries again to take in the messages that stayed "received": the
// delivery that stored them failed to file them (a database error, the
// instance's keys unavailable) or never finished (the server stopped or
// crashed). A message is first tried RetryConfig.After after it was
// received, then after waits that double; each attempt is claimed
// (attempts+1, journaled "mail.retry") in its own transaction before take
// runs, so that two instances never try one message at once and an
// attempt that crashes the server still counts. The outcome is journaled
// as "mail.accepted" or "mail.quarantined", or "mail.retry_failed" with the
// reason; after RetryConfig.MaxAttempts failed attempts the message is
// quarantined with the reason. A message that left "received" meanwhile
// is not touched. The error joins the attempts' failures (recorded
// already) and anything that kept Retry from its work.
func (in *Intake) Retry(ctx context.Context, take Taker) (RetryResult, error) {
	var res RetryResult
	now := in.now().UTC()
	due, err := in.dueForRetry(ctx, now)
	if err != nil {
		return res, err
	}
	var failures []error
	for _, d := range due {
		if ctx.Err() != nil {
			return res, errors.Join(append(failures, ctx.Err())...)
		}
		if d.attempts >= in.cfg.Retry.MaxAttempts { // the last attempt never finished
			reason := fmt.Sprintf("not taken in after %d attempts: the last one did not finish (the server stopped or crashed while taking it in)", d.attempts)
			done, err := in.settle(ctx, d.id, d.attempts, Quarantined, reason)
			if err != nil {
				failures = append(failures, fmt.Errorf("mail %d: %w", d.id, err))
			} else if done {
				res.GaveUp++
			}
			continue
		}
		attempt, ok, err := in.claimRetry(ctx, d, now)
		if err != nil {
			failures = append(failures, fmt.Errorf("mail %d: claim: %w", d.id, err))
			continue
		}
		if !ok {
			continue // settled or claimed by someone else meanwhile
		}
		m, err := in.Get(ctx, d.id)
		var status Status
		var reason string
		if err == nil {
			status, reason, err = take(ctx, m)
		}
		if err == nil && status != Accepted && status != Quarantined {
			err = fmt.Errorf("the taker answered status %q", status)
		}
		if err == nil {
			done, serr := in.settle(ctx, d.id, attempt, status, reason)
			switch {
			case serr != nil:
				failures = append(failures, fmt.Errorf("mail %d: %w", d.id, serr))
			case done && status == Accepted:
				res.Accepted++
			case done:
				res.Quarantined++
			}
			continue
		}
		failures = append(failures, fmt.Errorf("mail %d, attempt %d: %w", d.id, attempt, err))
		if ctx.Err() != nil {
			return res, errors.Join(failures...) // the attempt counts; the next run tries again
		}
		if attempt >= in.cfg.Retry.MaxAttempts {
			reason := fmt.Sprintf("not taken in after %d attempts: %s", attempt, failureText(err))
			if done, serr := in.settle(ctx, d.id, attempt, Quarantined, reason); serr != nil {
				failures = append(failures, fmt.Errorf("mail %d: %w", d.id, serr))
			} else if done {
				res.GaveUp++
			}
			continue
		}
		if ferr := in.recordFailure(ctx, d.id, attempt, err, now.Add(in.cfg.Retry.wait(attempt))); ferr != nil {
			failures = append(failures, fmt.Errorf("mail %d: %w", d.id, ferr))
		}
		res.Failed++
	}
	return res, errors.Join(failures...)
}

// failureText says why an attempt failed, in words for a coordinator: the
// message of a kinded error; internal details go to the log.
func failureText(err error) string {
	if errs.KindOf(err) == errs.Internal {
		return "a failure that was not the message's (the server's log has the details)"
	}
	return errs.Public(err)
}

// retryCandidate is a message due for another attempt.
type retryCandidate struct {
	id       int64
	attempts int
}

// dueForRetry lists the messages "received" whose next attempt is due:
// never tried and received RetryConfig.After ago, or whose retry_at has
// come.
func (in *Intake) dueForRetry(ctx context.Context, now time.Time) ([]retryCandidate, error) {
	rows, err := in.db.Read().QueryContext(ctx, `SELECT id, attempts FROM inbound_mail WHERE status = $1
		AND ((retry_at IS NULL AND received_at <= $2) OR retry_at <= $3) ORDER BY id LIMIT `+strconv.Itoa(in.cfg.Retry.Batch),
		string(Received), now.Add(-in.cfg.Retry.After), now)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []retryCandidate
	for rows.Next() {
		var c retryCandidate
		if err := rows.Scan(&c.id, &c.attempts); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// claimRetry counts one more attempt at a message still "received" and
// not tried since it was listed, and sets when the next may start should
// this one not finish; it reports the attempt's number and whether this
// caller won it.
func (in *Intake) claimRetry(ctx context.Context, c retryCandidate, now time.Time) (int, bool, error) {
	attempt := c.attempts + 1
	won := false
	err := in.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inbound_mail SET attempts = $1, retry_at = $2 WHERE id = $3 AND status = $4 AND attempts = $5`,
			attempt, now.Add(in.cfg.Retry.wait(attempt)), c.id, string(Received), c.attempts)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		won = true
		return in.journal(ctx, tx, "mail.retry", c.id, map[string]any{"attempt": attempt, "max_attempts": in.cfg.Retry.MaxAttempts})
	})
	return attempt, won, err
}

// settle moves a message still "received" after attempt to status with a
// reason, journaled as "mail." + status; it reports false, writing
// nothing, when the message left "received" meanwhile or another attempt
// was claimed.
func (in *Intake) settle(ctx context.Context, id int64, attempt int, status Status, reason string) (bool, error) {
	reason = clip(reason, 2000)
	done := false
	err := in.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inbound_mail SET status = $1, reason = $2 WHERE id = $3 AND status = $4 AND attempts = $5`,
			string(status), reason, id, string(Received), attempt)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		done = true
		return in.journal(ctx, tx, "mail."+string(status), id, map[string]any{"was": Received, "reason": reason, "attempt": attempt})
	})
	return done, err
}

// recordFailure keeps why an attempt failed, journaled as
// "mail.retry_failed" with when the next attempt may start.
func (in *Intake) recordFailure(ctx context.Context, id int64, attempt int, failure error, next time.Time) error {
	text := failureText(failure)
	return in.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE inbound_mail SET last_error = $1, retry_at = $2 WHERE id = $3 AND status = $4 AND attempts = $5`,
			clip(text, 2000), next, id, string(Received), attempt)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		return in.journal(ctx, tx, "mail.retry_failed", id, map[string]any{"attempt": attempt, "error": text, "next_at": next})
	})
}

func (in *Intake) journal(ctx context.Context, tx *sql.Tx, action string, id int64, data map[string]any) error {
	_, err := journal.Append(ctx, tx, journal.Change{
		At: in.now().UTC(), Actor: journal.System, Action: action,
		ObjectType: "inbound_mail", ObjectID: strconv.FormatInt(id, 10), Data: data,
	})
	return err
}
