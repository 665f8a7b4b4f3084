package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
)

// answerable returns the terms an answer is about: the pending proposal,
// else the terms in force (for a participant invited to them later). An
// answer naming other terms (proposalID, 0 for the current) is refused.
func answerable(ctx context.Context, tx *sql.Tx, caseID, proposalID int64) (pr Proposal, pending bool, err error) {
	pr, pending, err = pendingProposal(ctx, tx, caseID)
	if err == nil && !pending {
		pr, err = scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` JOIN cases c ON c.id = e.case_id
			WHERE e.case_id = $1 AND e.status = 'accepted' AND c.em_state IN ('A', 'R') ORDER BY e.id DESC LIMIT 1`, caseID))
		if errors.Is(err, sql.ErrNoRows) {
			return pr, false, errs.E(errs.Conflict, "no embargo is proposed or in force in this case: there is nothing to answer")
		}
	}
	if err != nil {
		return pr, pending, err
	}
	if proposalID != 0 && proposalID != pr.ID {
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM embargo_proposals WHERE case_id = $1 AND id = $2`, caseID, proposalID).Scan(&status)
		if errors.Is(err, sql.ErrNoRows) {
			return pr, pending, errs.E(errs.NotFound, "no embargo proposal %d in this case", proposalID)
		}
		if err != nil {
			return pr, pending, err
		}
		return pr, pending, errs.E(errs.Conflict, "proposal %d is %s: answer the current one (%d, until %s)", proposalID, status, pr.ID, TermsWords(pr.Terms))
	}
	return pr, pending, nil
}

// current returns the pending proposal, refusing a decision on any other.
func current(ctx context.Context, tx *sql.Tx, caseID, proposalID int64) (Proposal, error) {
	pr, pending, err := answerable(ctx, tx, caseID, proposalID)
	if err == nil && !pending {
		err = errs.E(errs.Conflict, "no embargo proposal is waiting for a decision in this case")
	}
	return pr, err
}

// AnswerEmbargo records participant's answer to the pending proposal
// (proposalID: the one the answer is about; a superseded one is refused).
// Accepting makes the participant a signatory; the last participant to
// accept puts the terms in force. Rejecting records its refusal; the case's
// coordinators then decide (DecideEmbargo).
func (s *Service) AnswerEmbargo(ctx context.Context, p auth.Principal, caseID, participant, proposalID int64, accept bool, comment string) (Proposal, error) {
	comment, err := checkComment("comment", comment)
	if err != nil {
		return Proposal{}, err
	}
	var out Proposal
	err = s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		ev := protocol.ConsentDecline
		if accept {
			ev = protocol.ConsentAccept
		}
		if err := CanStepConsent(p, a, participant, ev); err != nil {
			return err
		}
		pr, pending, err := answerable(ctx, tx, caseID, proposalID)
		if err != nil {
			return err
		}
		if err := s.answer(ctx, tx, p.Actor(), now, caseID, participant, accept, pending); err != nil {
			return err
		}
		word := map[bool]string{true: "accept", false: "reject"}[accept]
		if _, err := tx.ExecContext(ctx, `INSERT INTO embargo_answers (proposal_id, participant_id, answer, comment, answered_by, answered_at)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (proposal_id, participant_id)
			DO UPDATE SET answer = $3, comment = $4, answered_by = $5, answered_at = $6`,
			pr.ID, participant, word, comment, nullID(p.UserID), now); err != nil {
			return err
		}
		if comment != "" {
			if err := record(ctx, tx, now, p.Actor(), "case.embargo_comment", caseID, entry{Participant: participant, Text: "Answer to the embargo proposal: " + comment}); err != nil {
				return err
			}
		}
		if err := s.reviseFromQueue(ctx, tx, now, caseID); err != nil {
			return err
		}
		out, err = proposalByID(ctx, tx, pr.ID)
		return err
	})
	return out, err
}

// answer steps participant's consent; the last acceptance steps EM accept.
func (s *Service) answer(ctx context.Context, tx *sql.Tx, by journal.Actor, now time.Time, caseID, participant int64, accept, pending bool) error {
	others := 1 // terms in force are not put in force again
	if accept && pending {
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_participants WHERE case_id = $1 AND id <> $2 AND consent_state <> 'signatory'`,
			caseID, participant).Scan(&others); err != nil {
			return err
		}
	}
	var m *model
	var err error
	if accept && others == 0 {
		m, err = s.loadModel(ctx, tx, caseID)
	} else {
		m, err = s.loadModel(ctx, tx, caseID, participant)
	}
	if err != nil {
		return err
	}
	if _, ok := m.parts[participant]; !ok {
		return errs.E(errs.NotFound, "no participant %d in this case", participant)
	}
	_, err = m.step(ctx, tx, now, by, "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
		pt, _ := c.Participant(pkey(participant))
		var changes []protocol.Change
		if pt.Consent == protocol.ConsentDeclined && accept { // a change of mind: asked again, then yes
			next, ch, err := c.StepConsent(pkey(participant), protocol.ConsentInvite)
			if err != nil {
				return c, nil, err
			}
			c, changes = next, ch
		}
		var next protocol.Case
		var ch []protocol.Change
		var err error
		switch {
		case accept && others == 0:
			next, ch, err = c.StepEM(pkey(participant), protocol.EMAccept)
		case accept:
			next, ch, err = c.StepConsent(pkey(participant), protocol.ConsentAccept)
		default:
			next, ch, err = c.StepConsent(pkey(participant), protocol.ConsentDecline)
		}
		return next, append(changes, ch...), err
	})
	if err != nil || !accept || others != 0 {
		return err
	}
	var t Terms
	if err := tx.QueryRowContext(ctx, `SELECT embargo_ends_at, embargo_zone FROM cases WHERE id = $1`, caseID).Scan(&t.EndsAt, &t.Zone); err != nil {
		return err
	}
	text := fmt.Sprintf("%s accepted the embargo; every participant has: it is in force until %s", m.parts[participant].name, TermsWords(t))
	return record(ctx, tx, now, by, "case.embargo_in_force", caseID, entry{Participant: participant, Name: m.parts[participant].name, Text: text})
}

