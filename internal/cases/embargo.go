package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
)

// Embargo negotiation: terms with dates on top of the EM machine. The
// model (protocol.Case) decides every EM and consent step; this file keeps
// the terms, who proposed them and who answered, in the same transaction.

// Proposal is one set of terms put to a case.
type Proposal struct {
	ID     int64
	CaseID int64
	Kind   string // proposal (no embargo in force) or revision
	Terms
	Source       string // manual, or policy: an organisation's default
	ProposedBy   int64  // the participant
	ProposerName string
	ByUser       int64
	Status       string // queued, pending, accepted, rejected, superseded
	Outcome      string
	CreatedAt    time.Time
	DecidedAt    time.Time
}

// Who may propose terms in a case.
const (
	ProposersCoordinators = "coordinators"
	ProposersParticipants = "participants"
)

const proposalColumns = `e.id, e.case_id, e.kind, e.ends_at, e.zone, e.justification, e.source, e.proposed_by,
	COALESCE(o.name, u.name, ''), COALESCE(e.proposed_by_user, 0), e.status, e.outcome, e.created_at, e.decided_at`

const proposalFrom = ` FROM embargo_proposals e JOIN case_participants p ON p.id = e.proposed_by
	LEFT JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.user_id`

func scanProposal(row interface{ Scan(...any) error }) (Proposal, error) {
	var pr Proposal
	var decided sql.NullTime
	err := row.Scan(&pr.ID, &pr.CaseID, &pr.Kind, &pr.EndsAt, &pr.Zone, &pr.Justification, &pr.Source, &pr.ProposedBy,
		&pr.ProposerName, &pr.ByUser, &pr.Status, &pr.Outcome, &pr.CreatedAt, &decided)
	pr.EndsAt, pr.CreatedAt, pr.DecidedAt = pr.EndsAt.UTC(), pr.CreatedAt.UTC(), nullTime(decided)
	return pr, err
}

