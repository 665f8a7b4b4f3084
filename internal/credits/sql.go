package credits

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

const creditColumns = `c.id, c.case_id, k.key, k.title, c.type, COALESCE(c.user_id, 0), COALESCE(u.name, ''), c.name, c.email,
	c.organisation, COALESCE(c.vulnerability_id, 0), c.status, c.anonymous, c.printed_name, c.reason, COALESCE(c.created_by, 0),
	c.created_at, c.updated_at, c.version`

const creditFrom = ` FROM credits c JOIN cases k ON k.id = c.case_id LEFT JOIN users u ON u.id = c.user_id`

type scanner interface{ Scan(...any) error }

func scanCredit(row scanner) (Credit, error) {
	var c Credit
	var typ, status string
	err := row.Scan(&c.ID, &c.CaseID, &c.CaseKey, &c.CaseTitle, &typ, &c.UserID, &c.UserName, &c.Name, &c.Email,
		&c.Organisation, &c.VulnerabilityID, &status, &c.Anonymous, &c.PrintedName, &c.Reason, &c.CreatedBy,
		&c.CreatedAt, &c.UpdatedAt, &c.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound()
	}
	c.Type, c.Status = Type(typ), Status(status)
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	c.Printed = c.printed()
	return c, err
}

func queryCredits(ctx context.Context, q store.Querier, where string, args ...any) ([]Credit, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+creditColumns+creditFrom+` WHERE `+where+` ORDER BY c.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Credit
	for rows.Next() {
		c, err := scanCredit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// getCredit reads credit id; caseID 0 for any case.
func getCredit(ctx context.Context, q store.Querier, caseID, id int64) (Credit, error) {
	c, err := scanCredit(q.QueryRowContext(ctx, `SELECT `+creditColumns+creditFrom+` WHERE c.id = $1`, id))
	if err == nil && caseID != 0 && c.CaseID != caseID {
		return Credit{}, notFound()
	}
	return c, err
}

func insertCredit(ctx context.Context, tx *sql.Tx, c Credit) (int64, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO credits (case_id, type, user_id, name, email, organisation, vulnerability_id,
		status, anonymous, printed_name, reason, created_by, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13) RETURNING id`,
		c.CaseID, string(c.Type), nullID(c.UserID), c.Name, c.Email, c.Organisation, nullID(c.VulnerabilityID),
		string(c.Status), c.Anonymous, c.PrintedName, c.Reason, nullID(c.CreatedBy), c.CreatedAt).Scan(&id)
	return id, err
}

// updateCredit writes c if the row is still at version was.
func updateCredit(ctx context.Context, tx *sql.Tx, c Credit, was int) error {
	res, err := tx.ExecContext(ctx, `UPDATE credits SET type = $1, name = $2, email = $3, organisation = $4,
		vulnerability_id = $5, status = $6, anonymous = $7, printed_name = $8, reason = $9, updated_at = $10,
		version = version + 1 WHERE id = $11 AND version = $12`,
		string(c.Type), c.Name, c.Email, c.Organisation, nullID(c.VulnerabilityID), string(c.Status), c.Anonymous,
		c.PrintedName, c.Reason, c.UpdatedAt, c.ID, was)
	return changed(res, err)
}

func deleteCredit(ctx context.Context, tx *sql.Tx, id int64, was int) error {
	res, err := tx.ExecContext(ctx, `DELETE FROM credits WHERE id = $1 AND version = $2`, id, was)
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
	return errs.E(errs.Conflict, "the credit was changed by someone else meanwhile: reload it and try again")
}

// vulnerabilityIn checks that vulnerability id belongs to case caseID.
func vulnerabilityIn(ctx context.Context, q store.Querier, caseID, id int64) error {
	var n int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_vulnerabilities WHERE id = $1 AND case_id = $2`, id, caseID).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return errs.Field("vulnerability_id", "is not a vulnerability of this case")
	}
	return nil
}

// userName is the name of account id.
func userName(ctx context.Context, q store.Querier, id int64) (string, error) {
	var name string
	err := q.QueryRowContext(ctx, `SELECT name FROM users WHERE id = $1`, id).Scan(&name)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.Field("user_id", "is not an account of this instance")
	}
	return name, err
}

// participantOf is the participant of case caseID the account userID
// takes part as: itself as a person, else the first organisation it is a
// member of; 0 for none. Coordinator participants are left out: an entry
// about one shows to every participant.
func participantOf(ctx context.Context, q store.Querier, caseID, userID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT p.id FROM case_participants p WHERE p.case_id = $1 AND (p.user_id = $2
		OR p.org_id IN (SELECT m.org_id FROM memberships m WHERE m.user_id = $2))
		AND (',' || p.roles || ',') NOT LIKE '%,coordinator,%'
		ORDER BY CASE WHEN p.user_id IS NULL THEN 1 ELSE 0 END, p.id LIMIT 1`, caseID, userID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return id, err
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func clock(now func() time.Time) time.Time { return now().UTC().Truncate(time.Microsecond) }
