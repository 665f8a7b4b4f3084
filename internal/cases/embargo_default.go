package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// ProposeDefaultEmbargo proposes, for participant as (0: see actingFor),
// the default embargo of its organisation's disclosure policy, counted from
// the event the policy names (the case's first contact attempt, its
// opening, or now). When another participant's default is pending, the
// shorter of the two is proposed and the longer queued: it becomes a
// revision once the shorter is in force.
func (s *Service) ProposeDefaultEmbargo(ctx context.Context, p auth.Principal, caseID, as int64) (Proposal, error) {
	var out Proposal
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		var proposers string
		if err := tx.QueryRowContext(ctx, `SELECT embargo_proposers FROM cases WHERE id = $1`, caseID).Scan(&proposers); err != nil {
			return err
		}
		if err := CanPropose(p, a, proposers); err != nil {
			return err
		}
		actor, err := actingFor(ctx, tx, p, a, caseID, as)
		if err != nil {
			return err
		}
		t, err := s.defaultTerms(ctx, tx, now, caseID, actor)
		if err != nil {
			return err
		}
		pending, ok, err := pendingProposal(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if ok && pending.Source == "policy" && pending.ProposedBy != actor {
			out, err = s.compete(ctx, tx, p, now, caseID, actor, t, pending)
			return err
		}
		out, err = s.putTerms(ctx, tx, p.Actor(), p.UserID, now, caseID, actor, t, "policy")
		return err
	})
	return out, err
}

// defaultTerms are the terms of actor's policy (the default policy for a
// person or an organisation without one).
func (s *Service) defaultTerms(ctx context.Context, tx *sql.Tx, now time.Time, caseID, actor int64) (Terms, error) {
	var orgID sql.NullInt64
	var opened time.Time
	var first sql.NullTime
	err := tx.QueryRowContext(ctx, `SELECT p.org_id, c.created_at FROM case_participants p JOIN cases c ON c.id = p.case_id
		WHERE p.case_id = $1 AND p.id = $2`, caseID, actor).Scan(&orgID, &opened)
	if err != nil {
		return Terms{}, err
	}
	// The column itself, not MIN(): SQLite gives aggregates over times as text.
	err = tx.QueryRowContext(ctx, `SELECT first_contact_at FROM case_participants WHERE case_id = $1 AND first_contact_at IS NOT NULL
		ORDER BY first_contact_at LIMIT 1`, caseID).Scan(&first)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Terms{}, err
	}
	pol := defaultPolicy(0)
	if orgID.Valid {
		if pol, err = policyOf(ctx, tx, orgID.Int64); err != nil {
			return Terms{}, err
		}
	}
	t := Terms{EndsAt: DefaultEnd(pol, opened, nullTime(first), now), Zone: "UTC", Justification: pol.Justification}
	if t, err = t.check(now); err != nil {
		return t, errs.E(errs.Conflict, "the default of the disclosure policy (%d days from %s) does not fit: %v; propose a date instead",
			pol.Days, pol.CountsFrom, err)
	}
	return t, nil
}

// compete settles two defaults: the shorter is proposed, the longer
// queued as a later revision.
func (s *Service) compete(ctx context.Context, tx *sql.Tx, p auth.Principal, now time.Time, caseID, actor int64, t Terms, pending Proposal) (Proposal, error) {
	if !t.EndsAt.Before(pending.EndsAt) {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO embargo_proposals (case_id, kind, ends_at, zone, justification, source, proposed_by,
			proposed_by_user, status, created_at) VALUES ($1, 'revision', $2, $3, $4, 'policy', $5, $6, 'queued', $7) RETURNING id`,
			caseID, t.EndsAt, t.Zone, t.Justification, actor, nullID(p.UserID), now).Scan(&id)
		if err != nil {
			return Proposal{}, err
		}
		text := fmt.Sprintf("A longer default embargo (until %s) was queued: the shorter default pending wins, this one becomes a revision once it is in force", TermsWords(t))
		if err := record(ctx, tx, now, p.Actor(), "case.embargo_queued", caseID, entry{Participant: actor, Text: text}); err != nil {
			return Proposal{}, err
		}
		return proposalByID(ctx, tx, id)
	}
	out, err := s.putTerms(ctx, tx, p.Actor(), p.UserID, now, caseID, actor, t, "policy")
	if err != nil {
		return out, err
	}
	// The longer default waits as a revision of the shorter one.
	_, err = tx.ExecContext(ctx, `INSERT INTO embargo_proposals (case_id, kind, ends_at, zone, justification, source, proposed_by,
		proposed_by_user, status, created_at) VALUES ($1, 'revision', $2, $3, $4, 'policy', $5, $6, 'queued', $7)`,
		caseID, pending.EndsAt, pending.Zone, pending.Justification, pending.ProposedBy, nullID(pending.ByUser), now)
	return out, err
}
