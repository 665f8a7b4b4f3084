package org

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Member is a user's membership of an organisation.
type Member struct {
	UserID   int64
	Email    string
	Name     string
	Role     auth.OrgRole
	Invited  bool // the account has no password yet
	JoinedAt time.Time
}

func checkRole(r auth.OrgRole) error {
	if r != auth.OrgMember && r != auth.OrgAdmin {
		return errs.Field("role", "must be member or admin")
	}
	return nil
}

// Members lists an organisation's members by name.
func (s *Service) Members(ctx context.Context, p auth.Principal, orgID int64) ([]Member, error) {
	if err := CanViewMembers(p, orgID); err != nil {
		return nil, err
	}
	if _, err := get(ctx, s.db.Read(), orgID); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT u.id, u.email, u.name, m.role, u.password_hash = '', m.created_at
		FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.name, u.id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Member
	for rows.Next() {
		var m Member
		var role string
		if err := rows.Scan(&m.UserID, &m.Email, &m.Name, &role, &m.Invited, &m.JoinedAt); err != nil {
			return nil, err
		}
		m.Role = auth.OrgRole(role)
		out = append(out, m)
	}
	return out, rows.Err()
}

// AddMember adds the user with email to an organisation, inviting a new
// account by e-mail when there is none. Adding an existing member changes
// nothing and is a conflict.
func (s *Service) AddMember(ctx context.Context, p auth.Principal, orgID int64, email, name string, role auth.OrgRole) (Member, error) {
	if err := CanManage(p, orgID); err != nil {
		return Member{}, err
	}
	if err := checkRole(role); err != nil {
		return Member{}, err
	}
	now := s.clock()
	var m Member
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := get(ctx, tx, orgID); err != nil {
			return err
		}
		u, created, err := s.users.EnsureUser(ctx, tx, p, email, name)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (org_id, user_id) DO NOTHING`, orgID, u.ID, string(role), now)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return &errs.Error{Kind: errs.Conflict, Field: "email", Message: "this person is a member already"}
		}
		m = Member{UserID: u.ID, Email: u.Email, Name: u.Name, Role: role, Invited: created, JoinedAt: now}
		return record(ctx, tx, now, p, "org.member_added", orgID, map[string]any{"user_id": u.ID, "email": u.Email, "role": role, "invited": created})
	})
	return m, err
}

// SetRole changes a member's role.
func (s *Service) SetRole(ctx context.Context, p auth.Principal, orgID, userID int64, role auth.OrgRole) error {
	if err := CanManage(p, orgID); err != nil {
		return err
	}
	if err := checkRole(role); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := memberRole(ctx, tx, orgID, userID)
		if err != nil {
			return err
		}
		if old == auth.OrgAdmin && role != auth.OrgAdmin {
			if err := s.keepAnAdmin(ctx, tx, p, orgID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE memberships SET role = $1 WHERE org_id = $2 AND user_id = $3`, string(role), orgID, userID); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "org.member_role_changed", orgID, map[string]any{"user_id": userID, "from": old, "to": role})
	})
}

// RemoveMember ends a membership.
func (s *Service) RemoveMember(ctx context.Context, p auth.Principal, orgID, userID int64) error {
	if err := CanManage(p, orgID); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := memberRole(ctx, tx, orgID, userID)
		if err != nil {
			return err
		}
		if old == auth.OrgAdmin {
			if err := s.keepAnAdmin(ctx, tx, p, orgID); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE org_id = $1 AND user_id = $2`, orgID, userID); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "org.member_removed", orgID, map[string]any{"user_id": userID})
	})
}

// keepAnAdmin refuses to take away an organisation's last admin, except for
// instance administrators.
func (s *Service) keepAnAdmin(ctx context.Context, tx *sql.Tx, p auth.Principal, orgID int64) error {
	if p.Admin {
		return nil
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'admin'`, orgID).Scan(&n); err != nil {
		return err
	}
	if n <= 1 {
		return errs.Field("role", "an organisation needs at least one admin: make someone else admin first")
	}
	return nil
}

func memberRole(ctx context.Context, q store.Querier, orgID, userID int64) (auth.OrgRole, error) {
	var role string
	err := q.QueryRowContext(ctx, `SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2`, orgID, userID).Scan(&role)
	if errors.Is(err, sql.ErrNoRows) {
		return "", errs.E(errs.NotFound, "no such member")
	}
	return auth.OrgRole(role), err
}

// RolesOf returns a user's roles by organisation, for building a Principal.
func (s *Service) RolesOf(ctx context.Context, userID int64) (map[int64]auth.OrgRole, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT org_id, role FROM memberships WHERE user_id = $1`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]auth.OrgRole{}
	for rows.Next() {
		var id int64
		var role string
		if err := rows.Scan(&id, &role); err != nil {
			return nil, err
		}
		m[id] = auth.OrgRole(role)
	}
	return m, rows.Err()
}

// Mine lists the organisations p belongs to.
func (s *Service) Mine(ctx context.Context, p auth.Principal) ([]Org, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+prefixed("o.")+` FROM organisations o JOIN memberships m ON m.org_id = o.id
		WHERE m.user_id = $1 ORDER BY o.name`, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Org
	for rows.Next() {
		o, err := scanOrg(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

func prefixed(p string) string {
	return p + "id, " + p + "name, " + p + "kind, " + p + "description, " + p + "website, " + p + "security_email, " +
		p + "version, " + p + "created_at, " + p + "updated_at"
}
