package disputes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// Propose makes the mediator's proposal the pending resolution of an open
// dispute, superseding the one pending before. When the mediating
// participant is itself a party, proposing is its acceptance.
func (s *Service) Propose(ctx context.Context, p auth.Principal, caseID, id int64, proposal string) (Resolution, error) {
	text, err := checkText("proposal", proposal, true)
	if err != nil {
		return Resolution{}, err
	}
	var r Resolution
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		if err := CanMediate(p, o.st); err != nil {
			return err
		}
		if err := o.needOpen(); err != nil {
			return err
		}
		if o.d.Topic == TopicExtension {
			return conflict("answer an extension request with a decision (granted, partly or denied), not a proposal")
		}
		superseded, err := o.supersede(ctx)
		if err != nil {
			return err
		}
		r = Resolution{DisputeID: id, Proposal: text, Status: Pending, ProposedBy: p.Actor().Name, ProposedAt: o.now}
		err = o.tx.QueryRowContext(ctx, `INSERT INTO dispute_resolutions (dispute_id, proposal, proposed_by, proposed_by_user, proposed_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, id, text, r.ProposedBy, nullID(p.UserID), o.now).Scan(&r.ID)
		if err != nil {
			return err
		}
		if err := o.journal(ctx, "dispute.proposed", map[string]any{"resolution_id": r.ID, "superseded": superseded, "proposal": text}); err != nil {
			return err
		}
		if o.st.party(o.d.Mediator) { // a party besides the mediator is still to answer
			if err := o.record(ctx, &r, o.d.Mediator, true, ""); err != nil {
				return err
			}
		}
		if err := o.touch(ctx); err != nil {
			return err
		}
		return o.notify(ctx, "proposed", o.mediatorBy())
	})
	return r, err
}

// supersede ends the pending resolution, if any, and reports how many it
// ended.
func (o *op) supersede(ctx context.Context) (int64, error) {
	res, err := o.tx.ExecContext(ctx, `UPDATE dispute_resolutions SET status = 'superseded', decided_at = $1
		WHERE dispute_id = $2 AND status = 'pending'`, o.now, o.d.ID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// Reply is a party's answer to a proposal.
type Reply struct {
	As      int64 // the party; 0 for the one party the principal acts for
	Accept  bool
	Comment string
}

// Answer records a party's acceptance or rejection of the pending
// resolution resolutionID. A rejection leaves the dispute open for a new
// proposal; the last party's acceptance resolves it with that outcome.
func (s *Service) Answer(ctx context.Context, p auth.Principal, caseID, id, resolutionID int64, in Reply) (Resolution, error) {
	comment, err := checkText("comment", in.Comment, false)
	if err != nil {
		return Resolution{}, err
	}
	var r Resolution
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		as, err := o.as(in.As)
		if err != nil {
			return err
		}
		if err := CanState(p, o.st, as); err != nil {
			return err
		}
		if err := o.needOpen(); err != nil {
			return err
		}
		if r, err = getResolution(ctx, o.tx, id, resolutionID); err != nil {
			return err
		}
		switch {
		case r.Status == Superseded:
			return conflict("this proposal was superseded: answer the one pending now")
		case r.Status != Pending:
			return conflict("this proposal was %s already", r.Status)
		case r.Answered(as):
			return conflict("this party answered the proposal already")
		}
		return o.answer(ctx, &r, as, in.Accept, comment)
	})
	return r, err
}

// answer records party's answer to the pending resolution r and settles
// it: rejected by one party, or accepted by all (which resolves the
// dispute).
func (o *op) answer(ctx context.Context, r *Resolution, party int64, accept bool, comment string) error {
	if err := o.record(ctx, r, party, accept, comment); err != nil {
		return err
	}
	all := true
	for _, id := range o.parties {
		all = all && r.Answered(id)
	}
	switch {
	case !accept:
		return o.settle(ctx, r, Rejected, "rejected", party)
	case all:
		if err := o.settle(ctx, r, Accepted, "resolved", party); err != nil {
			return err
		}
		if err := o.finish(ctx, StatusResolved, r.Proposal, ""); err != nil {
			return err
		}
		return o.timeline(ctx, "dispute.resolved", fmt.Sprintf("%s resolved: the parties accepted %q", label(o.d), short(r.Proposal)))
	}
	if err := o.touch(ctx); err != nil {
		return err
	}
	return o.notify(ctx, "answered", party)
}

// record writes party's answer to r and journals it.
func (o *op) record(ctx context.Context, r *Resolution, party int64, accept bool, comment string) error {
	_, err := o.tx.ExecContext(ctx, `INSERT INTO dispute_answers (resolution_id, participant_id, accept, comment, answered_by, answered_at)
		VALUES ($1, $2, $3, $4, $5, $6)`, r.ID, party, accept, comment, o.p.Actor().Name, o.now)
	if err != nil {
		return err
	}
	r.Answers = append(r.Answers, PartyAnswer{Participant: party, Accept: accept, Comment: comment, By: o.p.Actor().Name, At: o.now})
	return o.journal(ctx, "dispute.answered", map[string]any{"resolution_id": r.ID, "participant_id": party, "accept": accept})
}

// settle ends the pending resolution r with status and tells the parties.
func (o *op) settle(ctx context.Context, r *Resolution, status ResolutionStatus, what string, by int64) error {
	if _, err := o.tx.ExecContext(ctx, `UPDATE dispute_resolutions SET status = $1, decided_at = $2 WHERE id = $3`, string(status), o.now, r.ID); err != nil {
		return err
	}
	r.Status, r.DecidedAt = status, o.now
	if status == Rejected {
		if err := o.touch(ctx); err != nil {
			return err
		}
	}
	return o.notify(ctx, what, by)
}

// Close ends an open dispute without agreement (the mediator, with
// reasons).
func (s *Service) Close(ctx context.Context, p auth.Principal, caseID, id int64, reasons string) (Dispute, error) {
	return s.end(ctx, p, caseID, id, reasons, true)
}

// Withdraw ends an open dispute at its opener's wish; reasons are
// optional.
func (s *Service) Withdraw(ctx context.Context, p auth.Principal, caseID, id int64, reasons string) (Dispute, error) {
	return s.end(ctx, p, caseID, id, reasons, false)
}

// end closes a dispute unresolved (mediator) or withdraws it (opener); a
// pending proposal is superseded.
func (s *Service) end(ctx context.Context, p auth.Principal, caseID, id int64, reasons string, mediator bool) (Dispute, error) {
	reasons, err := checkText("reasons", reasons, mediator)
	if err != nil {
		return Dispute{}, err
	}
	var d Dispute
	err = s.change(ctx, p, caseID, id, func(ctx context.Context, o *op) error {
		status, what, by := StatusUnresolved, "closed unresolved", o.mediatorBy()
		if mediator {
			err = CanMediate(p, o.st)
		} else {
			status, what, by, err = StatusWithdrawn, "withdrawn", o.d.OpenedBy, CanWithdraw(p, o.st)
		}
		if err != nil {
			return err
		}
		if err := o.needOpen(); err != nil {
			return err
		}
		if _, err := o.supersede(ctx); err != nil {
			return err
		}
		if err := o.finish(ctx, status, "", reasons); err != nil {
			return err
		}
		text := label(o.d) + " " + what
		if reasons != "" {
			text += "; reasons: " + short(reasons)
		}
		if err := o.timeline(ctx, "dispute."+string(status), text); err != nil {
			return err
		}
		d = o.d
		return o.notify(ctx, string(status), by)
	})
	return d, err
}

func getResolution(ctx context.Context, tx *sql.Tx, id, resolutionID int64) (Resolution, error) {
	var r Resolution
	var status string
	var decided sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT id, dispute_id, proposal, status, proposed_by, proposed_at, decided_at
		FROM dispute_resolutions WHERE id = $1 AND dispute_id = $2`, resolutionID, id).
		Scan(&r.ID, &r.DisputeID, &r.Proposal, &status, &r.ProposedBy, &r.ProposedAt, &decided)
	if errors.Is(err, sql.ErrNoRows) {
		return r, errs.E(errs.NotFound, "no such proposal in this dispute")
	}
	if err != nil {
		return r, err
	}
	r.Status, r.DecidedAt, r.ProposedAt = ResolutionStatus(status), nullTime(decided), r.ProposedAt.UTC()
	answers, err := answersOf(ctx, tx, []int64{r.ID})
	r.Answers = answers[r.ID]
	return r, err
}

// short cuts a text for the timeline.
func short(s string) string {
	const n = 200
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
