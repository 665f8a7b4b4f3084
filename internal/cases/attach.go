package cases

import (
	"context"
	"database/sql"
	"time"

	"github.com/parleycvd/parley/internal/auth"
)

// Attach files another domain's records in an existing case, in one
// transaction: from (e.g. reports.Service.LinkCase) runs once p may
// manage the case and it is locked, and the participants it returns (the
// reports' reporters) join unless they are in the case already.
func (s *Service) Attach(ctx context.Context, p auth.Principal, caseID int64, from func(ctx context.Context, tx *sql.Tx, c Case) ([]NewParticipant, error)) (Case, error) {
	var out Case
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanManage(p, a); err != nil {
			return err
		}
		if _, err := s.lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, caseID))
		if err != nil {
			return err
		}
		more, err := from(ctx, tx, c)
		if err != nil {
			return err
		}
		var fresh []NewParticipant
		for _, np := range more {
			if ok, err := absent(ctx, tx, caseID, np); err != nil {
				return err
			} else if ok {
				fresh = append(fresh, np)
			}
		}
		if len(fresh) > 0 {
			parts, err := checkNew(fresh)
			if err != nil {
				return err
			}
			if err := s.addParticipants(ctx, tx, now, p.Actor(), caseID, parts, false); err != nil {
				return err
			}
		}
		out = c
		return nil
	})
	return out, err
}

// absent reports whether np's organisation or person is not in the case.
func absent(ctx context.Context, tx *sql.Tx, caseID int64, np NewParticipant) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_participants WHERE case_id = $1 AND (org_id = $2 OR user_id = $3)`,
		caseID, np.OrgID, np.UserID).Scan(&n)
	return n == 0, err
}
