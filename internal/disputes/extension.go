package disputes

import (
	"context"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// Decision is the mediator's answer to an extension request.
type Decision struct {
	Answer Answer
	// Until and Zone are the new end (see ParseWhen): for Partly, an end
	// before the one asked for; for Granted they may be left empty (the
	// end asked for); never for Denied.
	Until string
	Zone  string
	// Reasons are required for Partly and Denied.
	Reasons string
}

// Decide answers an open extension request and so resolves it. A grant
// (full or partial) runs Config.ReviseEmbargo in the same transaction.
func (s *Service) Decide(ctx context.Context, p auth.Principal, caseID, id int64, in Decision) (Dispute, error) {
	answer, err := ParseAnswer(string(in.Answer))
	if err != nil {
		return Dispute{}, err
	}
	reasons, err := checkText("reasons", in.Reasons, answer != Granted)
	if err != nil {
		return Dispute{}, err
	}
	var d Dispute
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanMediate(p, o.st); err != nil {
			return err
		}
		if err := o.needOpen(); err != nil {
			return err
		}
		if o.d.Topic != TopicExtension {
			return conflict("only extension requests take a decision: propose a resolution instead")
		}
		until, zone, err := newEnd(o.d, answer, in, o.now)
		if err != nil {
			return err
		}
		_, err = o.tx.ExecContext(ctx, `UPDATE disputes SET answer = $1, granted_until = $2, granted_zone = $3 WHERE id = $4`,
			string(answer), nullIfZero(until), zone, id)
		if err != nil {
			return err
		}
		o.d.Answer, o.d.GrantedUntil, o.d.GrantedZone = answer, until, zone
		if err := o.finish(ctx, StatusResolved, "", reasons); err != nil {
			return err
		}
		if answer != Denied && s.cfg.ReviseEmbargo != nil {
			if err := s.cfg.ReviseEmbargo(ctx, o.tx, p, caseID, until, zone, reasons); err != nil {
				return err
			}
		}
		if err := o.timeline(ctx, "dispute.decided", decisionWords(o.d)); err != nil {
			return err
		}
		d = o.d
		return o.notify(ctx, "decided", o.mediatorBy())
	})
	return d, err
}

// newEnd is the end a decision grants: the one asked for (Granted), an
// earlier one (Partly), or none (Denied).
func newEnd(d Dispute, answer Answer, in Decision, now time.Time) (time.Time, string, error) {
	asked := whenWords(d.RequestedUntil, d.RequestedZone)
	switch answer {
	case Denied:
		if in.Until != "" || in.Zone != "" {
			return time.Time{}, "", errs.Field("until", "a denial sets no new end")
		}
		return time.Time{}, "", nil
	case Granted:
		if in.Until == "" {
			if !d.RequestedUntil.After(now) {
				return time.Time{}, "", errs.Field("until", "the end asked for (%s) has passed: grant a later one with partly, or deny", asked)
			}
			return d.RequestedUntil, d.RequestedZone, nil
		}
	}
	until, zone, err := ParseWhen(in.Until, in.Zone, now)
	switch {
	case err != nil:
		return until, zone, err
	case answer == Granted && !until.Equal(d.RequestedUntil):
		return time.Time{}, "", errs.Field("until", "a grant is the end asked for (%s): grant another end with partly", asked)
	case answer == Partly && !until.Before(d.RequestedUntil):
		return time.Time{}, "", errs.Field("until", "a partial grant ends before the end asked for (%s)", asked)
	}
	return until, zone, nil
}

// decisionWords says on the timeline how an extension request was
// answered.
func decisionWords(d Dispute) string {
	s := label(d)
	switch d.Answer {
	case Granted:
		s += ": extension granted until " + whenWords(d.GrantedUntil, d.GrantedZone)
	case Partly:
		s += ": extension partly granted, until " + whenWords(d.GrantedUntil, d.GrantedZone) +
			" (asked for " + whenWords(d.RequestedUntil, d.RequestedZone) + ")"
	default:
		s += ": extension denied"
	}
	if d.Reasons != "" {
		s += "; reasons: " + short(d.Reasons)
	}
	return s
}
