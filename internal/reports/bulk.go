package reports

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

// Ref names a report at the version it was seen.
type Ref struct {
	ID      int64
	Version int
}

// Result is the outcome of a bulk action on one report.
type Result struct {
	ID     int64
	Report Report // the report after the action, when Err is nil
	Err    error
}

// CloseMany closes each report with one canned reason, each in its own
// transaction, taking the shortest legal RM path to Closed: a report still
// Received is judged invalid first (so the reason must be one that
// invalidates), a Valid one is deferred first. It reports per report what
// happened; a report that changed since it was seen is left alone.
func (s *Service) CloseMany(ctx context.Context, p auth.Principal, refs []Ref, reason Reason, message string) ([]Result, error) {
	if err := CanTriage(p); err != nil {
		return nil, err
	}
	if len(refs) > 500 {
		return nil, errs.Field("reports", "can hold at most 500 reports at a time")
	}
	d, err := Decision{Version: 1, Reason: reason, Message: message}.check(true)
	if err != nil {
		return nil, err
	}
	out := make([]Result, len(refs))
	for i, ref := range refs {
		out[i].ID = ref.ID
		if ref.Version <= 0 {
			out[i].Err = errs.Field("version", "is required: send the version you read")
			continue
		}
		out[i].Report, out[i].Err = s.change(ctx, p, ref.ID, ref.Version, func(c *change) error {
			return c.closeWith(d, AuthorCoordinator, "report.closed")
		})
	}
	return out, nil
}

// closePath is the shortest legal RM path from rm to Closed for a report
// closed with a reason: Received needs an invalidating reason.
func closePath(rm protocol.RMState, reason Reason) ([]protocol.RMEvent, error) {
	switch rm {
	case protocol.RMReceived:
		if !reason.Invalidates() {
			return nil, errs.E(errs.Conflict, "a report that was never validated can only be closed with a reason that judges it invalid")
		}
		return []protocol.RMEvent{protocol.RMInvalidate, protocol.RMClose}, nil
	case protocol.RMValid:
		return []protocol.RMEvent{protocol.RMDefer, protocol.RMClose}, nil
	case protocol.RMClosed:
		return nil, errs.E(errs.Conflict, "the report is closed already")
	}
	return []protocol.RMEvent{protocol.RMClose}, nil
}

// closeWith takes the report to Closed along closePath and announces it.
func (c *change) closeWith(d Decision, author Author, action string) error {
	path, err := closePath(c.r.RM, d.Reason)
	if err != nil {
		return err
	}
	for _, e := range path {
		if _, err := c.step(e); err != nil {
			return err
		}
		if e == protocol.RMInvalidate {
			c.r.Outcome = OutcomeInvalid
		}
	}
	c.r.Resolution = d.Reason
	c.acknowledge()
	c.action, c.data["reason"] = action, string(d.Reason)
	return c.announce(author, withMessage(closedText(d.Reason), d.Message))
}
