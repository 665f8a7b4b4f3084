package auth

import (
	"context"
	"database/sql"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// NewUser is a request for an account. Without a password the user gets an
// invitation link by e-mail to choose one.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Admin    bool
	Staff    bool
}

func (s *Service) prepareUser(nu NewUser) (User, error) {
	var u User
	var err error
	if u.Email, err = NormalizeEmail("email", nu.Email); err != nil {
		return u, err
	}
	if u.Name, err = CheckName("name", nu.Name); err != nil {
		return u, err
	}
	if nu.Password != "" {
		if err := CheckPassword(nu.Password); err != nil {
			return u, err
		}
		if u.passwordHash, err = HashPassword(nu.Password); err != nil {
			return u, err
		}
	}
	u.Admin, u.Staff = nu.Admin, nu.Staff
	return u, nil
}

// CreateUser makes an account (administrators only). Without a password it
// mails an invitation link.
func (s *Service) CreateUser(ctx context.Context, p Principal, nu NewUser) (User, error) {
	if err := CanManageUsers(p); err != nil {
		return User{}, err
	}
	u, err := s.prepareUser(nu)
	if err != nil {
		return User{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		if u, err = s.insertAndRecord(ctx, tx, p, u); err != nil {
			return err
		}
		if nu.Password == "" {
			return s.mailLink(ctx, tx, u.ID, "invite")
		}
		return nil
	})
	return u, err
}

// EnsureUser returns the account with email, creating it with an
// invitation when there is none: how organisation admins add new members.
func (s *Service) EnsureUser(ctx context.Context, tx *sql.Tx, p Principal, email, name string) (User, bool, error) {
	norm, err := NormalizeEmail("email", email)
	if err != nil {
		return User{}, false, err
	}
	u, err := userByEmail(ctx, tx, norm)
	if err == nil || !errs.Is(err, errs.NotFound) {
		return u, false, err
	}
	if strings.TrimSpace(name) == "" {
		name = norm[:strings.IndexByte(norm, '@')]
	}
	u, err = s.prepareUser(NewUser{Email: norm, Name: name})
	if err != nil {
		return User{}, false, err
	}
	if u, err = s.insertAndRecord(ctx, tx, p, u); err != nil {
		return User{}, false, err
	}
	return u, true, s.mailLink(ctx, tx, u.ID, "invite")
}

func (s *Service) insertAndRecord(ctx context.Context, tx *sql.Tx, p Principal, u User) (User, error) {
	now := s.clock()
	u, err := insertUser(ctx, tx, u, now)
	if err != nil {
		return u, err
	}
	return u, record(ctx, tx, now, p.Actor(), "user.created", "user", id(u.ID),
		map[string]any{"email": u.Email, "name": u.Name, "admin": u.Admin, "staff": u.Staff})
}

// User returns an account p may see.
func (s *Service) User(ctx context.Context, p Principal, userID int64) (User, error) {
	if err := CanViewUser(p, userID); err != nil {
		return User{}, err
	}
	return userByID(ctx, s.db.Read(), userID)
}

// UserByEmail finds an account by address, for administrators and staff.
func (s *Service) UserByEmail(ctx context.Context, p Principal, email string) (User, error) {
	if !p.Admin && !p.Staff {
		return User{}, errs.E(errs.Forbidden, "only administrators and staff look up accounts")
	}
	return userByEmail(ctx, s.db.Read(), email)
}

// Users lists accounts (administrators and staff).
func (s *Service) Users(ctx context.Context, p Principal, page store.Page) ([]User, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	if !p.Admin && !p.Staff {
		return nil, errs.E(errs.Forbidden, "only administrators and staff list accounts")
	}
	return listUsers(ctx, s.db.Read(), page)
}

// UserPatch changes an account; nil fields stay as they are.
type UserPatch struct {
	Name     *string
	Admin    *bool
	Staff    *bool
	Disabled *bool
	Version  int // the version the change is based on
}

