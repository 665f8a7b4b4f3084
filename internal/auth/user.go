package auth

import (
	"context"
	"database/sql"
	"errors"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// User is an account.
type User struct {
	ID          int64
	Email       string
	Name        string
	Admin       bool
	Staff       bool
	Disabled    bool
	TOTPEnabled bool
	LockedUntil time.Time // zero when not locked
	Version     int
	CreatedAt   time.Time
	UpdatedAt   time.Time

	passwordHash string
	totpSecret   string
	totpLastStep int64
	failedLogins int
}

// NormalizeEmail checks an e-mail address and returns its canonical form
// (trimmed, lower-case); the field name goes into the error.
func NormalizeEmail(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errs.Field(field, "is required")
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@')+1:], ".") || len(s) > 254 {
		return "", errs.Field(field, "is not a valid e-mail address (like name@example.org)")
	}
	return strings.ToLower(s), nil
}

// CheckName checks a person's display name.
func CheckName(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", errs.Field(field, "is required")
	case n > 200:
		return "", errs.Field(field, "must be at most 200 characters long")
	case strings.ContainsAny(s, "\r\n\x00"):
		return "", errs.Field(field, "must be one line")
	}
	return s, nil
}

const userColumns = `id, email, name, password_hash, is_admin, is_staff, disabled, totp_secret, totp_enabled,
	totp_last_step, failed_logins, locked_until, version, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }, extra ...any) (User, error) {
	var u User
	var locked sql.NullTime
	err := row.Scan(append(extra, &u.ID, &u.Email, &u.Name, &u.passwordHash, &u.Admin, &u.Staff, &u.Disabled, &u.totpSecret,
		&u.TOTPEnabled, &u.totpLastStep, &u.failedLogins, &locked, &u.Version, &u.CreatedAt, &u.UpdatedAt)...)
	if errors.Is(err, sql.ErrNoRows) {
		return u, errs.E(errs.NotFound, "no such user")
	}
	u.LockedUntil = locked.Time
	return u, err
}

func userByID(ctx context.Context, q store.Querier, id int64) (User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

func userByEmail(ctx context.Context, q store.Querier, email string) (User, error) {
	return scanUser(q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE email = $1`, strings.ToLower(strings.TrimSpace(email))))
}

func insertUser(ctx context.Context, tx *sql.Tx, u User, now time.Time) (User, error) {
	u.CreatedAt, u.UpdatedAt, u.Version = now, now, 1
	err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, is_admin, is_staff, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (email) DO NOTHING RETURNING id`,
		u.Email, u.Name, u.passwordHash, u.Admin, u.Staff, now).Scan(&u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return u, &errs.Error{Kind: errs.Conflict, Field: "email", Message: "an account with this e-mail address exists already"}
	}
	return u, err
}

// countUsers tells whether the instance has been set up.
func countUsers(ctx context.Context, q store.Querier) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n)
	return n, err
}

func listUsers(ctx context.Context, q store.Querier, p store.Page) ([]User, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE id > $1 ORDER BY id LIMIT $2`, p.After, p.Size())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, u)
	}
	return list, rows.Err()
}
