package reports

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

// Decision is a coordinator's Report Management decision on a report.
type Decision struct {
	// Version is the version of the report the decision was made on.
	Version int
	// Reason is required to invalidate, defer and close.
	Reason Reason
	// Message is the coordinator's own words to the reporter, after the
	// canned text.
	Message string
}

func (d Decision) check(needReason bool) (Decision, error) {
	if d.Version <= 0 {
		return d, errs.Field("version", "is required: send the version you read")
	}
	var err error
	if d.Message, err = text("message", d.Message, MaxText, false); err != nil {
		return d, err
	}
	if needReason || d.Reason != "" {
		return d, d.Reason.check(d.Message)
	}
	return d, nil
}

// Acknowledge tells the reporter their report was received and is being
// looked at (a templated reply, with message appended), and records when.
func (s *Service) Acknowledge(ctx context.Context, p auth.Principal, id int64, version int, message string) (Report, error) {
	d, err := Decision{Version: version, Message: message}.check(false)
	if err != nil {
		return Report{}, err
	}
	return s.change(ctx, p, id, d.Version, func(c *change) error {
		if !c.r.AcknowledgedAt.IsZero() {
			return errs.E(errs.Conflict, "the report was acknowledged already, on %s", c.r.AcknowledgedAt.Format("2 January 2006"))
		}
		if c.r.RM == protocol.RMClosed {
			return errs.E(errs.Conflict, "the report is closed")
		}
		c.acknowledge()
		c.action, c.data["message"] = "report.acknowledged", protocol.RK.String()
		return c.announce(AuthorCoordinator, withMessage(ackText(c.r.TrackingID), d.Message))
	})
}

// AskForInfo asks the reporter a question. The report waits for the
// answer with its clock paused, and closes itself after the policy's
// WaitingExpiry without one (ExpireWaiting).
func (s *Service) AskForInfo(ctx context.Context, p auth.Principal, id int64, version int, question string) (Report, error) {
	question, err := text("question", question, MaxText, true)
	if err != nil {
		return Report{}, err
	}
	if version <= 0 {
		return Report{}, errs.Field("version", "is required: send the version you read")
	}
	return s.change(ctx, p, id, version, func(c *change) error {
		if c.r.RM == protocol.RMClosed {
			return errs.E(errs.Conflict, "the report is closed: closed is final")
		}
		c.acknowledge()
		c.wait()
		m, err := c.message(AuthorCoordinator, KindQuestion, waitingText(question, s.pol.WaitingExpiry))
		if err != nil {
			return err
		}
		c.action, c.data["message"], c.data["message_id"] = "report.info_requested", protocol.GI.String(), m.ID
		return notify(ctx, c.tx, c.now, c.r.Report, m)
	})
}

// Validate judges the report a valid vulnerability report (RM R -> V, or
// I -> V on reconsideration).
func (s *Service) Validate(ctx context.Context, p auth.Principal, id int64, d Decision) (Report, error) {
	return s.decide(ctx, p, id, d, false, "report.validated", func(c *change) (string, error) {
		if _, err := c.step(protocol.RMValidate); err != nil {
			return "", err
		}
		c.r.Outcome = OutcomeValid
		return validatedText(), nil
	})
}

// Invalidate judges the report invalid (RM R -> I) with a reason that
// judges reports invalid.
func (s *Service) Invalidate(ctx context.Context, p auth.Principal, id int64, d Decision) (Report, error) {
	if d.Reason != "" && d.Reason != ReasonOther && !d.Reason.Invalidates() {
		return Report{}, errs.Field("reason", "does not judge a report invalid; choose one that does, or defer or close instead")
	}
	return s.decide(ctx, p, id, d, true, "report.invalidated", func(c *change) (string, error) {
		if _, err := c.step(protocol.RMInvalidate); err != nil {
			return "", err
		}
		c.r.Outcome, c.r.Resolution = OutcomeInvalid, d.Reason
		return invalidText(d.Reason), nil
	})
}

