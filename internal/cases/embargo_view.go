package cases

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// DefaultSilenceAfter is how long an invitation to an embargo may go
// unanswered before the silence counts as a rejection.
const DefaultSilenceAfter = 14 * 24 * time.Hour

// Embargo is a case's embargo as one viewer sees it.
type Embargo struct {
	State     protocol.EMState
	InForce   Terms // zero EndsAt when no terms are in force
	Pending   *Proposal
	Queued    []Proposal
	History   []Proposal // every proposal, newest first
	Answers   []Answer   // the participants the viewer sees, those without consent first
	Consent   map[string]int
	Proposers string
	// SilenceAfter is when an unanswered invitation counts as a rejection.
	SilenceAfter time.Duration
	Advice       string // what the model recommends (attacks observed), if anything
	// Restricted: the viewer has not accepted the embargo in force, so the
	// case's details beyond its summary are withheld.
	Restricted bool
}

// Answer is where one participant stands on the embargo.
type Answer struct {
	Participant int64
	Name        string
	Roles       Roles
	Consent     protocol.ConsentState
	Since       time.Time // when the consent last changed
	Answer      string    // to the pending proposal: accept, reject, silence or ""
	Comment     string
	Silent      bool // invited for longer than the silence period
}

const maxAnswers = 500

// Embargo returns the case's embargo for p: the terms in force, the
// pending proposal, the history and who has answered (managers see every
// participant; the others the coordinators and themselves).
func (s *Service) Embargo(ctx context.Context, p auth.Principal, caseID int64) (Embargo, error) {
	q := s.db.Read()
	a, err := access(ctx, q, p, caseID)
	if err != nil {
		return Embargo{}, err
	}
	if err := CanView(p, a); err != nil {
		return Embargo{}, err
	}
	e := Embargo{SilenceAfter: s.cfg.SilenceAfter, Restricted: a.Restricted}
	var em, global string
	var ends sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT em_state, cs_global, embargo_ends_at, embargo_zone, embargo_proposers FROM cases WHERE id = $1`, caseID).
		Scan(&em, &global, &ends, &e.InForce.Zone, &e.Proposers)
	if err != nil {
		return e, err
	}
	e.InForce.EndsAt = nullTime(ends)
	if e.State, err = protocol.ParseEMState(em); err != nil {
		return e, err
	}
	if g, err := protocol.ParseCSState(global); err == nil {
		if adv, ok := protocol.EmbargoAdvice(e.State, g); ok {
			e.Advice = adv.Reason
		}
	}
	if err := e.readProposals(ctx, q, caseID); err != nil {
		return e, err
	}
	if e.Consent, err = consentCounts(ctx, q, caseID); err != nil {
		return e, err
	}
	e.Answers, err = s.answers(ctx, q, p, a, caseID, e.Pending)
	return e, err
}

func (e *Embargo) readProposals(ctx context.Context, q store.Querier, caseID int64) error {
	rows, err := q.QueryContext(ctx, `SELECT `+proposalColumns+proposalFrom+` WHERE e.case_id = $1 ORDER BY e.id DESC LIMIT 100`, caseID)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		pr, err := scanProposal(rows)
		if err != nil {
			return err
		}
		switch pr.Status {
		case "pending":
			e.Pending = &pr
		case "queued":
			e.Queued = append(e.Queued, pr)
		}
		e.History = append(e.History, pr)
	}
	return rows.Err()
}

func consentCounts(ctx context.Context, q store.Querier, caseID int64) (map[string]int, error) {
	rows, err := q.QueryContext(ctx, `SELECT consent_state, COUNT(*) FROM case_participants WHERE case_id = $1 GROUP BY consent_state`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// answers lists where the participants p sees stand, those still to
// answer first.
func (s *Service) answers(ctx context.Context, q store.Querier, p auth.Principal, a Access, caseID int64, pending *Proposal) ([]Answer, error) {
	var pid int64
	if pending != nil {
		pid = pending.ID
	}
	query := `SELECT p.id, COALESCE(o.name, u.name, ''), p.roles, p.consent_state, p.consent_at, p.added_at,
		COALESCE(a.answer, ''), COALESCE(a.comment, '')` + participantFrom + `
		LEFT JOIN embargo_answers a ON a.participant_id = p.id AND a.proposal_id = $2 WHERE p.case_id = $1`
	args := []any{caseID, pid}
	if !manages(p, a) {
		query += ` AND ((',' || p.roles || ',') LIKE '%,coordinator,%' OR p.id IN (0`
		for _, id := range a.Participants {
			args = append(args, id)
			query += `, $` + itoa(len(args))
		}
		query += `))`
	}
	query += ` ORDER BY CASE p.consent_state WHEN 'invited' THEN 0 WHEN 'declined' THEN 1 WHEN 'lapsed' THEN 2 ELSE 3 END, p.id LIMIT ` + itoa(maxAnswers)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	now := s.clock()
	var out []Answer
	for rows.Next() {
		var an Answer
		var roles, consent string
		var since sql.NullTime // SQLite types no expression over times: no COALESCE here
		var added time.Time
		if err := rows.Scan(&an.Participant, &an.Name, &roles, &consent, &since, &added, &an.Answer, &an.Comment); err != nil {
			return nil, err
		}
		an.Roles, an.Since = parseRoles(roles), nullTime(since)
		if an.Since.IsZero() {
			an.Since = added.UTC()
		}
		if an.Consent, err = parseConsent(consent); err != nil {
			return nil, err
		}
		an.Silent = an.Consent == protocol.ConsentInvited && now.Sub(an.Since) >= s.cfg.SilenceAfter
		out = append(out, an)
	}
	return out, rows.Err()
}

// JobExpireSilence is the periodic job that counts silence as rejection.
const JobExpireSilence = "case.embargo_silence"

// ExpireSilence counts as a rejection every invitation to an embargo left
// unanswered for the silence period at now: each such participant
// declines, as the system, with the reason recorded. One transaction per
// case; it returns how many participants it changed.
func (s *Service) ExpireSilence(ctx context.Context, now time.Time) (int, error) {
	cutoff := now.UTC().Add(-s.cfg.SilenceAfter)
	rows, err := s.db.Read().QueryContext(ctx, `SELECT p.case_id, p.id FROM case_participants p JOIN cases c ON c.id = p.case_id
		WHERE p.consent_state = 'invited' AND p.consent_at <= $1 AND c.em_state IN ('P', 'A', 'R') ORDER BY p.case_id, p.id`, cutoff)
	if err != nil {
		return 0, err
	}
	due := map[int64][]int64{}
	var order []int64
	for rows.Next() {
		var caseID, id int64
		if err := rows.Scan(&caseID, &id); err != nil {
			rows.Close()
			return 0, err
		}
		if due[caseID] == nil {
			order = append(order, caseID)
		}
		due[caseID] = append(due[caseID], id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, caseID := range order {
		k, err := s.silence(ctx, now.UTC().Truncate(time.Microsecond), cutoff, caseID, due[caseID])
		if err != nil {
			return n, fmt.Errorf("case %d: %w", caseID, err)
		}
		n += k
	}
	return n, nil
}

func (s *Service) silence(ctx context.Context, now, cutoff time.Time, caseID int64, ids []int64) (int, error) {
	n := 0
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		n = 0
		m, err := s.loadModel(ctx, tx, caseID, ids...)
		if err != nil {
			return err
		}
		pr, hasPending, err := pendingProposal(ctx, tx, caseID)
		if err != nil {
			return err
		}
		for _, id := range ids {
			var still int // re-read under the lock: an answer may have come meanwhile
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_participants WHERE id = $1 AND consent_state = 'invited' AND consent_at <= $2`,
				id, cutoff).Scan(&still); err != nil || still == 0 {
				if err != nil {
					return err
				}
				continue
			}
			days := int(s.cfg.SilenceAfter / (24 * time.Hour))
			// Dropped, not met: the declining that follows is the silence's.
			if _, err := deadlines.Cancel(ctx, tx, now, caseID, id, deadlines.EmbargoAnswer); err != nil {
				return err
			}
			if _, err := m.step(ctx, tx, now, journal.System, "", func(c protocol.Case) (protocol.Case, []protocol.Change, error) {
				return c.StepConsent(pkey(id), protocol.ConsentDecline)
			}); err != nil {
				return err
			}
			text := fmt.Sprintf("%s did not answer the embargo invitation within %d days: the silence counts as a rejection", m.parts[id].name, days)
			if err := record(ctx, tx, now, journal.System, "case.embargo_silence", caseID, entry{Participant: id, Name: m.parts[id].name, Text: text}); err != nil {
				return err
			}
			if hasPending {
				if _, err := tx.ExecContext(ctx, `INSERT INTO embargo_answers (proposal_id, participant_id, answer, answered_at)
					VALUES ($1, $2, 'silence', $3) ON CONFLICT (proposal_id, participant_id) DO NOTHING`, pr.ID, id, now); err != nil {
					return err
				}
			}
			n++
		}
		return nil
	})
	return n, err
}

// ShareDetails lets participant see the case's details before it has
// accepted the embargo: the coordinators' override, recorded with reason.
func (s *Service) ShareDetails(ctx context.Context, p auth.Principal, caseID, participant int64, reason string) error {
	reason, err := checkComment("reason", reason)
	if err != nil {
		return err
	}
	if reason == "" {
		return errs.Field("reason", "is required: say why the details are shared before the embargo is accepted")
	}
	return s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanManage(p, a); err != nil {
			return err
		}
		pt, err := getParticipant(ctx, tx, caseID, participant)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_participants SET details_shared = TRUE, version = version + 1, updated_at = $1
			WHERE case_id = $2 AND id = $3`, now, caseID, participant); err != nil {
			return err
		}
		text := fmt.Sprintf("The case's details were shared with %s before it accepted the embargo; reason: %s", pt.Name, strings.TrimSpace(reason))
		return record(ctx, tx, now, p.Actor(), "case.details_shared", caseID, entry{Participant: participant, Name: pt.Name, Text: text})
	})
}

// ExpireSilenceJob is the handler of JobExpireSilence.
func (s *Service) ExpireSilenceJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.ExpireSilence(ctx, s.clock())
	return err
}
