package cases

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Sort orders a participant list.
type Sort string

// The orders of a participant list; each ends with the participant ID, so
// that pages follow on without gaps.
const (
	SortAdded Sort = "added" // in the order they joined (the default)
	SortName  Sort = "name"  // by name
	SortRM    Sort = "rm"    // by RM state in reading order (Start first), then as added
)

// ParticipantFilter narrows and orders Participants.
type ParticipantFilter struct {
	Role Role   // only participants with this role; "" for any
	RM   string // only participants in this RM state (a letter S R I V A D C); "" for any
	// Unresponsive keeps the vendors flagged unresponsive.
	Unresponsive bool
	// Silent keeps the vendors that were contacted and have not answered
	// (see Participant.FirstResponseAt).
	Silent bool
	Sort   Sort
	// Page.After is the ID of the last participant of the previous page,
	// whatever the order.
	Page store.Page
}

// participantFrom is the participant rows with their names.
const participantFrom = ` FROM case_participants p LEFT JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.user_id`

const participantColumns = `p.id, p.case_id, COALESCE(p.org_id, 0), COALESCE(p.user_id, 0), COALESCE(o.name, u.name, ''), p.roles,
	p.rm_state, p.consent_state, p.vfd_state, p.added_at, COALESCE(p.added_by, 0), p.first_contact_at, p.last_contact_at,
	p.contact_attempts, p.delivery_failures, p.first_view_at, p.first_response_at, p.statement_at, p.version, p.updated_at,
	p.last_response_at, p.escalation_stage, p.unresponsive_at`

// sortKey is the expression an order sorts by before the ID, written
// against p, o and u so that the cursor's subquery can reuse it.
func sortKey(s Sort) string {
	if s == SortName {
		return `COALESCE(o.name_key, LOWER(u.name))`
	}
	return `CASE p.rm_state WHEN 'S' THEN 0 WHEN 'R' THEN 1 WHEN 'I' THEN 2 WHEN 'V' THEN 3 WHEN 'A' THEN 4 WHEN 'D' THEN 5 ELSE 6 END`
}

func scanParticipant(row interface{ Scan(...any) error }) (Participant, error) {
	var pt Participant
	var roles, rm, consent string
	var vfd sql.NullString
	var firstContact, lastContact, firstView, firstResponse, statement, lastResponse, unresponsive sql.NullTime
	err := row.Scan(&pt.ID, &pt.CaseID, &pt.OrgID, &pt.UserID, &pt.Name, &roles, &rm, &consent, &vfd, &pt.AddedAt, &pt.AddedBy,
		&firstContact, &lastContact, &pt.ContactAttempts, &pt.DeliveryFailures, &firstView, &firstResponse, &statement,
		&pt.Version, &pt.UpdatedAt, &lastResponse, &pt.EscalationStage, &unresponsive)
	if errors.Is(err, sql.ErrNoRows) {
		return pt, errs.E(errs.NotFound, "no such participant in this case")
	}
	if err != nil {
		return pt, err
	}
	pt.Roles = parseRoles(roles)
	pt.AddedAt, pt.UpdatedAt = pt.AddedAt.UTC(), pt.UpdatedAt.UTC()
	pt.FirstContactAt, pt.LastContactAt = nullTime(firstContact), nullTime(lastContact)
	pt.FirstViewAt, pt.FirstResponseAt, pt.StatementAt = nullTime(firstView), nullTime(firstResponse), nullTime(statement)
	pt.LastResponseAt, pt.UnresponsiveAt = nullTime(lastResponse), nullTime(unresponsive)
	if pt.RM, err = protocol.ParseRMState(rm); err != nil {
		return pt, err
	}
	if pt.Consent, err = parseConsent(consent); err != nil {
		return pt, err
	}
	pt.HasVFD, pt.VFD, err = parseVFD(vfd)
	return pt, err
}

func getParticipant(ctx context.Context, q store.Querier, caseID, id int64) (Participant, error) {
	return scanParticipant(q.QueryRowContext(ctx, `SELECT `+participantColumns+participantFrom+` WHERE p.case_id = $1 AND p.id = $2`, caseID, id))
}

// unviewed returns those of ids that have not looked at the case yet.
func unviewed(ctx context.Context, q store.Querier, caseID int64, ids []int64) ([]int64, error) {
	args := []any{caseID}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := q.QueryContext(ctx, `SELECT id FROM case_participants WHERE case_id = $1 AND first_view_at IS NULL
		AND id IN (`+placeholders(2, len(ids))+`) ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// Participants returns a page of a case's participants. Those who manage
// the case see them all; the members of another participant see only the
// coordinators and their own participant (vendors do not learn who else
// is in a case until coordinators choose to share it, which is not built
// yet).
func (s *Service) Participants(ctx context.Context, p auth.Principal, caseID int64, f ParticipantFilter) ([]Participant, error) {
	q := s.db.Read()
	a, err := access(ctx, q, p, caseID)
	if err != nil {
		return nil, err
	}
	if err := CanView(p, a); err != nil {
		return nil, err
	}
	if _, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, caseID)); err != nil {
		return nil, err
	}
	query, args, err := participantQuery(p, a, caseID, f)
	if err != nil {
		return nil, err
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Participant
	for rows.Next() {
		pt, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, pt)
	}
	return out, rows.Err()
}

// participantQuery builds the one query of a page of participants.
func participantQuery(p auth.Principal, a Access, caseID int64, f ParticipantFilter) (string, []any, error) {
	args := []any{caseID}
	where := []string{"p.case_id = $1"}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+itoa(len(args))))
	}
	if f.Role != "" {
		if _, err := newRoles("role", []Role{f.Role}); err != nil {
			return "", nil, err
		}
		add(`(',' || p.roles || ',') LIKE $?`, "%,"+string(f.Role)+",%")
	}
	if f.RM != "" {
		rm, err := protocol.ParseRMState(f.RM)
		if err != nil {
			return "", nil, errs.Field("rm", "must be one of S, R, I, V, A, D, C")
		}
		add("p.rm_state = $?", rm.String())
	}
	if f.Unresponsive {
		where = append(where, `p.unresponsive_at IS NOT NULL`)
	}
	if f.Silent {
		where = append(where, `(',' || p.roles || ',') LIKE '%,vendor,%' AND p.first_contact_at IS NOT NULL AND p.first_response_at IS NULL`)
	}
	if !manages(p, a) {
		// The coordinators (through their partial index) and one's own: a
		// few rows found directly, never a scan of the case's vendors.
		cond := `p.id IN (SELECT c.id FROM case_participants c WHERE c.case_id = $1 AND (',' || c.roles || ',') LIKE '%,coordinator,%'`
		for _, id := range a.Participants {
			args = append(args, id)
			cond += " UNION SELECT CAST($" + itoa(len(args)) + " AS BIGINT)"
		}
		where = append(where, cond+")")
	}
	order := "p.id"
	switch f.Sort {
	case "", SortAdded:
		if f.Page.After > 0 {
			add("p.id > $?", f.Page.After)
		}
	case SortName, SortRM:
		k := sortKey(f.Sort)
		order = k + ", p.id"
		if f.Page.After > 0 {
			add(`(`+k+`, p.id) > ((SELECT `+k+participantFrom+` WHERE p.id = $?), $?)`, f.Page.After)
		}
	default:
		return "", nil, errs.Field("sort", "must be name, added or rm")
	}
	args = append(args, f.Page.Size())
	return `SELECT ` + participantColumns + participantFrom + ` WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT $` + itoa(len(args)), args, nil
}
