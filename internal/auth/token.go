package auth

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

// Token is an API token as its owner sees it (never its secret).
type Token struct {
	ID        int64
	Name      string
	Prefix    string // the first characters of the secret, to recognise it
	Scope     Scope
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt time.Time // zero while valid
	LastUsed  time.Time
}

// NewToken is a request for a token.
type NewToken struct {
	Name      string
	Scope     Scope
	ExpiresIn time.Duration // zero: 90 days
}

// MaxTokenLifetime bounds NewToken.ExpiresIn.
const MaxTokenLifetime = 366 * 24 * time.Hour

// tokenPrefix marks Parley tokens so secret scanners can find leaked ones.
const tokenPrefix = "parley_"

// CreateToken makes an API token for p and returns it with its secret,
// which is shown once and stored only as a hash.
func (s *Service) CreateToken(ctx context.Context, p Principal, nt NewToken) (Token, string, error) {
	if err := CanManageOwnAccount(p); err != nil {
		return Token{}, "", err
	}
	if p.TokenID != 0 {
		return Token{}, "", errs.E(errs.Forbidden, "tokens can only be made from a signed-in session")
	}
	name, err := CheckName("name", nt.Name)
	if err != nil {
		return Token{}, "", err
	}
	if nt.Scope != ScopeRead && nt.Scope != ScopeWrite {
		return Token{}, "", errs.Field("scope", "must be read or write")
	}
	if nt.ExpiresIn == 0 {
		nt.ExpiresIn = 90 * 24 * time.Hour
	}
	if nt.ExpiresIn < time.Hour || nt.ExpiresIn > MaxTokenLifetime {
		return Token{}, "", errs.Field("expires_in_days", "must be between 1 and 366 days")
	}
	now := s.clock()
	secret := tokenPrefix + newSecret()
	t := Token{Name: name, Prefix: secret[:len(tokenPrefix)+6], Scope: nt.Scope, CreatedAt: now, ExpiresAt: now.Add(nt.ExpiresIn)}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, prefix, hash, scope, created_at, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			p.UserID, t.Name, t.Prefix, hashSecret(secret), string(t.Scope), now, t.ExpiresAt).Scan(&t.ID)
		if err != nil {
			return err
		}
		return record(ctx, tx, now, p.Actor(), "auth.token_created", "token", id(t.ID),
			map[string]any{"name": t.Name, "scope": t.Scope, "expires_at": t.ExpiresAt})
	})
	return t, secret, err
}

// Tokens lists p's tokens, newest first, revoked ones included.
func (s *Service) Tokens(ctx context.Context, p Principal) ([]Token, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, name, prefix, scope, created_at, expires_at, revoked_at, last_used_at
		FROM api_tokens WHERE user_id = $1 ORDER BY id DESC`, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Token
	for rows.Next() {
		var t Token
		var scope string
		var exp, rev, used sql.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.Prefix, &scope, &t.CreatedAt, &exp, &rev, &used); err != nil {
			return nil, err
		}
		t.Scope, t.ExpiresAt, t.RevokedAt, t.LastUsed = Scope(scope), exp.Time, rev.Time, used.Time
		list = append(list, t)
	}
	return list, rows.Err()
}

// RevokeToken ends one of p's tokens.
func (s *Service) RevokeToken(ctx context.Context, p Principal, tokenID int64) error {
	if err := CanManageOwnAccount(p); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL`, now, tokenID, p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "no such token, or it was revoked already")
		}
		return record(ctx, tx, now, p.Actor(), "auth.token_revoked", "token", id(tokenID), nil)
	})
}

// TokenPrincipal returns the principal of an API token secret.
func (s *Service) TokenPrincipal(ctx context.Context, secret string) (Principal, error) {
	if !strings.HasPrefix(secret, tokenPrefix) {
		return Principal{}, errs.E(errs.Unauthenticated, "this is not a Parley API token")
	}
	var tokenID int64
	var scope string
	var exp, rev, used sql.NullTime
	var u User
	// One query for token and account, and only what a principal needs:
	// this runs on every API request.
	err := s.db.Read().QueryRowContext(ctx, `SELECT t.id, t.scope, t.expires_at, t.revoked_at, t.last_used_at,
		u.id, u.email, u.name, u.is_admin, u.is_staff, u.disabled, u.totp_enabled
		FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = $1`, hashSecret(secret)).Scan(
		&tokenID, &scope, &exp, &rev, &used, &u.ID, &u.Email, &u.Name, &u.Admin, &u.Staff, &u.Disabled, &u.TOTPEnabled)
	if errors.Is(err, sql.ErrNoRows) {
		return Principal{}, errs.E(errs.Unauthenticated, "unknown API token")
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.clock()
	switch {
	case rev.Valid:
		return Principal{}, errs.E(errs.Unauthenticated, "this API token was revoked")
	case exp.Valid && now.After(exp.Time):
		return Principal{}, errs.E(errs.Unauthenticated, "this API token expired on %s", exp.Time.Format("2006-01-02"))
	case u.Disabled:
		return Principal{}, errs.E(errs.Unauthenticated, "this account is disabled")
	}
	if !used.Valid || now.Sub(used.Time) > time.Minute { // at most one write a minute per token
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, now, tokenID)
			return err
		})
		if err != nil {
			return Principal{}, err
		}
	}
	p := principalOf(u, s.cfg)
	p.Scope, p.TokenID = Scope(scope), tokenID
	return p, nil
}

// LoginForToken signs in with password and (when enrolled) a TOTP code and
// returns a new token: how the CLI's `parley login` gets its credential.
func (s *Service) LoginForToken(ctx context.Context, email, password, code string, nt NewToken, c Client) (Token, string, error) {
	u, err := s.checkPassword(ctx, email, password, c)
	if err != nil {
		return Token{}, "", err
	}
	p := principalOf(u, s.cfg)
	if u.TOTPEnabled {
		if code == "" {
			return Token{}, "", errs.Field("code", "is required: this account uses two-factor authentication")
		}
		if err := s.useTOTP(ctx, u, code, c); err != nil {
			return Token{}, "", err
		}
	} else if p.NeedsTOTP {
		return Token{}, "", errs.E(errs.Forbidden, "set up two-factor authentication in the web interface first")
	}
	return s.CreateToken(ctx, p, nt)
}