// UpdateUser changes an account (administrators), refusing a stale version.
func (s *Service) UpdateUser(ctx context.Context, p Principal, userID int64, up UserPatch) (User, error) {
	if err := CanManageUsers(p); err != nil {
		return User{}, err
	}
	if up.Version <= 0 {
		return User{}, errs.Field("version", "is required: send the version you read")
	}
	now := s.clock()
	var out User
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		u, err := userByID(ctx, tx, userID)
		if err != nil {
			return err
		}
		if u.Version != up.Version {
			return errs.E(errs.Conflict, "the account was changed by someone else (version %d, you sent %d): reload and try again", u.Version, up.Version)
		}
		changes := map[string]any{}
		if up.Name != nil {
			if u.Name, err = CheckName("name", *up.Name); err != nil {
				return err
			}
			changes["name"] = u.Name
		}
		if up.Admin != nil {
			if userID == p.UserID && !*up.Admin {
				return errs.Field("admin", "you cannot remove your own administrator role")
			}
			u.Admin, changes["admin"] = *up.Admin, *up.Admin
		}
		if up.Staff != nil {
			u.Staff, changes["staff"] = *up.Staff, *up.Staff
		}
		if up.Disabled != nil {
			if userID == p.UserID && *up.Disabled {
				return errs.Field("disabled", "you cannot disable your own account")
			}
			u.Disabled, changes["disabled"] = *up.Disabled, *up.Disabled
		}
		u.Version++
		u.UpdatedAt = now
		_, err = tx.ExecContext(ctx, `UPDATE users SET name = $1, is_admin = $2, is_staff = $3, disabled = $4, version = $5, updated_at = $6
			WHERE id = $7`, u.Name, u.Admin, u.Staff, u.Disabled, u.Version, now, u.ID)
		if err != nil {
			return err
		}
		if u.Disabled {
			if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1`, u.ID); err != nil {
				return err
			}
		}
		out = u
		return record(ctx, tx, now, p.Actor(), "user.updated", "user", id(u.ID), changes)
	})
	return out, err
}

// ChangePassword replaces p's password after checking the current one, and
// ends p's other sessions.
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next string) error {
	if err := CanManageOwnAccount(p); err != nil {
		return err
	}
	u, err := userByID(ctx, s.db.Read(), p.UserID)
	if err != nil {
		return err
	}
	if ok, _ := VerifyPassword(u.passwordHash, current); !ok {
		return errs.Field("current_password", "is not your current password")
	}
	if err := CheckPassword(next); err != nil {
		return err
	}
	hash, err := HashPassword(next)
	if err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, now, p.UserID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = $1 AND id_hash <> $2`, p.UserID, p.SessionID); err != nil {
			return err
		}
		return record(ctx, tx, now, p.Actor(), "auth.password_changed", "user", id(p.UserID), nil)
	})
}

// TOTPSetup is what a user needs to add Parley to an authenticator app.
type TOTPSetup struct {
	Secret string
	URL    string // otpauth:// for a QR code
}

// BeginTOTP stores a new, not yet enabled secret for p.
func (s *Service) BeginTOTP(ctx context.Context, p Principal) (TOTPSetup, error) {
	if err := CanManageOwnAccount(p); err != nil {
		return TOTPSetup{}, err
	}
	key, err := newTOTPKey(s.cfg.Issuer, p.Email)
	if err != nil {
		return TOTPSetup{}, err
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET totp_secret = $1 WHERE id = $2 AND NOT totp_enabled`, key.Secret(), p.UserID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "two-factor authentication is on already")
		}
		return nil
	})
	return TOTPSetup{Secret: key.Secret(), URL: key.URL()}, err
}

// ConfirmTOTP turns the second factor on once p proves the app has it.
func (s *Service) ConfirmTOTP(ctx context.Context, p Principal, code string, c Client) error {
	if err := CanManageOwnAccount(p); err != nil {
		return err
	}
	u, err := userByID(ctx, s.db.Read(), p.UserID)
	if err != nil {
		return err
	}
	if u.TOTPEnabled {
		return errs.E(errs.Conflict, "two-factor authentication is on already")
	}
	if u.totpSecret == "" {
		return errs.E(errs.Conflict, "start the set-up first")
	}
	if err := s.useTOTP(ctx, u, strings.TrimSpace(code), c); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE users SET totp_enabled = TRUE, updated_at = $1 WHERE id = $2`, now, p.UserID); err != nil {
			return err
		}
		return record(ctx, tx, now, p.Actor(), "auth.totp_enabled", "user", id(p.UserID), nil)
	})
}

// Lookup returns an account without a permission check, for system work
// such as mailing a notice; never call it on behalf of a request.
func (s *Service) Lookup(ctx context.Context, userID int64) (User, error) {
	return userByID(ctx, s.db.Read(), userID)
}
