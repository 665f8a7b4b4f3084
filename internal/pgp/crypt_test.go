package pgp

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

func TestEncryptDecrypt(t *testing.T) {
	instance := newIdentity(t, "Parley", "security@example.org")
	reporter := newIdentity(t, "Ada", "ada@example.org")
	stranger := newIdentity(t, "Eve", "eve@example.org")
	plain := []byte("CVE-to-be: heap overflow in frobnicate()\n")

	signed, err := Encrypt(plain, []Key{instance.Key}, reporter, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(signed, []byte(beginMessage)) {
		t.Fatalf("not armoured: %.40q", signed)
	}
	unsigned, err := Encrypt(plain, []Key{instance.Key}, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	tampered := bytes.Clone(signed)
	tampered[len(tampered)/2] ^= 'A' ^ 'B'

	tests := []struct {
		name      string
		msg       []byte
		ids       []*Identity
		verifiers []Key
		wantErr   string
		want      Signature // Created and KeyID not compared
	}{
		{"signed, signer known", signed, []*Identity{instance}, []Key{reporter.Key}, "",
			Signature{Signed: true, Valid: true, Fingerprint: reporter.Fingerprint()}},
		{"signed, no verifiers", signed, []*Identity{instance}, nil, "",
			Signature{Signed: true, Problem: "no key on file for the signer"}},
		{"signed, other verifier", signed, []*Identity{instance}, []Key{stranger.Key}, "",
			Signature{Signed: true, Problem: "no key on file for the signer"}},
		{"unsigned", unsigned, []*Identity{instance}, []Key{reporter.Key}, "", Signature{}},
		{"retired key among several", signed, []*Identity{stranger, instance}, nil, "",
			Signature{Signed: true, Problem: "no key on file for the signer"}},
		{"not for us", signed, []*Identity{stranger}, nil, "which this instance does not hold", Signature{}},
		{"tampered", tampered, []*Identity{instance}, nil, "", Signature{}},
		{"garbage", []byte("hello"), []*Identity{instance}, nil, "is not an OpenPGP message", Signature{}},
		{"wrong armour", []byte(reporter.Key.Armored), []*Identity{instance}, nil, "expected an armoured PGP MESSAGE", Signature{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := Decrypt(tc.msg, tc.ids, tc.verifiers, testNow)
			if tc.name == "tampered" {
				if err == nil {
					t.Fatal("tampered message decrypted")
				}
				if errs.KindOf(err) == errs.Internal {
					t.Fatalf("internal error on tampered input: %v", err)
				}
				return
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(d.Plaintext, plain) {
				t.Errorf("plaintext %q", d.Plaintext)
			}
			got := d.Signature
			if got.Signed && (got.KeyID == "" || got.Created.IsZero()) {
				t.Errorf("signature lacks key ID or time: %+v", got)
			}
			if got.Signed && (got.Fingerprint != reporter.Fingerprint() || !strings.HasSuffix(got.Fingerprint, got.KeyID)) {
				t.Errorf("signer %s (key ID %s), want %s", got.Fingerprint, got.KeyID, reporter.Fingerprint())
			}
			got.KeyID, got.Created = "", tc.want.Created
			if !got.Valid {
				got.Fingerprint = "" // the claimed signer, checked above
			}
			if got != tc.want {
				t.Errorf("signature = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestSignVerify(t *testing.T) {
	signer := newIdentity(t, "Parley", "security@example.org")
	other := newIdentity(t, "Eve", "eve@example.org")
	data := []byte("Advisory text\r\n")
	sig, err := Sign(data, signer, testNow)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Verify(data, sig, []Key{other.Key, signer.Key}, testNow)
	if err != nil || !s.Valid || s.Fingerprint != signer.Fingerprint() {
		t.Fatalf("verify = %+v, %v", s, err)
	}
	s, err = Verify([]byte("Advisory text, edited\r\n"), sig, []Key{signer.Key}, testNow)
	if err != nil || s.Valid || !s.Signed || !strings.Contains(s.Problem, "does not verify") {
		t.Errorf("changed data: %+v, %v", s, err)
	}
	s, err = Verify(data, sig, nil, testNow)
	if err != nil || s.Valid || s.KeyID == "" || s.Problem != "no key on file for the signer" {
		t.Errorf("no keys: %+v, %v", s, err)
	}
	if !strings.HasSuffix(signer.Fingerprint(), s.KeyID) && s.Fingerprint == "" {
		t.Errorf("claimed issuer %+v does not name the signing key", s)
	}
	if _, err := Verify(data, []byte("not a signature"), []Key{signer.Key}, testNow); err == nil {
		t.Error("garbage signature accepted")
	}
}

func TestVerifyCleartext(t *testing.T) {
	signer := newIdentity(t, "Ada", "ada@example.org")
	msg, err := SignCleartext([]byte("Hello coordinator,\n- a line with a dash\n"), signer, testNow)
	if err != nil {
		t.Fatal(err)
	}
	text, s, err := VerifyCleartext(msg, []Key{signer.Key}, testNow)
	if err != nil || !s.Valid || s.Fingerprint != signer.Fingerprint() {
		t.Fatalf("verify = %+v, %v", s, err)
	}
	if string(text) != "Hello coordinator,\n- a line with a dash" && string(text) != "Hello coordinator,\n- a line with a dash\n" {
		t.Errorf("text %q", text)
	}
	forged := bytes.Replace(msg, []byte("Hello"), []byte("Hallo"), 1)
	if _, s, err := VerifyCleartext(forged, []Key{signer.Key}, testNow); err != nil || s.Valid {
		t.Errorf("forged: %+v, %v", s, err)
	}
}

func TestBuildEncrypted(t *testing.T) {
	instance := newIdentity(t, "Parley", "security@example.org")
	vendor := newIdentity(t, "Vendor PSIRT", "psirt@vendor.example")
	h, body := TextEntity("[PAR-2026-0042] Heap overflow", "Dear vendor,\nthe details follow.\n")
	enc, err := BuildEncrypted(h, body, []Key{vendor.Key}, instance, testNow)
	if err != nil {
		t.Fatal(err)
	}
	mt, params, err := mime.ParseMediaType(enc.ContentType)
	if err != nil || mt != "multipart/encrypted" || params["protocol"] != "application/pgp-encrypted" {
		t.Fatalf("content type %q: %v", enc.ContentType, err)
	}
	for _, line := range strings.Split(string(enc.Body), "\r\n") {
		if len(line) > 76 || strings.ContainsAny(line, "\r\n") {
			t.Fatalf("line too long or bare line end: %q", line)
		}
	}
	if bytes.Contains(bytes.ReplaceAll(enc.Body, []byte("\r\n"), nil), []byte("\n")) {
		t.Fatal("bare LF in body")
	}
	mr := multipart.NewReader(bytes.NewReader(enc.Body), params["boundary"])
	p1, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	v, _ := io.ReadAll(p1)
	if p1.Header.Get("Content-Type") != "application/pgp-encrypted" || strings.TrimSpace(string(v)) != "Version: 1" {
		t.Fatalf("first part %v %q", p1.Header, v)
	}
	p2, err := mr.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	armored, _ := io.ReadAll(p2)
	d, err := Decrypt(armored, []*Identity{vendor}, []Key{instance.Key}, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if !d.Signature.Valid || d.Signature.Fingerprint != instance.Fingerprint() {
		t.Errorf("signature %+v", d.Signature)
	}
	inner, err := mail.ReadMessage(bytes.NewReader(d.Plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if got := inner.Header.Get("Content-Type"); got != `text/plain; charset=utf-8; protected-headers="v1"` {
		t.Errorf("inner content type %q", got)
	}
	if got := inner.Header.Get("Subject"); got != "[PAR-2026-0042] Heap overflow" {
		t.Errorf("protected subject %q", got)
	}
	// The sender can read its own copy.
	if _, err := Decrypt(armored, []*Identity{instance}, nil, testNow); err != nil {
		t.Errorf("sender cannot decrypt its copy: %v", err)
	}
	if _, err := BuildEncrypted([]Field{{"Bad Name", "x"}}, body, []Key{vendor.Key}, nil, testNow); err == nil {
		t.Error("invalid header field name accepted")
	}
}

// TestGnuPGInterop checks that GnuPG reads what we encrypt and that we read
// what GnuPG encrypts and signs. It is skipped where gpg is not installed.
func TestGnuPGInterop(t *testing.T) {
	gpg, err := exec.LookPath("gpg")
	if err != nil {
		t.Skip("gpg not installed")
	}
	home := t.TempDir()
	run := func(stdin []byte, args ...string) []byte {
		t.Helper()
		cmd := exec.Command(gpg, append([]string{"--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase", "", "--trust-model", "always"}, args...)...)
		cmd.Stdin = bytes.NewReader(stdin)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("gpg %v: %v\n%s", args, err, stderr.String())
		}
		return out
	}
	instance := newIdentity(t, "Parley", "security@example.org")
	reporter := newIdentity(t, "Ada", "ada@example.org")
	priv, err := reporter.ArmoredPrivate(nil)
	if err != nil {
		t.Fatal(err)
	}
	run([]byte(priv), "--import")
	run([]byte(instance.Key.Armored), "--import")

	ours, err := Encrypt([]byte("from Parley\n"), []Key{reporter.Key}, instance, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got := run(ours, "--decrypt"); string(got) != "from Parley\n" {
		t.Errorf("gpg decrypted %q", got)
	}
	theirs := run([]byte("from GnuPG\n"), "--armor", "--sign", "--encrypt", "--local-user", reporter.Fingerprint(), "--recipient", instance.Fingerprint())
	// gpg signs at the wall clock, which is past testNow: verify a little later.
	d, err := Decrypt(theirs, []*Identity{instance}, []Key{reporter.Key}, time.Now().Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if string(d.Plaintext) != "from GnuPG\n" || !d.Signature.Valid || d.Signature.Fingerprint != reporter.Fingerprint() {
		t.Errorf("decrypted %q, signature %+v", d.Plaintext, d.Signature)
	}
	exported := run(nil, "--armor", "--export", reporter.Fingerprint())
	if k, err := ParseKey(exported, testNow); err != nil || k.Fingerprint != reporter.Fingerprint() {
		t.Errorf("gpg-exported key: %+v, %v", k, err)
	}
	secret := run(nil, "--armor", "--export-secret-keys", reporter.Fingerprint())
	if _, err := ParseKey(secret, testNow); err == nil || !strings.Contains(err.Error(), "private key") {
		t.Errorf("gpg-exported secret key: %v", err)
	}
}