// CanDecide: those who manage the case put pending terms in force or
// reject them, and end an embargo.
func CanDecide(p auth.Principal, a Access) error { return CanManage(p, a) }

// DecideEmbargo is the coordinators' decision on the pending proposal
// (proposalID, 0 for whichever is pending): accept puts it in force now
// whoever has not answered yet, reject drops it (a rejected revision
// leaves the terms in force). reason is recorded.
func (s *Service) DecideEmbargo(ctx context.Context, p auth.Principal, caseID, proposalID int64, accept bool, reason string) (Proposal, error) {
	reason, err := checkComment("reason", reason)
	if err != nil {
		return Proposal{}, err
	}
	var out Proposal
	err = s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanDecide(p, a); err != nil {
			return err
		}
		pr, err := current(ctx, tx, caseID, proposalID)
		if err != nil {
			return err
		}
		actor, err := actingFor(ctx, tx, p, a, caseID, 0)
		if err != nil {
			return err
		}
		m, err := s.loadModel(ctx, tx, caseID)
		if err != nil {
			return err
		}
		ev, verb := protocol.EMReject, "rejected"
		if accept {
			ev, verb = protocol.EMAccept, "put in force"
		}
		if _, err := m.step(ctx, tx, now, p.Actor(), "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
			return c.StepEM(pkey(actor), ev)
		}); err != nil {
			return err
		}
		words := fmt.Sprintf("%s %s the embargo proposal until %s", m.parts[actor].name, verb, TermsWords(pr.Terms))
		if reason != "" {
			words += "; reason: " + reason
		}
		if _, err := tx.ExecContext(ctx, `UPDATE embargo_proposals SET outcome = $1 WHERE id = $2`, verb+" by the coordinator", pr.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, now, p.Actor(), "case.embargo_decided", caseID, entry{Text: words}); err != nil {
			return err
		}
		if err := s.reviseFromQueue(ctx, tx, now, caseID); err != nil {
			return err
		}
		out, err = proposalByID(ctx, tx, pr.ID)
		return err
	})
	return out, err
}

