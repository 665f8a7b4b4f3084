package inbox

import (
	"context"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/pgp"
)

// A user's OpenPGP keys for mail to them are their contact keys in package
// pgp (owner type user): the one place every mail to the account looks.

func owner(p auth.Principal) pgp.Owner { return pgp.Owner{Type: pgp.OwnerUser, ID: p.UserID} }

// Key is one of a user's OpenPGP keys.
type Key struct {
	ID          int64
	Fingerprint string
	UserIDs     []string
	Expires     time.Time // zero: never
	Usable      bool      // mail to the user's address is encrypted to it now
	CreatedAt   time.Time
}

func keyOf(ck pgp.ContactKey, email string, now time.Time) Key {
	return Key{ID: ck.ID, Fingerprint: ck.Key.Fingerprint, UserIDs: ck.Key.UserIDs, Expires: ck.Key.Expires,
		Usable: Usable(ck.Key, email, now), CreatedAt: ck.CreatedAt}
}

// Keys lists p's OpenPGP keys, in the order they were added.
func (s *Service) Keys(ctx context.Context, p auth.Principal) ([]Key, error) {
	if err := CanRead(p); err != nil {
		return nil, err
	}
	if s.keys == nil {
		return nil, nil
	}
	list, err := s.keys.List(ctx, owner(p))
	out := make([]Key, 0, len(list))
	for _, ck := range list {
		out = append(out, keyOf(ck, p.Email, s.now().UTC()))
	}
	return out, err
}

// AddKey puts an armoured public key on file for p, for mail to them. The
// key must be fit to encrypt to now (pgp.ParseKey) and name p's address
// in a user ID, or mail to that address would not be encrypted to it.
func (s *Service) AddKey(ctx context.Context, p auth.Principal, armored []byte) (Key, error) {
	if err := CanChange(p); err != nil {
		return Key{}, err
	}
	if s.keys == nil {
		return Key{}, errs.E(errs.Forbidden, "this instance keeps no OpenPGP keys")
	}
	now := s.now().UTC()
	k, err := pgp.ParseKey(armored, now)
	if err != nil {
		return Key{}, err
	}
	if !k.HasEmail(p.Email) {
		return Key{}, errs.Field("key", "names no user ID with your address %s: mail to you could not be encrypted to it", p.Email)
	}
	ck, err := s.keys.Add(ctx, p.Actor(), owner(p), armored)
	return keyOf(ck, p.Email, now), err
}

// RemoveKey takes one of p's keys off file.
func (s *Service) RemoveKey(ctx context.Context, p auth.Principal, id int64) error {
	if err := CanChange(p); err != nil {
		return err
	}
	if s.keys == nil {
		return errs.E(errs.NotFound, "no such key")
	}
	return s.keys.Remove(ctx, p.Actor(), owner(p), id)
}

// Usable tells whether a key on file can be encrypted to at now for
// address to.
func Usable(k pgp.Key, to string, now time.Time) bool {
	return k.CanEncrypt && !k.Revoked && (k.Expires.IsZero() || k.Expires.After(now)) && k.HasEmail(to)
}