// pendingProposal returns the case's pending proposal; ok is false when
// none is.
func pendingProposal(ctx context.Context, tx *sql.Tx, caseID int64) (Proposal, bool, error) {
	pr, err := scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE e.case_id = $1 AND e.status = 'pending'`, caseID))
	if errors.Is(err, sql.ErrNoRows) {
		return pr, false, nil
	}
	return pr, err == nil, err
}

// decide closes the case's pending (and, with queued, queued) proposals
// with status and outcome.
func decide(ctx context.Context, tx *sql.Tx, at time.Time, caseID int64, status, outcome string, queued bool) error {
	which := `status = 'pending'`
	if queued {
		which = `status IN ('pending', 'queued')`
	}
	_, err := tx.ExecContext(ctx, `UPDATE embargo_proposals SET status = $1, outcome = $2, decided_at = $3 WHERE case_id = $4 AND `+which,
		status, outcome, at, caseID)
	return err
}

// settle keeps the terms in step with the EM changes a model step made,
// whatever caused them (an answer, a decision, or P or X forcing the end).
func settle(ctx context.Context, tx *sql.Tx, at time.Time, caseID int64, changes []protocol.Change) error {
	for _, ch := range changes {
		if ch.Machine != protocol.EM {
			continue
		}
		var err error
		switch {
		case ch.Event == protocol.EMAccept.String():
			// Rejecting a revision also lands in A, but through EMReject.
			_, err = tx.ExecContext(ctx, `UPDATE cases SET
				embargo_ends_at = (SELECT ends_at FROM embargo_proposals WHERE case_id = $1 AND status = 'pending'),
				embargo_zone = (SELECT zone FROM embargo_proposals WHERE case_id = $1 AND status = 'pending')
				WHERE id = $1 AND EXISTS (SELECT 1 FROM embargo_proposals WHERE case_id = $1 AND status = 'pending')`, caseID)
			if err == nil {
				err = decide(ctx, tx, at, caseID, "accepted", "accepted", false)
			}
		case ch.Event == protocol.EMReject.String():
			err = decide(ctx, tx, at, caseID, "rejected", "rejected", ch.To == protocol.EMNone.String())
		case ch.Event == protocol.EMTerminate.String():
			reason := "the embargo ended"
			if ch.Implied {
				reason = "the embargo ended: the case became public"
			}
			if err = decide(ctx, tx, at, caseID, "rejected", reason, true); err == nil {
				_, err = tx.ExecContext(ctx, `UPDATE cases SET embargo_ends_at = NULL WHERE id = $1`, caseID)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// actingFor returns the participant p acts for in a: as when given (one of
// p's own, or for those who manage the case any coordinator), else p's only
// participant, else for managers the case's lead coordinator.
func actingFor(ctx context.Context, tx *sql.Tx, p auth.Principal, a Access, caseID, as int64) (int64, error) {
	if as != 0 {
		if a.Acts(as) {
			return as, nil
		}
		if manages(p, a) {
			roles, err := coordinatorRoles(ctx, tx, caseID)
			if err != nil {
				return 0, err
			}
			if _, ok := roles[as]; ok {
				return as, nil
			}
		}
		return 0, errs.Field("participant", "must be a participant you act for in this case")
	}
	if len(a.Participants) == 1 {
		return a.Participants[0], nil
	}
	if manages(p, a) {
		var lead int64
		err := tx.QueryRowContext(ctx, `SELECT COALESCE(MIN(id), 0) FROM case_participants WHERE case_id = $1
			AND (',' || roles || ',') LIKE '%,coordinator,%'`, caseID).Scan(&lead)
		if err != nil || lead != 0 {
			return lead, err
		}
		return 0, errs.E(errs.Conflict, "the case has no coordinator participant to act for: add one first")
	}
	return 0, errs.Field("participant", "say which of your participants in this case you act for")
}

// CanPropose: with the case setting "coordinators", those who manage the
// case; with "participants", anyone taking part too.
func CanPropose(p auth.Principal, a Access, proposers string) error {
	if err := canChange(p, a); err != nil {
		return err
	}
	if manages(p, a) || (proposers == ProposersParticipants && len(a.Participants) > 0) {
		return nil
	}
	return errs.E(errs.Forbidden, "in this case only the coordinators propose embargo terms")
}

// ProposeEmbargo puts terms t to the case for participant as (0: see
// actingFor): a proposal without an embargo in force, a counter-proposal
// replacing a pending one, or a revision of the terms in force. Every other
// participant is invited to answer; the proposer signs.
func (s *Service) ProposeEmbargo(ctx context.Context, p auth.Principal, caseID, as int64, t Terms) (Proposal, error) {
	var out Proposal
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		var err error
		out, err = s.propose(ctx, tx, p, a, now, caseID, as, t, "manual")
		return err
	})
	return out, err
}

func (s *Service) propose(ctx context.Context, tx *sql.Tx, p auth.Principal, a Access, now time.Time, caseID, as int64, t Terms, source string) (Proposal, error) {
	var proposers string
	if err := tx.QueryRowContext(ctx, `SELECT embargo_proposers FROM cases WHERE id = $1`, caseID).Scan(&proposers); err != nil {
		return Proposal{}, err
	}
	if err := CanPropose(p, a, proposers); err != nil {
		return Proposal{}, err
	}
	actor, err := actingFor(ctx, tx, p, a, caseID, as)
	if err != nil {
		return Proposal{}, err
	}
	if t, err = t.check(now); err != nil {
		return Proposal{}, err
	}
	return s.putTerms(ctx, tx, p.Actor(), p.UserID, now, caseID, actor, t, source)
}

// putTerms steps EM propose for actor with terms t and stores them.
func (s *Service) putTerms(ctx context.Context, tx *sql.Tx, by journal.Actor, userID int64, now time.Time, caseID, actor int64, t Terms, source string) (Proposal, error) {
	m, err := s.loadModel(ctx, tx, caseID)
	if err != nil {
		return Proposal{}, err
	}
	kind := "proposal"
	if m.c.EM().Active() {
		kind = "revision"
	}
	if err := decide(ctx, tx, now, caseID, "superseded", "replaced by a newer proposal", false); err != nil {
		return Proposal{}, err
	}
	if _, err := m.step(ctx, tx, now, by, "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
		return c.StepEM(pkey(actor), protocol.EMPropose)
	}); err != nil {
		return Proposal{}, err
	}
	var id int64
	err = tx.QueryRowContext(ctx, `INSERT INTO embargo_proposals (case_id, kind, ends_at, zone, justification, source, proposed_by,
		proposed_by_user, status, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', $9) RETURNING id`,
		caseID, kind, t.EndsAt, t.Zone, t.Justification, source, actor, nullID(userID), now).Scan(&id)
	if err != nil {
		return Proposal{}, err
	}
	words := fmt.Sprintf("%s proposed an embargo until %s", m.parts[actor].name, TermsWords(t))
	if kind == "revision" {
		words = fmt.Sprintf("%s proposed to revise the embargo: until %s", m.parts[actor].name, TermsWords(t))
	}
	if err := record(ctx, tx, now, by, "case.embargo_proposed", caseID, entry{Participant: actor, Name: m.parts[actor].name, Text: words}); err != nil {
		return Proposal{}, err
	}
	if err := tell(ctx, tx, now, caseID, actor, EmbargoProposed, fmt.Sprintf("p%d", id), t, false); err != nil {
		return Proposal{}, err
	}
	return scanProposal(tx.QueryRowContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE e.id = $1`, id))
}

// TermsWords says when terms end, in their zone and in UTC.
func TermsWords(t Terms) string {
	local := t.Local()
	s := local.Format("2006-01-02 15:04") + " " + t.Zone
	if t.Zone != "UTC" {
		s += " (" + t.EndsAt.UTC().Format("2006-01-02 15:04") + " UTC)"
	}
	return s
}

const maxComment = 2000

func checkComment(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > maxComment {
		return s, errs.Field(field, "must be at most %d characters long", maxComment)
	}
	return s, nil
}

// ProposeWithin proposes terms inside another domain's transaction tx (a
// deadline extension granted in a dispute): a revision of the terms in
// force, else a proposal, for the coordinator p acts for. The participants
// answer it as any other.
func (s *Service) ProposeWithin(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64, t Terms) (Proposal, error) {
	a, err := access(ctx, tx, p, caseID)
	if err != nil {
		return Proposal{}, err
	}
	return s.propose(ctx, tx, p, a, s.clock(), caseID, 0, t, "manual")
}
