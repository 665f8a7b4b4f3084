package auth

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// Client describes where a sign-in comes from, for the session list and journal.
type Client struct {
	IP        string
	UserAgent string
}

// LoginResult is a new session. When NeedTOTP is set the session is only
// good for entering the second factor.
type LoginResult struct {
	Session  string // the session secret for the cookie
	NeedTOTP bool
	User     User
}

var errBadLogin = errs.E(errs.Unauthenticated, "wrong e-mail address or password")

// dummyHash keeps failed logins for unknown addresses as slow as real ones.
const dummyHash = "$argon2id$v=19$m=65536,t=2,p=2$c29tZXNhbHRzb21lc2FsdA$3QR4yCk2lX2zXEOTVh3aeJvEyG8qcqEw4Hb0Vm4y8pI"

// Login checks an e-mail address and password and opens a session.
func (s *Service) Login(ctx context.Context, email, password string, c Client) (LoginResult, error) {
	u, err := s.checkPassword(ctx, email, password, c)
	if err != nil {
		return LoginResult{}, err
	}
	return s.openSession(ctx, u, !u.TOTPEnabled, c, "user.login")
}

// checkPassword verifies the credentials, counting failures and locking the
// account after too many; every outcome is journaled.
func (s *Service) checkPassword(ctx context.Context, email, password string, c Client) (User, error) {
	now := s.clock()
	u, err := userByEmail(ctx, s.db.Read(), email)
	if errs.Is(err, errs.NotFound) {
		_, _ = VerifyPassword(dummyHash, password)
		return User{}, s.failLogin(ctx, User{}, email, c, "unknown address")
	}
	if err != nil {
		return User{}, err
	}
	if u.Disabled {
		return User{}, s.failLogin(ctx, u, email, c, "account disabled")
	}
	if now.Before(u.LockedUntil) {
		_ = s.failLogin(ctx, u, email, c, "account locked")
		return User{}, errs.E(errs.TooMany, "too many failed sign-ins: this account is locked until %s UTC", u.LockedUntil.Format("15:04"))
	}
	ok, err := VerifyPassword(u.passwordHash, password)
	if err != nil && u.passwordHash != "" {
		return User{}, err
	}
	if !ok {
		return User{}, s.failLogin(ctx, u, email, c, "wrong password")
	}
	return u, nil
}

func (s *Service) failLogin(ctx context.Context, u User, email string, c Client, why string) error {
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		data := map[string]any{"email": email, "ip": c.IP, "reason": why}
		if u.ID == 0 {
			return record(ctx, tx, now, journal.Actor{Name: "anonymous"}, "auth.login_failed", "user", "", data)
		}
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins`, u.ID).Scan(&failed); err != nil {
			return err
		}
		if err := record(ctx, tx, now, journal.Actor{Name: "anonymous"}, "auth.login_failed", "user", id(u.ID), data); err != nil {
			return err
		}
		if failed < s.cfg.MaxFailedLogins || why == "account locked" {
			return nil
		}
		until := now.Add(s.cfg.Lockout)
		if _, err := tx.ExecContext(ctx, `UPDATE users SET locked_until = $1, failed_logins = 0 WHERE id = $2`, until, u.ID); err != nil {
			return err
		}
		if err := record(ctx, tx, now, journal.System, "auth.locked", "user", id(u.ID), map[string]any{"until": until}); err != nil {
			return err
		}
		return enqueue(ctx, tx, now, JobLockoutNotice, LockoutNotice{UserID: u.ID, Until: until})
	})
	if err != nil {
		return err
	}
	return errBadLogin
}

func id(n int64) string { return strconv.FormatInt(n, 10) }

// openSession creates a session for u, journaled under action.
func (s *Service) openSession(ctx context.Context, u User, mfaDone bool, c Client, action string) (LoginResult, error) {
	now := s.clock()
	secret := newSecret()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET failed_logins = 0 WHERE id = $1`, u.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, mfa_done, created_at, last_seen_at, expires_at, user_agent, ip)
			VALUES ($1, $2, $3, $4, $4, $5, $6, $7)`,
			hashSecret(secret), u.ID, mfaDone, now, now.Add(s.cfg.SessionMax), truncate(c.UserAgent, 300), truncate(c.IP, 64))
		if err != nil {
			return err
		}
		return record(ctx, tx, now, journal.Actor{ID: u.ID, Name: u.Email}, action, "user", id(u.ID),
			map[string]any{"ip": c.IP, "second_factor_pending": !mfaDone})
	})
	return LoginResult{Session: secret, NeedTOTP: !mfaDone, User: u}, err
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// VerifyTOTP completes a sign-in with the second factor. The half-open
// session is replaced by a new one (rotation), whose secret is returned.
func (s *Service) VerifyTOTP(ctx context.Context, session, code string, c Client) (string, error) {
	sess, u, err := s.lookupSession(ctx, session)
	if err != nil {
		return "", err
	}
	if sess.mfaDone {
		return "", errs.E(errs.Conflict, "this session has completed two-factor authentication already")
	}
	if err := s.useTOTP(ctx, u, code, c); err != nil {
		return "", err
	}
	res, err := s.openSession(ctx, u, true, c, "auth.totp_verified")
	if err != nil {
		return "", err
	}
	return res.Session, s.endSession(ctx, u.ID, sess.idHash, journal.Actor{ID: u.ID, Name: u.Email}, "auth.session_rotated")
}

// useTOTP accepts code once for u, or journals the failure.
func (s *Service) useTOTP(ctx context.Context, u User, code string, c Client) error {
	now := s.clock()
	step, ok := matchTOTP(u.totpSecret, code, now, u.totpLastStep)
	if !ok || u.totpSecret == "" {
		_ = s.failLogin(ctx, u, u.Email, c, "wrong second-factor code")
		return errs.Field("code", "is not the current code from your authenticator app")
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		// The condition makes two concurrent uses of one code fail one of them.
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1`, step, u.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errs.Field("code", "has been used already; wait for the next one")
		}
		return nil
	})
}

