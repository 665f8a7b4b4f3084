package org

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// Service manages organisations and memberships.
type Service struct {
	db    *store.DB
	now   func() time.Time
	users *auth.Service
}

// NewService makes a Service; users creates accounts for new members.
func NewService(db *store.DB, now func() time.Time, users *auth.Service) *Service {
	return &Service{db: db, now: now, users: users}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

func record(ctx context.Context, tx *sql.Tx, at time.Time, p auth.Principal, action string, orgID int64, data any) error {
	_, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: p.Actor(), Action: action, ObjectType: "org",
		ObjectID: strconv.FormatInt(orgID, 10), Data: data})
	return err
}

// Create adds an organisation.
func (s *Service) Create(ctx context.Context, p auth.Principal, f Fields) (Org, error) {
	if err := CanCreate(p); err != nil {
		return Org{}, err
	}
	f, err := f.check()
	if err != nil {
		return Org{}, err
	}
	now := s.clock()
	o := Org{Name: f.Name, Kind: f.Kind, Description: f.Description, Website: f.Website, SecurityEmail: f.SecurityEmail,
		Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO organisations (name, name_key, kind, description, website, security_email, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $7) ON CONFLICT (name_key) DO NOTHING RETURNING id`,
			o.Name, nameKey(o.Name), string(o.Kind), o.Description, o.Website, o.SecurityEmail, now).Scan(&o.ID)
		if errors.Is(err, sql.ErrNoRows) {
			return &errs.Error{Kind: errs.Conflict, Field: "name", Message: "an organisation with this name exists already"}
		}
		if err != nil {
			return err
		}
		return record(ctx, tx, now, p, "org.created", o.ID, f)
	})
	return o, err
}

// Get returns one organisation.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (Org, error) {
	if err := CanView(p); err != nil {
		return Org{}, err
	}
	return get(ctx, s.db.Read(), id)
}

// List returns a page of the directory.
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) ([]Org, error) {
	if err := CanView(p); err != nil {
		return nil, err
	}
	if f.Kind != "" && !validKind(f.Kind) {
		return nil, errs.Field("kind", "must be one of coordinator, vendor, research, deployer, isac, other")
	}
	return list(ctx, s.db.Read(), f)
}

// Update replaces an organisation's details if version is still current.
func (s *Service) Update(ctx context.Context, p auth.Principal, id int64, f Fields, version int) (Org, error) {
	if err := CanManage(p, id); err != nil {
		return Org{}, err
	}
	if version <= 0 {
		return Org{}, errs.Field("version", "is required: send the version you read")
	}
	f, err := f.check()
	if err != nil {
		return Org{}, err
	}
	now := s.clock()
	var o Org
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := get(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version {
			return errs.E(errs.Conflict, "the organisation was changed by someone else (version %d, you sent %d): reload and try again", cur.Version, version)
		}
		if cur.Kind != f.Kind && !p.Admin && !p.Staff {
			return errs.Field("kind", "only coordinator staff change an organisation's kind")
		}
		res, err := tx.ExecContext(ctx, `UPDATE organisations SET name = $1, name_key = $2, kind = $3, description = $4, website = $5,
			security_email = $6, version = version + 1, updated_at = $7 WHERE id = $8 AND version = $9
			AND NOT EXISTS (SELECT 1 FROM organisations o2 WHERE o2.name_key = $2 AND o2.id <> $8)`,
			f.Name, nameKey(f.Name), string(f.Kind), f.Description, f.Website, f.SecurityEmail, now, id, version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Error{Kind: errs.Conflict, Field: "name", Message: "an organisation with this name exists already"}
		}
		if o, err = get(ctx, tx, id); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "org.updated", id, map[string]any{"before": fieldsOf(cur), "after": f})
	})
	return o, err
}

func fieldsOf(o Org) Fields {
	return Fields{Name: o.Name, Kind: o.Kind, Description: o.Description, Website: o.Website, SecurityEmail: o.SecurityEmail}
}
