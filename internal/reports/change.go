package reports

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
)

// change is one change to a report in progress, inside its transaction.
// Steps update r; run writes the row (when dirty) and the journal entry.
type change struct {
	ctx    context.Context
	tx     *sql.Tx
	now    time.Time
	actor  journal.Actor
	userID int64 // the acting user, 0 for anonymous reporters and the system
	r      row
	dirty  bool
	action string         // journal action; "" writes no entry
	data   map[string]any // journal data
}

// change runs fn on report id for a triage action by p: staff only, on
// the version p read (0: no version check, for appending messages).
func (s *Service) change(ctx context.Context, p auth.Principal, id int64, version int, fn func(*change) error) (Report, error) {
	check := func(r row) error { return CanChange(p, r.ReporterUserID) }
	return s.run(ctx, id, version, check, p.Actor(), p.UserID, fn)
}

// run is the transaction of every change to a report: read the row, check
// permission and version, apply fn, write the row if it changed (guarded
// by its version), journal, and return the report as it now is.
func (s *Service) run(ctx context.Context, id int64, version int, check func(row) error, actor journal.Actor, userID int64,
	fn func(*change) error) (Report, error) {
	var out Report
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		r, err := getRow(ctx, tx, id)
		if err != nil {
			return err
		}
		if check != nil {
			if err := check(r); err != nil {
				return err
			}
		}
		if version != 0 && r.Version != version {
			return stale(r.Version, version)
		}
		c := &change{ctx: ctx, tx: tx, now: s.clock(), actor: actor, userID: userID, r: r, data: map[string]any{}}
		if err := fn(c); err != nil {
			return err
		}
		if err := c.write(r.Version); err != nil {
			return err
		}
		if c.action != "" {
			c.data["tracking_id"] = r.TrackingID
			if err := record(ctx, tx, c.now, actor, c.action, id, c.data); err != nil {
				return err
			}
		}
		out, err = withLists(ctx, tx, c.r.Report)
		return err
	})
	return out, err
}

func stale(have, sent int) error {
	return errs.E(errs.Conflict, "the report was changed by someone else (version %d, you sent %d): reload and try again", have, sent)
}

// write stores the row's triage columns if a step changed them.
func (c *change) write(readVersion int) error {
	if !c.dirty {
		return nil
	}
	r := &c.r
	res, err := c.tx.ExecContext(c.ctx, `UPDATE reports SET status = $1, rm_state = $2, outcome = $3, resolution = $4,
		priority = $5, assignee_id = $6, duplicate_of = $7, ssvc_outcome = $8, ssvc_selections = $9, assessed_at = $10,
		acknowledged_at = $11, waiting_since = $12, paused_seconds = $13, closed_at = $14, active = $15, updated_at = $16,
		version = version + 1 WHERE id = $17 AND version = $18`,
		string(r.Status), r.RM.String(), string(r.Outcome), string(r.Resolution), string(r.Priority), nullID(r.AssigneeID),
		nullID(r.DuplicateOf), r.SSVC.Outcome, string(r.SSVC.SelectionList), nullTime(r.SSVC.AssessedAt),
		nullTime(r.AcknowledgedAt), nullTime(r.WaitingSince), int64(r.Paused/time.Second), nullTime(r.ClosedAt),
		r.Status != StatusClosed, c.now,
		r.ID, readVersion)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return stale(readVersion+1, readVersion)
	}
	r.Version, r.UpdatedAt = readVersion+1, c.now
	return nil
}

// acknowledge records that the reporter got an answer, once.
func (c *change) acknowledge() {
	if c.r.AcknowledgedAt.IsZero() {
		c.r.AcknowledgedAt = c.now
		c.dirty = true
	}
	if c.r.Status == StatusNew {
		c.r.Status = StatusOpen
		c.dirty = true
	}
}

// wait starts (or restarts) waiting for the reporter; the clock pauses.
func (c *change) wait() {
	c.stopWaiting()
	c.r.Status, c.r.WaitingSince, c.dirty = StatusWaiting, c.now, true
}

// stopWaiting ends a wait, adding it to the paused time.
func (c *change) stopWaiting() {
	if c.r.Status != StatusWaiting {
		return
	}
	c.r.Paused += c.now.Sub(c.r.WaitingSince).Truncate(time.Second)
	c.r.Status, c.r.WaitingSince, c.dirty = StatusOpen, time.Time{}, true
}

// step takes one RM step of the coordinator's machine, or fails with a
// conflict naming the rule. Reports have no embargo of their own (a case
// has), so EM is None. It returns the message type that announces it.
func (c *change) step(e protocol.RMEvent) (protocol.MessageType, error) {
	from := c.r.RM
	if err := protocol.CheckRM(from, e, protocol.EMNone, ""); err != nil {
		var se *protocol.StepError
		if errors.As(err, &se) {
			return 0, errs.Wrap(errs.Conflict, err, "cannot %s a report that is %s: %s", e.Name(), from.Name(), se.Rule)
		}
		return 0, err
	}
	msg, err := protocol.RMMessage(from, e)
	if err != nil {
		return 0, err
	}
	c.r.RM, _ = from.Step(e)
	if c.r.RM == protocol.RMClosed {
		c.stopWaiting()
		c.r.Status, c.r.ClosedAt = StatusClosed, c.now
	}
	c.dirty = true
	steps, _ := c.data["steps"].([]string)
	c.data["steps"] = append(steps, from.String()+"->"+c.r.RM.String()+" "+msg.String())
	return msg, nil
}

// message adds a message to the conversation.
func (c *change) message(author Author, kind MessageKind, body string) (Message, error) {
	uid := c.userID
	if author == AuthorSystem {
		uid = 0
	}
	return insertMessage(c.ctx, c.tx, Message{ReportID: c.r.ID, Author: author, AuthorUserID: uid, Kind: kind, Body: body, CreatedAt: c.now})
}

// announce adds a notice the reporter sees and queues its delivery.
func (c *change) announce(author Author, body string) error {
	m, err := c.message(author, KindNotice, body)
	if err != nil {
		return err
	}
	c.data["message_id"] = m.ID
	return notify(c.ctx, c.tx, c.now, c.r.Report, m)
}