// TerminateEmbargo ends the embargo in force at once, for reason (needed).
// Ending it early at a later date is a revision (ProposeEmbargo).
func (s *Service) TerminateEmbargo(ctx context.Context, p auth.Principal, caseID int64, reason string) (Case, error) {
	reason, err := checkComment("reason", reason)
	if err != nil {
		return Case{}, err
	}
	if reason == "" {
		return Case{}, errs.Field("reason", "is required: say why the embargo ends early")
	}
	var out Case
	err = s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanDecide(p, a); err != nil {
			return err
		}
		actor, err := actingFor(ctx, tx, p, a, caseID, 0)
		if err != nil {
			return err
		}
		m, err := s.loadModel(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if _, err := m.step(ctx, tx, now, p.Actor(), "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
			return c.StepEM(pkey(actor), protocol.EMTerminate)
		}); err != nil {
			return err
		}
		if err := record(ctx, tx, now, p.Actor(), "case.embargo_terminated", caseID, entry{Text: "The embargo was ended early; reason: " + reason}); err != nil {
			return err
		}
		out, err = scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, caseID))
		return err
	})
	return out, err
}

// reviseFromQueue proposes the oldest queued default as a revision once
// an embargo is in force with nothing pending: the longer of two competing
// defaults. One whose date no longer fits is dropped with its reason.
func (s *Service) reviseFromQueue(ctx context.Context, tx *sql.Tx, now time.Time, caseID int64) error {
	var em string
	if err := tx.QueryRowContext(ctx, `SELECT em_state FROM cases WHERE id = $1`, caseID).Scan(&em); err != nil {
		return err
	}
	if em != protocol.EMActive.String() {
		return nil
	}
	pr, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+`
		WHERE e.case_id = $1 AND e.status = 'queued' ORDER BY e.id LIMIT 1`, caseID))
	if err == sql.ErrNoRows {
		return nil
	}
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE embargo_proposals SET status = 'superseded', decided_at = $1, outcome = $2 WHERE id = $3`,
		now, "proposed again as a revision", pr.ID); err != nil {
		return err
	}
	t, err := pr.Terms.check(now)
	if err != nil { // the default no longer fits (its date passed): it stays dropped, and says so
		return record(ctx, tx, now, journal.System, "case.embargo_dropped", caseID,
			entry{Text: fmt.Sprintf("%s's default embargo until %s was not proposed as a revision: %v", pr.ProposerName, TermsWords(pr.Terms), err)})
	}
	_, err = s.putTerms(ctx, tx, journal.System, pr.ByUser, now, caseID, pr.ProposedBy, t, "policy")
	return err
}

func proposalByID(ctx context.Context, tx *sql.Tx, id int64) (Proposal, error) {
	return scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE e.id = $1`, id))
}

// SetEmbargoProposers sets who may propose terms in the case
// (ProposersCoordinators or ProposersParticipants).
func (s *Service) SetEmbargoProposers(ctx context.Context, p auth.Principal, caseID int64, who string) error {
	who = strings.TrimSpace(who)
	if who != ProposersCoordinators && who != ProposersParticipants {
		return errs.Field("proposers", "must be coordinators or participants")
	}
	return s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanManage(p, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET embargo_proposers = $1, version = version + 1, updated_at = $2 WHERE id = $3`, who, now, caseID); err != nil {
			return err
		}
		return record(ctx, tx, now, p.Actor(), "case.embargo_setting", caseID, entry{Text: "Embargo terms may now be proposed by the " + who})
	})
}