type session struct {
	idHash   string
	userID   int64
	mfaDone  bool
	lastSeen time.Time
	expires  time.Time
}

func (s *Service) lookupSession(ctx context.Context, secret string) (session, User, error) {
	var ss session
	if secret == "" {
		return ss, User{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	ss.idHash = hashSecret(secret)
	err := s.db.Read().QueryRowContext(ctx, `SELECT user_id, mfa_done, last_seen_at, expires_at FROM sessions WHERE id_hash = $1`, ss.idHash).
		Scan(&ss.userID, &ss.mfaDone, &ss.lastSeen, &ss.expires)
	if errors.Is(err, sql.ErrNoRows) {
		return ss, User{}, errs.E(errs.Unauthenticated, "your session has ended; sign in again")
	}
	if err != nil {
		return ss, User{}, err
	}
	now := s.clock()
	if now.After(ss.expires) || now.Sub(ss.lastSeen) > s.cfg.SessionIdle {
		_ = s.endSession(ctx, ss.userID, ss.idHash, journal.System, "auth.session_expired")
		return ss, User{}, errs.E(errs.Unauthenticated, "your session has ended; sign in again")
	}
	u, err := userByID(ctx, s.db.Read(), ss.userID)
	if err != nil {
		return ss, User{}, err
	}
	if u.Disabled {
		return ss, User{}, errs.E(errs.Unauthenticated, "this account is disabled")
	}
	return ss, u, nil
}

// Session returns the principal of a session secret. A session waiting for
// its second factor is refused here; see Pending.
func (s *Service) Session(ctx context.Context, secret string) (Principal, error) {
	ss, u, err := s.lookupSession(ctx, secret)
	if err != nil {
		return Principal{}, err
	}
	if !ss.mfaDone {
		return Principal{}, errs.E(errs.Unauthenticated, "enter the code from your authenticator app first")
	}
	now := s.clock()
	if now.Sub(ss.lastSeen) > time.Minute { // one write a minute, not one per request
		err := s.db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2`, now, ss.idHash)
			return err
		})
		if err != nil {
			return Principal{}, err
		}
	}
	p := principalOf(u, s.cfg)
	p.SessionID = ss.idHash
	return p, nil
}

// Pending reports whether secret is a session waiting for its second factor.
func (s *Service) Pending(ctx context.Context, secret string) bool {
	ss, _, err := s.lookupSession(ctx, secret)
	return err == nil && !ss.mfaDone
}

func principalOf(u User, cfg Config) Principal {
	return Principal{
		UserID: u.ID, Email: u.Email, Name: u.Name, Admin: u.Admin, Staff: u.Staff,
		NeedsTOTP: cfg.RequireTOTPForStaff && (u.Staff || u.Admin) && !u.TOTPEnabled,
	}
}

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, secret string) error {
	ss, u, err := s.lookupSession(ctx, secret)
	if err != nil {
		return nil // already gone
	}
	return s.endSession(ctx, ss.userID, ss.idHash, journal.Actor{ID: u.ID, Name: u.Email}, "auth.logout")
}

func (s *Service) endSession(ctx context.Context, userID int64, idHash string, actor journal.Actor, action string) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = $1 AND user_id = $2`, idHash, userID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.NotFound, "no such session")
		}
		return record(ctx, tx, now, actor, action, "user", id(userID), map[string]any{"session": idHash[:12]})
	})
}

// SessionInfo describes a session for its owner's list.
type SessionInfo struct {
	ID        string // the stored hash; safe to show
	Current   bool
	CreatedAt time.Time
	LastSeen  time.Time
	ExpiresAt time.Time
	UserAgent string
	IP        string
}

// Sessions lists p's open sessions, newest first.
func (s *Service) Sessions(ctx context.Context, p Principal) ([]SessionInfo, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id_hash, created_at, last_seen_at, expires_at, user_agent, ip
		FROM sessions WHERE user_id = $1 AND mfa_done ORDER BY created_at DESC`, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []SessionInfo
	for rows.Next() {
		var si SessionInfo
		if err := rows.Scan(&si.ID, &si.CreatedAt, &si.LastSeen, &si.ExpiresAt, &si.UserAgent, &si.IP); err != nil {
			return nil, err
		}
		si.Current = si.ID == p.SessionID
		list = append(list, si)
	}
	return list, rows.Err()
}

// RevokeSession ends one of p's own sessions by its ID.
func (s *Service) RevokeSession(ctx context.Context, p Principal, sessionID string) error {
	if err := CanManageOwnAccount(p); err != nil {
		return err
	}
	if len(sessionID) != 64 {
		return errs.E(errs.NotFound, "no such session")
	}
	return s.endSession(ctx, p.UserID, sessionID, p.Actor(), "auth.session_revoked")
}
