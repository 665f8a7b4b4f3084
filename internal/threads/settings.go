package threads

import (
	"context"
	"database/sql"
	"errors"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// settingsOf reads case caseID's settings; without a row every setting is
// off.
func settingsOf(ctx context.Context, q store.Querier, caseID int64) (Settings, error) {
	set := Settings{CaseID: caseID}
	err := q.QueryRowContext(ctx, `SELECT vendors_invite_vendors, updated_at FROM thread_settings WHERE case_id = $1`, caseID).
		Scan(&set.VendorsInviteVendors, &set.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return set, nil
	}
	set.UpdatedAt = set.UpdatedAt.UTC()
	return set, err
}

// Settings returns case caseID's settings for threads to anyone who sees
// the case.
func (s *Service) Settings(ctx context.Context, p auth.Principal, caseID int64) (Settings, error) {
	if _, err := s.cases.Access(ctx, p, caseID); err != nil {
		return Settings{}, err
	}
	return settingsOf(ctx, s.db.Read(), caseID)
}

// SetSettings changes case caseID's settings for threads (those who
// manage the case). Threads already started keep their audience.
func (s *Service) SetSettings(ctx context.Context, p auth.Principal, caseID int64, in Settings) (Settings, error) {
	now := s.clock()
	out := Settings{CaseID: caseID, VendorsInviteVendors: in.VendorsInviteVendors, UpdatedAt: now}
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if err := CanSetSettings(p, w.Access); err != nil {
			return err
		}
		if err := needOpen(w); err != nil {
			return err
		}
		before, err := settingsOf(ctx, tx, caseID)
		if err != nil || before.VendorsInviteVendors == in.VendorsInviteVendors {
			out = before
			return err // nothing changes
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO thread_settings (case_id, vendors_invite_vendors, updated_by, updated_at)
			VALUES ($1, $2, $3, $4) ON CONFLICT (case_id) DO UPDATE SET vendors_invite_vendors = $2, updated_by = $3, updated_at = $4`,
			caseID, in.VendorsInviteVendors, nullID(p.UserID), now); err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{At: now, Actor: p.Actor(), Action: "thread.settings", ObjectType: "thread_settings",
			ObjectID: strconv.FormatInt(caseID, 10), Data: map[string]any{"vendors_invite_vendors": in.VendorsInviteVendors}})
		return err
	})
	return out, err
}
