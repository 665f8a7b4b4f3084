package pgp

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/parleycvd/parley/internal/errs"
)

// MaxKeyBytes bounds a pasted or uploaded key. Keys carrying thousands of
// third-party signatures are larger; export them minimal
// (gpg --export --armor --export-options export-minimal).
const MaxKeyBytes = 64 << 10

// Armour headers this package looks for.
const (
	beginPublic    = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	beginPrivate   = "-----BEGIN PGP PRIVATE KEY BLOCK-----"
	beginMessage   = "-----BEGIN PGP MESSAGE-----"
	beginSignature = "-----BEGIN PGP SIGNATURE-----"
	beginSigned    = "-----BEGIN PGP SIGNED MESSAGE-----"
)

// Key is an OpenPGP public key (a "certificate") with the facts Parley shows
// and checks.
type Key struct {
	Fingerprint string    // the primary key's fingerprint, upper-case hex
	KeyID       string    // the primary key's 64-bit key ID, upper-case hex
	UserIDs     []string  // as written in the key, e.g. "Ada <ada@example.org>", sorted
	Emails      []string  // the addresses in UserIDs, lower-case, sorted, unique
	Created     time.Time // when the primary key was made
	Expires     time.Time // when the key expires; zero when it does not
	Expired     bool      // expired at the time it was parsed
	Revoked     bool      // revoked at the time it was parsed
	CanEncrypt  bool      // had a usable encryption key at the time it was parsed
	Armored     string    // the public key, armoured, without private parts
	key         *crypto.Key
}

// HasEmail reports whether one of the key's user IDs names addr.
func (k Key) HasEmail(addr string) bool {
	_, found := slices.BinarySearch(k.Emails, strings.ToLower(strings.TrimSpace(addr)))
	return found
}

// ParseKey reads one armoured or binary public key that someone pasted or
// uploaded, and checks it is fit to encrypt to at now. Every refusal is an
// errs.Field("key", ...) error written for the person who pasted it.
func ParseKey(data []byte, now time.Time) (k Key, err error) {
	defer guard(&err)
	if len(data) > MaxKeyBytes {
		return Key{}, errs.Field("key", "is larger than %d KiB; export it without third-party signatures (gpg --export --armor --export-options export-minimal)", MaxKeyBytes>>10)
	}
	text := bytes.TrimSpace(data)
	switch {
	case len(text) == 0:
		return Key{}, errs.Field("key", "is empty; paste your OpenPGP public key (the block that starts with %s)", beginPublic)
	case bytes.Contains(text, []byte(beginPrivate)):
		return Key{}, errs.Field("key", "this is a private key; paste the public key (gpg --export --armor YOUR-KEY-ID), and consider this private key exposed if you pasted it somewhere public")
	case bytes.Contains(text, []byte(beginMessage)) || bytes.Contains(text, []byte(beginSignature)) || bytes.Contains(text, []byte(beginSigned)):
		return Key{}, errs.Field("key", "is an OpenPGP message or signature, not a key; paste the block that starts with %s", beginPublic)
	}
	entity, err := readEntity(data)
	if err != nil {
		return Key{}, err
	}
	if entity.PrivateKey != nil {
		return Key{}, errs.Field("key", "this is a private key; paste the public key (gpg --export --armor YOUR-KEY-ID)")
	}
	k, err = describe(entity, now)
	if err != nil {
		return Key{}, err
	}
	switch {
	case k.Revoked:
		return Key{}, errs.Field("key", "%s has been revoked; paste a current key", k.Fingerprint)
	case k.Expired:
		return Key{}, errs.Field("key", "%s expired on %s; extend it (gpg --quick-set-expire) or paste a current key", k.Fingerprint, k.Expires.Format(time.DateOnly))
	case !k.CanEncrypt:
		_, why := entity.EncryptionKeyWithError(now, nil)
		return Key{}, &errs.Error{Kind: errs.Invalid, Field: "key",
			Message: fmt.Sprintf("%s has no encryption subkey that is valid now (or only a weak one); add one (gpg --quick-add-key %s cv25519 encr) or paste another key", k.Fingerprint, k.Fingerprint),
			Err:     why}
	}
	return k, nil
}

