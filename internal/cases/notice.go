package cases

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

// NoticeTarget is what a notice to a participant needs: the case's key and
// whom to write to. It is read without a principal, for the job that sends
// the notice, and never for a request.
type NoticeTarget struct {
	CaseKey       string
	Title         string
	Summary       string
	Vulns         []Vulnerability
	OrgID         int64    // the participant's organisation, or 0 for a person
	UserID        int64    // the participant as a person, or 0
	Participant   string   // the organisation's or person's name
	Addresses     []string // the security contact, else the organisation's admins; a person's own address
	AlreadyNotice bool     // a contact was made already (a retry after success)
	// Embargoed is set while an embargo is in force that the participant
	// has not accepted: a notice then carries no details, even encrypted.
	Embargoed bool
	EndsAt    time.Time // the embargo's end, when one is in force
}

// NoticeTarget looks up where the notice for participant participantID of
// case caseID goes.
func (s *Service) NoticeTarget(ctx context.Context, caseID, participantID int64) (NoticeTarget, error) {
	q := s.db.Read()
	var t NoticeTarget
	var orgID, userID sql.NullInt64
	var attempts, failures int
	var em, consent string
	var shared bool
	var ends sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT c.key, c.title, c.summary, p.org_id, p.user_id, p.contact_attempts, p.delivery_failures,
		c.em_state, c.embargo_ends_at, p.consent_state, p.details_shared
		FROM case_participants p JOIN cases c ON c.id = p.case_id WHERE p.case_id = $1 AND p.id = $2`, caseID, participantID).
		Scan(&t.CaseKey, &t.Title, &t.Summary, &orgID, &userID, &attempts, &failures, &em, &ends, &consent, &shared)
	t.EndsAt = nullTime(ends)
	t.Embargoed = (em == "A" || em == "R") && !shared && consent != "signatory" && consent != "lapsed"
	if errors.Is(err, sql.ErrNoRows) {
		return t, errs.E(errs.NotFound, "no participant %d in case %d", participantID, caseID)
	}
	if err != nil {
		return t, err
	}
	t.AlreadyNotice = attempts > failures
	t.OrgID, t.UserID = orgID.Int64, userID.Int64
	if t.Vulns, err = listVulns(ctx, q, caseID); err != nil {
		return t, err
	}
	if userID.Valid {
		var email string
		err = q.QueryRowContext(ctx, `SELECT name, email FROM users WHERE id = $1`, userID.Int64).Scan(&t.Participant, &email)
		t.Addresses = []string{email}
		return t, err
	}
	var security string
	if err := q.QueryRowContext(ctx, `SELECT name, security_email FROM organisations WHERE id = $1`, orgID.Int64).Scan(&t.Participant, &security); err != nil {
		return t, err
	}
	if security != "" {
		t.Addresses = []string{security}
		return t, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND m.role = 'admin' AND NOT u.disabled ORDER BY u.id`, orgID.Int64)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return t, err
		}
		t.Addresses = append(t.Addresses, e)
	}
	return t, rows.Err()
}
