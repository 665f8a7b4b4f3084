package cases

import (
	"context"
	"database/sql"
	"slices"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// AddOrgs adds the organisations orgIDs with roles, skipping those already
// in the case (a saved vendor list added twice, or overlapping a paste):
// one transaction, all or none. It returns the participants added.
func (s *Service) AddOrgs(ctx context.Context, p auth.Principal, caseID int64, orgIDs []int64, roles []Role) ([]Participant, error) {
	if len(orgIDs) > MaxBulk {
		return nil, errs.Field("participants", "add at most %d participants at once", MaxBulk)
	}
	if _, err := newRoles("roles", roles); err != nil { // even when nobody is left to add
		return nil, err
	}
	var parts []Participant
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		a, err := access(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if err := CanManage(p, a); err != nil {
			return err
		}
		if _, err := s.lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		fresh, err := notIn(ctx, tx, caseID, orgIDs)
		if err != nil || len(fresh) == 0 {
			parts = nil
			return err
		}
		list := make([]NewParticipant, len(fresh))
		for i, id := range fresh {
			list[i] = NewParticipant{OrgID: id, Roles: roles}
		}
		if parts, err = checkNew(list); err != nil {
			return err
		}
		return s.addParticipants(ctx, tx, now, p.Actor(), caseID, parts, false)
	})
	return parts, err
}

// notIn returns the organisations of ids (each once, in order) that are
// not participants of the case.
func notIn(ctx context.Context, tx *sql.Tx, caseID int64, ids []int64) ([]int64, error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	in := map[int64]bool{}
	for _, chunk := range chunks(ids, insertBatch) {
		args := []any{caseID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := tx.QueryContext(ctx, `SELECT org_id FROM case_participants WHERE case_id = $1 AND org_id IN (`+placeholders(2, len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			in[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := ids[:0:0]
	for _, id := range ids {
		if !in[id] {
			out = append(out, id)
		}
	}
	return out, nil
}
