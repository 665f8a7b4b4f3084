package reports

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

// LinkCase files reports ids into the case caseKey (ID caseID) within tx,
// the transaction that opens the case, so that both happen or neither:
// staff only; each report must be valid or accepted (a valid one is
// accepted now: the coordinator takes it on) and in no case yet. Each
// reporter is told in plain words. It returns the reporters' accounts, to
// join the case as its reporters.
func (s *Service) LinkCase(ctx context.Context, tx *sql.Tx, p auth.Principal, ids []int64, caseID int64, caseKey string) ([]int64, error) {
	if err := CanTriage(p); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, errs.Field("reports", "name at least one report")
	}
	var users []int64
	seen := map[int64]bool{}
	for _, id := range ids {
		r, err := s.fileInCase(ctx, tx, p, id, caseID, caseKey)
		if err != nil {
			return nil, err
		}
		if r.ReporterUserID != 0 && !seen[r.ReporterUserID] {
			seen[r.ReporterUserID] = true
			users = append(users, r.ReporterUserID)
		}
	}
	return users, nil
}

func (s *Service) fileInCase(ctx context.Context, tx *sql.Tx, p auth.Principal, id, caseID int64, caseKey string) (row, error) {
	r, err := getRow(ctx, tx, id)
	if err != nil {
		return r, err
	}
	c := &change{ctx: ctx, tx: tx, now: s.clock(), actor: p.Actor(), userID: p.UserID, r: r, data: map[string]any{}}
	switch r.RM {
	case protocol.RMValid:
		if _, err := c.step(protocol.RMAccept); err != nil {
			return r, err
		}
	case protocol.RMAccepted:
	default:
		return r, errs.E(errs.Conflict, "report %s is %s: validate it before opening a case from it", r.TrackingID, r.RM.Name())
	}
	if err := c.write(r.Version); err != nil {
		return r, err
	}
	res, err := tx.ExecContext(ctx, `UPDATE reports SET case_id = $1 WHERE id = $2 AND case_id IS NULL`, caseID, id)
	if err != nil {
		return r, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return r, errs.E(errs.Conflict, "report %s is part of a case already", r.TrackingID)
	}
	body := fmt.Sprintf("We are coordinating your report with the vendors in case %s. We will keep you informed here.", caseKey)
	if err := c.announce(AuthorCoordinator, body); err != nil {
		return r, err
	}
	c.data["tracking_id"], c.data["case"] = r.TrackingID, caseKey
	return c.r, record(ctx, tx, c.now, p.Actor(), "report.case_opened", id, c.data)
}

// CaseOf returns the ID of the case report id was filed into, 0 if none.
func (s *Service) CaseOf(ctx context.Context, p auth.Principal, id int64) (int64, error) {
	if err := CanTriage(p); err != nil {
		return 0, err
	}
	var caseID sql.NullInt64
	err := s.db.Read().QueryRowContext(ctx, `SELECT case_id FROM reports WHERE id = $1`, id).Scan(&caseID)
	if err == sql.ErrNoRows {
		return 0, notFound()
	}
	return caseID.Int64, err
}