// Accept takes the report on for coordination (RM V -> A, or D -> A).
func (s *Service) Accept(ctx context.Context, p auth.Principal, id int64, d Decision) (Report, error) {
	return s.decide(ctx, p, id, d, false, "report.accepted", func(c *change) (string, error) {
		if _, err := c.step(protocol.RMAccept); err != nil {
			return "", err
		}
		c.r.Resolution = ""
		return acceptedText(), nil
	})
}

// Defer puts the report on hold (RM V -> D, or A -> D) with a reason.
func (s *Service) Defer(ctx context.Context, p auth.Principal, id int64, d Decision) (Report, error) {
	return s.decide(ctx, p, id, d, true, "report.deferred", func(c *change) (string, error) {
		if _, err := c.step(protocol.RMDefer); err != nil {
			return "", err
		}
		c.r.Resolution = d.Reason
		return deferredText(d.Reason), nil
	})
}

// Close closes the report for good (RM I, A or D -> C) with a reason.
func (s *Service) Close(ctx context.Context, p auth.Principal, id int64, d Decision) (Report, error) {
	return s.decide(ctx, p, id, d, true, "report.closed", func(c *change) (string, error) {
		if _, err := c.step(protocol.RMClose); err != nil {
			return "", err
		}
		c.r.Resolution = d.Reason
		return closedText(d.Reason), nil
	})
}

// decide runs one RM decision: check it, apply the step, acknowledge the
// report if it was not yet, and announce the result to the reporter.
func (s *Service) decide(ctx context.Context, p auth.Principal, id int64, d Decision, needReason bool, action string,
	apply func(*change) (string, error)) (Report, error) {
	d, err := d.check(needReason)
	if err != nil {
		return Report{}, err
	}
	return s.change(ctx, p, id, d.Version, func(c *change) error {
		words, err := apply(c)
		if err != nil {
			return err
		}
		c.acknowledge()
		c.action = action
		if d.Reason != "" {
			c.data["reason"] = string(d.Reason)
		}
		return c.announce(AuthorCoordinator, withMessage(words, d.Message))
	})
}

// Assign gives the report to a coordinator (userID 0: to nobody).
func (s *Service) Assign(ctx context.Context, p auth.Principal, id int64, version int, userID int64) (Report, error) {
	if version <= 0 {
		return Report{}, errs.Field("version", "is required: send the version you read")
	}
	if err := CanTriage(p); err != nil {
		return Report{}, err
	}
	if err := s.checkAssignee(ctx, p, userID); err != nil {
		return Report{}, err
	}
	return s.change(ctx, p, id, version, func(c *change) error {
		c.r.AssigneeID, c.dirty = userID, true
		c.action, c.data["assignee_id"] = "report.assigned", userID
		if userID == 0 || userID == p.UserID {
			return nil
		}
		return enqueue(ctx, c.tx, c.now, JobAssigned, eventOf(c.r.Report, 0))
	})
}

func (s *Service) checkAssignee(ctx context.Context, p auth.Principal, userID int64) error {
	if userID == 0 {
		return nil
	}
	u, err := s.users.User(ctx, p, userID)
	if errs.Is(err, errs.NotFound) || (err == nil && (u.Disabled || (!u.Staff && !u.Admin))) {
		return errs.Field("assignee", "must be an active member of the coordinator staff")
	}
	return err
}

// SetPriority sets the coordinator's priority for the report.
func (s *Service) SetPriority(ctx context.Context, p auth.Principal, id int64, version int, prio Priority) (Report, error) {
	if version <= 0 {
		return Report{}, errs.Field("version", "is required: send the version you read")
	}
	if !validPriority(prio) {
		return Report{}, errs.Field("priority", "must be none, low, medium, high or urgent")
	}
	return s.change(ctx, p, id, version, func(c *change) error {
		c.r.Priority, c.dirty = prio, true
		c.action, c.data["priority"] = "report.priority_set", string(prio)
		return nil
	})
}

func validPriority(p Priority) bool {
	for _, v := range Priorities {
		if p == v {
			return true
		}
	}
	return false
}
