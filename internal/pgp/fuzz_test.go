package pgp

import (
	"bytes"
	"os"
	"testing"

	"github.com/parleycvd/parley/internal/errs"
)

// fixture reads a test-only private key from testdata, fixed so that fuzz
// corpora stay decryptable from one run to the next.
func fixture(t testing.TB, name string) *Identity {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ParseIdentity(b, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func FuzzParseKey(f *testing.F) {
	id := fixture(f, "instance.asc")
	priv, _ := os.ReadFile("testdata/instance.asc")
	var bin bytes.Buffer
	_ = id.priv.GetEntity().Serialize(&bin)
	for _, seed := range [][]byte{
		[]byte(id.Key.Armored),
		bin.Bytes(),
		bin.Bytes()[:bin.Len()/2],
		priv,
		[]byte(id.Key.Armored[:200]),
		[]byte("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n=AAAA\n-----END PGP PUBLIC KEY BLOCK-----\n"),
		[]byte("\x99\x00\x00"),
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := ParseKey(data, testNow)
		if err != nil {
			if errs.KindOf(err) == errs.Internal {
				t.Fatalf("internal error (a library panic?): %v", err)
			}
			if errs.FieldOf(err) != "key" {
				t.Fatalf("error without the key field: %v", err)
			}
			return
		}
		again, err := loadKey(k.Armored, testNow)
		if err != nil || again.Fingerprint != k.Fingerprint {
			t.Fatalf("accepted key does not read back: %v", err)
		}
	})
}

func FuzzDecrypt(f *testing.F) {
	instance := fixture(f, "instance.asc")
	reporter := fixture(f, "reporter.asc")
	signed, err := Encrypt([]byte("signed report"), []Key{instance.Key}, reporter, testNow)
	if err != nil {
		f.Fatal(err)
	}
	plain, _ := Encrypt([]byte("plain report"), []Key{instance.Key}, nil, testNow)
	bin, _ := dearmor(signed, "PGP MESSAGE")
	sig, _ := Sign([]byte("data"), reporter, testNow)
	for _, seed := range [][]byte{signed, plain, bin, bin[:len(bin)-7], signed[:len(signed)/2], sig, []byte(beginMessage + "\n\n" + "wV4D\n-----END PGP MESSAGE-----\n"), {0xc1}} {
		f.Add(seed)
	}
	ids := []*Identity{instance}
	verifiers := []Key{reporter.Key}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := Decrypt(data, ids, verifiers, testNow)
		if errs.KindOf(err) == errs.Internal && err != nil {
			t.Fatalf("internal error (a library panic?): %v", err)
		}
		if err == nil && d.Signature.Valid && d.Signature.Fingerprint != reporter.Fingerprint() {
			t.Fatalf("valid signature by an unknown key %s", d.Signature.Fingerprint)
		}
		_, err = Verify([]byte("data"), data, verifiers, testNow)
		if errs.KindOf(err) == errs.Internal && err != nil {
			t.Fatalf("Verify: internal error (a library panic?): %v", err)
		}
		_, _, err = VerifyCleartext(data, verifiers, testNow)
		if errs.KindOf(err) == errs.Internal && err != nil {
			t.Fatalf("VerifyCleartext: internal error (a library panic?): %v", err)
		}
	})
}
