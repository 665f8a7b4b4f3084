package auth

import (
	"context"
	"database/sql"
	"time"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// Config holds the account policy.
type Config struct {
	Issuer              string        // shown in authenticator apps
	RequireTOTPForStaff bool          // staff must enrol a second factor
	SessionIdle         time.Duration // a session unused this long ends
	SessionMax          time.Duration // no session lives longer
	MaxFailedLogins     int           // consecutive failures before a lockout
	Lockout             time.Duration // how long a lockout lasts
	LinkTTL             time.Duration // invitations and password resets
}

// DefaultConfig is the policy of a fresh instance.
func DefaultConfig() Config {
	return Config{
		Issuer:              "Parley",
		RequireTOTPForStaff: true,
		SessionIdle:         2 * time.Hour,
		SessionMax:          12 * time.Hour,
		MaxFailedLogins:     5,
		Lockout:             15 * time.Minute,
		LinkTTL:             72 * time.Hour,
	}
}

// Job kinds this package enqueues for the notifier.
const (
	JobLockoutNotice = "notify.lockout"
	JobAccountLink   = "notify.account_link"
)

// LockoutNotice is the payload of JobLockoutNotice.
type LockoutNotice struct {
	UserID int64
	Until  time.Time
}

// AccountLink is the payload of JobAccountLink: an invitation or reset link
// to mail. The secret lives in the queue until the job is purged.
type AccountLink struct {
	UserID int64
	Kind   string // invite or reset
	Secret string
}

// Service manages accounts, sessions and tokens.
type Service struct {
	db  *store.DB
	now func() time.Time
	cfg Config
}

// NewService makes a Service; now is the clock.
func NewService(db *store.DB, now func() time.Time, cfg Config) *Service {
	return &Service{db: db, now: now, cfg: cfg}
}

// Config returns the service's policy.
func (s *Service) Config() Config { return s.cfg }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// record journals one change in tx.
func record(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, action, objType, objID string, data any) error {
	_, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: actor, Action: action, ObjectType: objType, ObjectID: objID, Data: data})
	return err
}

func enqueue(ctx context.Context, tx *sql.Tx, now time.Time, kind string, payload any) error {
	_, err := jobs.Enqueue(ctx, tx, now, kind, payload, jobs.Options{})
	return err
}

// Purge deletes expired sessions and spent or expired one-time links.
func (s *Service) Purge(ctx context.Context) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at < $1 OR last_seen_at < $2`, now, now.Add(-s.cfg.SessionIdle)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM user_links WHERE expires_at < $1 OR used_at IS NOT NULL`, now)
		return err
	})
}
