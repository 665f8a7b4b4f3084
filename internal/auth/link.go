package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// One-time links: "setup" creates the first administrator of a fresh
// instance; "invite" and "reset" let a user choose a password.

func (s *Service) newLink(ctx context.Context, tx *sql.Tx, kind string, userID int64, ttl time.Duration) (string, error) {
	now := s.clock()
	secret := newSecret()
	var uid sql.NullInt64
	if userID != 0 {
		uid = sql.NullInt64{Int64: userID, Valid: true}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO user_links (hash, kind, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)`,
		hashSecret(secret), kind, uid, now, now.Add(ttl))
	return secret, err
}

func (s *Service) mailLink(ctx context.Context, tx *sql.Tx, userID int64, kind string) error {
	secret, err := s.newLink(ctx, tx, kind, userID, s.cfg.LinkTTL)
	if err != nil {
		return err
	}
	return enqueue(ctx, tx, s.clock(), JobAccountLink, AccountLink{UserID: userID, Kind: kind, Secret: secret})
}

// SetupLink returns a one-time secret for creating the first administrator,
// or "" when the instance has users already. Each call replaces the last.
func (s *Service) SetupLink(ctx context.Context) (string, error) {
	var secret string
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if n, err := countUsers(ctx, tx); err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM user_links WHERE kind = 'setup'`); err != nil {
			return err
		}
		var err error
		secret, err = s.newLink(ctx, tx, "setup", 0, 24*time.Hour)
		return err
	})
	return secret, err
}

// NeedsSetup reports whether the instance has no user yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	n, err := countUsers(ctx, s.db.Read())
	return n == 0, err
}

// LinkKind tells what a valid link is for ("setup", "invite", "reset") and
// the e-mail address of its user, without using it up.
func (s *Service) LinkKind(ctx context.Context, secret string) (kind, email string, err error) {
	var uid sql.NullInt64
	var exp time.Time
	var used sql.NullTime
	err = s.db.Read().QueryRowContext(ctx, `SELECT kind, user_id, expires_at, used_at FROM user_links WHERE hash = $1`, hashSecret(secret)).
		Scan(&kind, &uid, &exp, &used)
	if errors.Is(err, sql.ErrNoRows) || used.Valid || (err == nil && s.clock().After(exp)) {
		return "", "", errs.E(errs.NotFound, "this link is not valid (it may have been used or have expired)")
	}
	if err != nil || !uid.Valid {
		return kind, "", err
	}
	u, err := userByID(ctx, s.db.Read(), uid.Int64)
	return kind, u.Email, err
}

// CompleteSetup uses a setup link to create the first administrator.
func (s *Service) CompleteSetup(ctx context.Context, secret string, nu NewUser) (User, error) {
	nu.Admin, nu.Staff = true, true
	if nu.Password == "" {
		return User{}, errs.Field("password", "is required")
	}
	u, err := s.prepareUser(nu)
	if err != nil {
		return User{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := s.consumeLink(ctx, tx, secret, "setup"); err != nil {
			return err
		}
		if n, err := countUsers(ctx, tx); err != nil || n > 0 {
			return errors.Join(err, errs.E(errs.Conflict, "this instance has been set up already"))
		}
		u, err = s.insertAndRecord(ctx, tx, Principal{}, u)
		return err
	})
	return u, err
}

// CreateAdmin makes an administrator from the command line (`parley admin
// create-user`), where whoever runs it owns the server already.
func (s *Service) CreateAdmin(ctx context.Context, nu NewUser) (User, error) {
	u, err := s.prepareUser(nu)
	if err != nil {
		return User{}, err
	}
	if nu.Password == "" {
		return User{}, errs.Field("password", "is required")
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err = s.insertAndRecord(ctx, tx, Principal{Email: "command line"}, u)
		return err
	})
	return u, err
}

// SetPassword uses an invitation or reset link to set the user's password.
// It ends every session of the user.
func (s *Service) SetPassword(ctx context.Context, secret, password string) (User, error) {
	if err := CheckPassword(password); err != nil {
		return User{}, err
	}
	hash, err := HashPassword(password)
	if err != nil {
		return User{}, err
	}
	var u User
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		uid, err := s.consumeLink(ctx, tx, secret, "invite", "reset")
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, failed_logins = 0, locked_until = NULL, updated_at = $2 WHERE id = $3`, hash, now, uid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, uid); err != nil {
			return err
		}
		if u, err = userByID(ctx, tx, uid); err != nil {
			return err
		}
		return record(ctx, tx, now, journal.Actor{ID: u.ID, Name: u.Email}, "auth.password_set", "user", id(uid), nil)
	})
	return u, err
}

// RequestReset mails a password reset link when email has an account. It
// says nothing either way, so it cannot be used to probe for accounts.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	u, err := userByEmail(ctx, s.db.Read(), email)
	if err != nil || u.Disabled {
		return nil
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := record(ctx, tx, now, journal.Actor{Name: "anonymous"}, "auth.reset_requested", "user", id(u.ID), nil); err != nil {
			return err
		}
		return s.mailLink(ctx, tx, u.ID, "reset")
	})
}

// consumeLink marks a link used, checking its kind and age, and returns its user.
func (s *Service) consumeLink(ctx context.Context, tx *sql.Tx, secret string, kinds ...string) (int64, error) {
	now := s.clock()
	var kind string
	var uid sql.NullInt64
	err := tx.QueryRowContext(ctx, `UPDATE user_links SET used_at = $1 WHERE hash = $2 AND used_at IS NULL AND expires_at > $1
		RETURNING kind, user_id`, now, hashSecret(secret)).Scan(&kind, &uid)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.E(errs.NotFound, "this link is not valid (it may have been used or have expired)")
	}
	if err != nil {
		return 0, err
	}
	for _, k := range kinds {
		if k == kind {
			return uid.Int64, nil
		}
	}
	return 0, errs.E(errs.NotFound, "this link is not valid here")
}
