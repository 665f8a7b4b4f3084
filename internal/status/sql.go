package status

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Statements are read with their case's key and their vulnerability's
// title and CVE ID (status reads cases' tables, and writes only
// case_participants.statement_at); the vendor's name comes from
// cases.ParticipantsIn.

const statementColumns = `s.id, s.case_id, c.key, s.participant_id, s.vulnerability_id, v.title, v.cve_id, s.product, s.purl, s.cpe,
	s.versions, s.fixed_version, s.status, s.justification, s.action_statement, s.statement, s.refs, s.shared,
	s.approved_at, s.approved_by_name, s.created_at, s.updated_at, s.version`

const statementFrom = ` FROM vendor_statements s JOIN cases c ON c.id = s.case_id
	JOIN case_vulnerabilities v ON v.id = s.vulnerability_id`

func scanStatement(row interface{ Scan(...any) error }) (Statement, error) {
	var s Statement
	var status, justification, refs string
	var approved sql.NullTime
	err := row.Scan(&s.ID, &s.CaseID, &s.CaseKey, &s.Participant, &s.Vulnerability, &s.VulnTitle, &s.CVE, &s.Product, &s.PURL, &s.CPE,
		&s.Versions, &s.FixedVersion, &status, &justification, &s.Action, &s.Text, &refs, &s.Shared,
		&approved, &s.ApprovedBy, &s.CreatedAt, &s.UpdatedAt, &s.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return s, notFound()
	}
	s.Status, s.Justification, s.References = Status(status), Justification(justification), splitRefs(refs)
	if approved.Valid {
		s.ApprovedAt = approved.Time.UTC()
	}
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	return s, err
}

func splitRefs(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// getStatement reads statement id of case caseID; one of another case is
// not found.
func getStatement(ctx context.Context, q store.Querier, caseID, id int64) (Statement, error) {
	return scanStatement(q.QueryRowContext(ctx, `SELECT `+statementColumns+statementFrom+` WHERE s.id = $1 AND s.case_id = $2`, id, caseID))
}

// vulnOfCase checks that vulnerability id belongs to case caseID.
func vulnOfCase(ctx context.Context, q store.Querier, caseID, id int64) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_vulnerabilities WHERE id = $1 AND case_id = $2`, id, caseID).Scan(&n)
	if err == nil && n == 0 {
		return errs.Field("vulnerability_id", "there is no vulnerability %d in this case", id)
	}
	return err
}

// taken checks that the vendor has no other statement on the same
// vulnerability and product (compared without case), but for except.
func taken(ctx context.Context, q store.Querier, participant, vuln int64, product string, except int64) error {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM vendor_statements WHERE participant_id = $1 AND vulnerability_id = $2
		AND LOWER(product) = LOWER($3) AND id <> $4`, participant, vuln, product, except).Scan(&n)
	if err == nil && n > 0 {
		return errs.E(errs.Conflict, "there is a statement on %s for this vulnerability already: edit that one", product)
	}
	return err
}

func insertStatement(ctx context.Context, tx *sql.Tx, s *Statement, userID int64) error {
	return tx.QueryRowContext(ctx, `INSERT INTO vendor_statements (case_id, participant_id, vulnerability_id, product, purl, cpe,
		versions, fixed_version, status, justification, action_statement, statement, refs, shared, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id`,
		s.CaseID, s.Participant, s.Vulnerability, s.Product, s.PURL, s.CPE, s.Versions, s.FixedVersion, string(s.Status),
		string(s.Justification), s.Action, s.Text, strings.Join(s.References, "\n"), s.Shared, nullID(userID), s.CreatedAt).Scan(&s.ID)
}

// updateStatement writes s's fields as a draft, if s is still at version
// was.
func updateStatement(ctx context.Context, tx *sql.Tx, s Statement, was int) error {
	res, err := tx.ExecContext(ctx, `UPDATE vendor_statements SET product = $1, purl = $2, cpe = $3, versions = $4, fixed_version = $5,
		status = $6, justification = $7, action_statement = $8, statement = $9, refs = $10, shared = $11, approved_at = NULL,
		approved_by = NULL, approved_by_name = '', updated_at = $12, version = version + 1 WHERE id = $13 AND version = $14`,
		s.Product, s.PURL, s.CPE, s.Versions, s.FixedVersion, string(s.Status), string(s.Justification), s.Action, s.Text,
		strings.Join(s.References, "\n"), s.Shared, s.UpdatedAt, s.ID, was)
	return changed(res, err)
}

// setShared shares s or not, if it is still at version was; its approval
// stays.
func setShared(ctx context.Context, tx *sql.Tx, s Statement, was int) error {
	res, err := tx.ExecContext(ctx, `UPDATE vendor_statements SET shared = $1, updated_at = $2, version = version + 1
		WHERE id = $3 AND version = $4`, s.Shared, s.UpdatedAt, s.ID, was)
	return changed(res, err)
}

// setApproval approves s (approver set) or returns it to a draft, if it
// is still at version was.
func setApproval(ctx context.Context, tx *sql.Tx, s Statement, userID int64, was int) error {
	res, err := tx.ExecContext(ctx, `UPDATE vendor_statements SET approved_at = $1, approved_by = $2, approved_by_name = $3,
		updated_at = $4, version = version + 1 WHERE id = $5 AND version = $6`,
		nullTime(s.ApprovedAt), nullID(userID), s.ApprovedBy, s.UpdatedAt, s.ID, was)
	return changed(res, err)
}

func changed(res sql.Result, err error) error {
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		return stale()
	}
	return err
}

func stale() error {
	return errs.E(errs.Conflict, "the statement was changed by someone else meanwhile: reload it and try again")
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }
