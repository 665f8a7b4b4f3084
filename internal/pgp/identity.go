package pgp

import (
	"fmt"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/parleycvd/parley/internal/errs"
)

// Identity is a key pair whose private half this instance holds: the
// instance's own key, or (in tests) a reporter's.
type Identity struct {
	Key  Key         // the public half
	priv *crypto.Key // unlocked
}

// GenerateIdentity makes a new key pair (Ed25519 for signing with a
// Curve25519 encryption subkey, which every current OpenPGP implementation
// reads) with one user ID "name <email>" and no expiry.
func GenerateIdentity(name, email string, now time.Time) (*Identity, error) {
	if name == "" && email == "" {
		return nil, errs.E(errs.Invalid, "a key needs a name or an e-mail address")
	}
	priv, err := crypto.PGP().KeyGeneration().
		AddUserId(name, email).
		GenerationTime(now.Unix()).
		New().GenerateKey()
	if err != nil {
		return nil, fmt.Errorf("generate OpenPGP key: %w", err)
	}
	return identityOf(priv, now)
}

// ParseIdentity reads an armoured private key, unlocking it with passphrase
// when it is locked.
func ParseIdentity(armored []byte, passphrase []byte, now time.Time) (id *Identity, err error) {
	defer guard(&err)
	entity, err := readEntity(armored)
	if err != nil {
		return nil, err
	}
	if entity.PrivateKey == nil {
		return nil, errs.E(errs.Invalid, "not a private key")
	}
	priv, err := crypto.NewKeyFromEntity(entity)
	if err != nil {
		return nil, err
	}
	locked, err := priv.IsLocked()
	if err != nil {
		return nil, err
	}
	if locked {
		if len(passphrase) == 0 {
			return nil, errs.E(errs.Invalid, "the private key %s is locked with a passphrase and none was given", fingerprint(entity.PrimaryKey.Fingerprint))
		}
		if priv, err = priv.Unlock(passphrase); err != nil {
			return nil, errs.Wrap(errs.Invalid, err, "cannot unlock the private key %s with the passphrase given", fingerprint(entity.PrimaryKey.Fingerprint))
		}
	}
	return identityOf(priv, now)
}

func identityOf(priv *crypto.Key, now time.Time) (*Identity, error) {
	k, err := describe(priv.GetEntity(), now)
	if err != nil {
		return nil, err
	}
	return &Identity{Key: k, priv: priv}, nil
}

// ArmoredPrivate returns the private key, armoured, locked with passphrase
// unless it is empty.
func (id *Identity) ArmoredPrivate(passphrase []byte) (string, error) {
	k := id.priv
	if len(passphrase) > 0 {
		var err error
		if k, err = crypto.PGP().LockKey(id.priv, passphrase); err != nil {
			return "", fmt.Errorf("lock private key: %w", err)
		}
	}
	return k.ArmorWithCustomHeaders("", "")
}

// Fingerprint is the fingerprint of the identity's key.
func (id *Identity) Fingerprint() string { return id.Key.Fingerprint }

// identityRing builds a key ring of unlocked private keys.
func identityRing(ids []*Identity) (*crypto.KeyRing, error) {
	kr, err := crypto.NewKeyRing(nil)
	if err != nil {
		return nil, err
	}
	for _, id := range ids {
		if id == nil || id.priv == nil {
			continue
		}
		if err := kr.AddKey(id.priv); err != nil {
			return nil, err
		}
	}
	return kr, nil
}