// readEntity reads exactly one key, public or private, binary or armoured
// (possibly with text around the armour).
func readEntity(data []byte) (*openpgp.Entity, error) {
	var r io.Reader
	switch {
	case len(data) > 0 && data[0]&0x80 != 0: // a binary packet; never trim it
		r = bytes.NewReader(data)
	case bytes.Contains(data, []byte(beginPublic)):
		block, err := armor.Decode(bytes.NewReader(data[bytes.Index(data, []byte(beginPublic)):]))
		if err != nil {
			return nil, notAKey(err)
		}
		r = block.Body
	case bytes.Contains(data, []byte("-----BEGIN PGP ")):
		block, err := armor.Decode(bytes.NewReader(data[bytes.Index(data, []byte("-----BEGIN PGP ")):]))
		if err != nil {
			return nil, notAKey(err)
		}
		if block.Type != openpgp.PrivateKeyType {
			return nil, errs.Field("key", "is an armoured %q block, not a public key", block.Type)
		}
		r = block.Body
	default:
		return nil, errs.Field("key", "is not an OpenPGP key; paste the block that starts with %s", beginPublic)
	}
	list, err := openpgp.ReadKeyRing(io.LimitReader(r, MaxKeyBytes))
	if err != nil {
		return nil, notAKey(err)
	}
	switch len(list) {
	case 0:
		return nil, errs.Field("key", "holds no OpenPGP key")
	case 1:
		return list[0], nil
	}
	return nil, errs.Field("key", "holds %d keys; paste one key at a time", len(list))
}

func notAKey(cause error) error {
	return &errs.Error{Kind: errs.Invalid, Field: "key",
		Message: "is not a readable OpenPGP public key; paste the whole block from " + beginPublic + " to its END line",
		Err:     cause}
}

// describe collects a key's facts as of now.
func describe(e *openpgp.Entity, now time.Time) (Key, error) {
	pub, err := crypto.NewKeyFromEntity(e)
	if err != nil {
		return Key{}, notAKey(err)
	}
	if e.PrivateKey != nil {
		if pub, err = pub.ToPublic(); err != nil {
			return Key{}, notAKey(err)
		}
	}
	armored, err := pub.GetArmoredPublicKeyWithCustomHeaders("", "")
	if err != nil {
		return Key{}, notAKey(err)
	}
	k := Key{
		Fingerprint: fingerprint(e.PrimaryKey.Fingerprint),
		KeyID:       fmt.Sprintf("%016X", e.PrimaryKey.KeyId),
		Created:     e.PrimaryKey.CreationTime.UTC(),
		Revoked:     e.Revoked(now),
		Armored:     armored,
		key:         pub,
	}
	for name, id := range e.Identities {
		k.UserIDs = append(k.UserIDs, name)
		if id.UserId != nil && strings.Contains(id.UserId.Email, "@") {
			k.Emails = append(k.Emails, strings.ToLower(id.UserId.Email))
		}
	}
	slices.Sort(k.UserIDs)
	slices.Sort(k.Emails)
	k.Emails = slices.Compact(k.Emails)
	sig, err := e.PrimarySelfSignature(time.Time{}, &packet.Config{})
	if err != nil {
		return Key{}, &errs.Error{Kind: errs.Invalid, Field: "key", Message: "has no valid self-signature", Err: err}
	}
	if sig.KeyLifetimeSecs != nil && *sig.KeyLifetimeSecs != 0 {
		k.Expires = k.Created.Add(time.Duration(*sig.KeyLifetimeSecs) * time.Second)
	}
	k.Expired = pub.IsExpired(now.Unix())
	k.CanEncrypt = !k.Revoked && pub.CanEncrypt(now.Unix())
	return k, nil
}

// loadKey reads a key this package stored earlier, without judging it.
func loadKey(armored string, now time.Time) (Key, error) {
	e, err := readEntity([]byte(armored))
	if err != nil {
		return Key{}, fmt.Errorf("stored key: %w", err)
	}
	return describe(e, now)
}

// parsed returns the parsed key, parsing Armored when k was built by hand.
func (k Key) parsed() (*crypto.Key, error) {
	if k.key != nil {
		return k.key, nil
	}
	e, err := readEntity([]byte(k.Armored))
	if err != nil {
		return nil, err
	}
	return crypto.NewKeyFromEntity(e)
}

func fingerprint(b []byte) string { return strings.ToUpper(hex.EncodeToString(b)) }

// keyRing builds a gopenpgp key ring from keys.
func keyRing(keys []Key) (*crypto.KeyRing, error) {
	kr, err := crypto.NewKeyRing(nil)
	if err != nil {
		return nil, err
	}
	for _, k := range keys {
		ck, err := k.parsed()
		if err != nil {
			return nil, err
		}
		if err := kr.AddKey(ck); err != nil {
			return nil, err
		}
	}
	return kr, nil
}
