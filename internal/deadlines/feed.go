package deadlines

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// Calendar apps send no cookies or tokens, so a user's feed lives at a
// URL holding a secret (see FeedURL). Only the secret's SHA-256 is kept.

// RotateFeed gives p a new calendar feed secret, ending the one before,
// and returns it: it is shown once and cannot be read back.
func (s *Service) RotateFeed(ctx context.Context, p auth.Principal) (string, error) {
	if err := auth.Writable(p); err != nil {
		return "", err
	}
	secret := newSecret()
	now := s.clock()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO calendar_feeds (user_id, secret_hash, created_at) VALUES ($1, $2, $3)
			ON CONFLICT (user_id) DO UPDATE SET secret_hash = excluded.secret_hash, created_at = excluded.created_at`,
			p.UserID, hashSecret(secret), now)
		if err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{At: now, Actor: p.Actor(), Action: "deadline.feed_rotated",
			ObjectType: "user", ObjectID: itoa(p.UserID)})
		return err
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// FeedSince is when p's current feed secret was made; zero when p has none.
func (s *Service) FeedSince(ctx context.Context, p auth.Principal) (time.Time, error) {
	if p.Anonymous() {
		return time.Time{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	var at time.Time
	err := s.db.Read().QueryRowContext(ctx, `SELECT created_at FROM calendar_feeds WHERE user_id = $1`, p.UserID).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	return at.UTC(), err
}

// FeedOwner returns the user whose feed secret this is. An unknown or
// rotated secret is not found, like a page that does not exist.
func (s *Service) FeedOwner(ctx context.Context, secret string) (int64, error) {
	var userID int64
	if len(secret) < 32 || len(secret) > 128 {
		return 0, errs.E(errs.NotFound, "no such calendar")
	}
	err := s.db.Read().QueryRowContext(ctx, `SELECT user_id FROM calendar_feeds WHERE secret_hash = $1`, hashSecret(secret)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, errs.E(errs.NotFound, "no such calendar")
	}
	return userID, err
}

// FeedURL is where the feed with secret is served.
func (s *Service) FeedURL(secret string) string {
	return s.cfg.BaseURL + "/calendar/" + secret + ".ics"
}

// newSecret returns 32 random bytes as URL-safe text.
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashSecret(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}
