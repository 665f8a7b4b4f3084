package pgp

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp/packet"
	openpgp "github.com/ProtonMail/go-crypto/openpgp/v2"
	"github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/parleycvd/parley/internal/errs"
)

// testNow is the clock of these tests: real time, so that gopenpgp's own
// time checks agree with ours.
var testNow = time.Now().UTC().Truncate(time.Second)

func newIdentity(t testing.TB, name, email string) *Identity {
	t.Helper()
	id, err := GenerateIdentity(name, email, testNow.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// publicOf armours the public half of an entity.
func publicOf(t testing.TB, e *openpgp.Entity) string {
	t.Helper()
	k, err := crypto.NewKeyFromEntity(e)
	if err != nil {
		t.Fatal(err)
	}
	s, err := k.GetArmoredPublicKey()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestParseKey(t *testing.T) {
	good := newIdentity(t, "Ada Reporter", "Ada@Example.org")

	expired, err := crypto.PGP().KeyGeneration().AddUserId("Old", "old@example.org").
		GenerationTime(testNow.Add(-72 * time.Hour).Unix()).Lifetime(3600).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}

	revokedID := newIdentity(t, "Revoked", "rev@example.org")
	rev := revokedID.priv.GetEntity()
	if err := rev.Revoke(packet.KeyCompromised, "lost", nil); err != nil {
		t.Fatal(err)
	}

	signOnly := newIdentity(t, "Sign Only", "sign@example.org").priv.GetEntity()
	signOnly.Subkeys = nil

	priv, err := good.ArmoredPrivate(nil)
	if err != nil {
		t.Fatal(err)
	}
	var binary bytes.Buffer
	if err := good.priv.GetEntity().Serialize(&binary); err != nil {
		t.Fatal(err)
	}
	var two bytes.Buffer
	two.Write(binary.Bytes())
	if err := newIdentity(t, "B", "b@example.org").priv.GetEntity().Serialize(&two); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		in      string
		wantErr string // substring; "" means accepted
	}{
		{"armoured", good.Key.Armored, ""},
		{"text around the armour", "Here is my key:\n\n" + good.Key.Armored + "\n-- \nAda", ""},
		{"CRLF", strings.ReplaceAll(good.Key.Armored, "\n", "\r\n"), ""},
		{"binary", binary.String(), ""},
		{"empty", "  \n", "is empty"},
		{"garbage", "hello, this is my key", "is not an OpenPGP key"},
		{"binary garbage", "\x99\x01\x02garbage", "holds no OpenPGP key"},
		{"private key", priv, "this is a private key; paste the public key"},
		{"private key inside text", "key:\n" + priv, "this is a private key"},
		{"truncated armour", good.Key.Armored[:len(good.Key.Armored)/2], "not a readable"},
		{"message", "-----BEGIN PGP MESSAGE-----\n\nwcBMA\n-----END PGP MESSAGE-----\n", "not a key"},
		{"expired", publicOf(t, expired.GetEntity()), "expired on"},
		{"revoked", publicOf(t, rev), "has been revoked"},
		{"no encryption subkey", publicOf(t, signOnly), "no encryption subkey"},
		{"two keys", two.String(), "holds 2 keys"},
		{"too large", strings.Repeat("A", MaxKeyBytes+1), "larger than 64 KiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k, err := ParseKey([]byte(tc.in), testNow)
			if tc.wantErr == "" {
				if err != nil {
					t.Fatalf("ParseKey: %v", err)
				}
				if k.Fingerprint != good.Key.Fingerprint || len(k.Fingerprint) != 40 || strings.ToUpper(k.Fingerprint) != k.Fingerprint {
					t.Errorf("fingerprint %q, want %q", k.Fingerprint, good.Key.Fingerprint)
				}
				if !strings.HasSuffix(k.Fingerprint, k.KeyID) {
					t.Errorf("key ID %q is not the tail of %q", k.KeyID, k.Fingerprint)
				}
				if !k.CanEncrypt || k.Expired || k.Revoked || !k.Expires.IsZero() {
					t.Errorf("facts = %+v", k)
				}
				if len(k.UserIDs) != 1 || k.UserIDs[0] != "Ada Reporter <Ada@Example.org>" {
					t.Errorf("user IDs = %q", k.UserIDs)
				}
				if !k.HasEmail("ada@example.ORG") || k.HasEmail("eve@example.org") {
					t.Errorf("emails = %q", k.Emails)
				}
				if !strings.HasPrefix(k.Armored, beginPublic) || strings.Contains(k.Armored, "PRIVATE") {
					t.Errorf("armored = %.60q", k.Armored)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted, want error containing %q", tc.wantErr)
			}
			if errs.FieldOf(err) != "key" || errs.KindOf(err) != errs.Invalid {
				t.Errorf("error %v: field %q kind %q, want key/invalid", err, errs.FieldOf(err), errs.KindOf(err))
			}
			if !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %q does not contain %q", err, tc.wantErr)
			}
		})
	}
}

func TestExpiringKeyFacts(t *testing.T) {
	key, err := crypto.PGP().KeyGeneration().AddUserId("Soon", "soon@example.org").
		GenerationTime(testNow.Add(-time.Hour).Unix()).Lifetime(7200).New().GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	k, err := ParseKey([]byte(publicOf(t, key.GetEntity())), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if want := testNow.Add(time.Hour); !k.Expires.Equal(want) {
		t.Errorf("expires %v, want %v", k.Expires, want)
	}
	later, err := loadKey(k.Armored, testNow.Add(2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !later.Expired || later.CanEncrypt {
		t.Errorf("two hours on: expired %v, can encrypt %v", later.Expired, later.CanEncrypt)
	}
	if _, err := Encrypt([]byte("x"), []Key{later}, nil, testNow.Add(2*time.Hour)); err == nil || !strings.Contains(err.Error(), "cannot encrypt") {
		t.Errorf("encrypt to expired key: %v", err)
	}
}

func TestParseIdentityPassphrase(t *testing.T) {
	id := newIdentity(t, "Instance", "security@example.org")
	locked, err := id.ArmoredPrivate([]byte("s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseIdentity([]byte(locked), nil, testNow); err == nil || !strings.Contains(err.Error(), "locked") {
		t.Errorf("no passphrase: %v", err)
	}
	if _, err := ParseIdentity([]byte(locked), []byte("wrong"), testNow); err == nil {
		t.Error("wrong passphrase accepted")
	}
	got, err := ParseIdentity([]byte(locked), []byte("s3cret"), testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got.Fingerprint() != id.Fingerprint() {
		t.Errorf("fingerprint %s, want %s", got.Fingerprint(), id.Fingerprint())
	}
	if _, err := ParseIdentity([]byte(id.Key.Armored), nil, testNow); err == nil {
		t.Error("a public key was accepted as an identity")
	}
}
