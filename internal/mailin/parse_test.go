package mailin

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ProtonMail/gopenpgp/v3/crypto"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/pgp"
)

var testNow = time.Now().UTC().Truncate(time.Second)

// people holds the keys of a test: the instance, a reporter whose key is on
// file, and a stranger whose is not.
type people struct {
	instance, reporter, stranger *pgp.Identity
}

func newPeople(t testing.TB) people {
	t.Helper()
	gen := func(name, email string) *pgp.Identity {
		id, err := pgp.GenerateIdentity(name, email, testNow.Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	return people{
		instance: gen("Parley", "security@parley.test"),
		reporter: gen("Ada", "ada@example.org"),
		stranger: gen("Eve", "eve@example.org"),
	}
}

func (p people) keys() StaticKeys {
	return StaticKeys{
		IDs:     []*pgp.Identity{p.instance},
		Senders: map[string][]pgp.Key{"ada@example.org": {p.reporter.Key}},
	}
}

// message joins header lines and a body with CRLF line ends.
func message(header []string, body string) []byte {
	return []byte(strings.Join(header, "\r\n") + "\r\n\r\n" + strings.ReplaceAll(strings.ReplaceAll(body, "\r\n", "\n"), "\n", "\r\n"))
}

var stdHeader = []string{
	"From: Ada Reporter <ada@example.org>",
	"To: security@parley.test",
	"Subject: Re: [PAR-2026-0042] Heap overflow",
	"Date: Mon, 23 Nov 2026 10:00:00 +0100",
	"Message-ID: <m1@example.org>",
	"In-Reply-To: <n0@parley.test>",
	"References: <n-1@parley.test> <n0@parley.test>",
	"MIME-Version: 1.0",
}

func with(extra ...string) []string { return append(append([]string(nil), stdHeader...), extra...) }

// encrypted builds a PGP/MIME message whose inner entity is header+body.
func encrypted(t testing.TB, outer []string, inner []pgp.Field, body string, to pgp.Key, signer *pgp.Identity) []byte {
	t.Helper()
	enc, err := pgp.BuildEncrypted(inner, []byte(body), []pgp.Key{to}, signer, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return append(message(append(outer, "Content-Type: "+enc.ContentType), ""), enc.Body...)
}

// signed builds a multipart/signed message over the entity inner.
func signed(t testing.TB, outer []string, inner string, signer *pgp.Identity) []byte {
	t.Helper()
	inner = string(crlf([]byte(inner)))
	sig, err := pgp.Sign([]byte(inner), signer, testNow)
	if err != nil {
		t.Fatal(err)
	}
	body := "--sig\r\n" + inner + "\r\n--sig\r\nContent-Type: application/pgp-signature; name=\"signature.asc\"\r\n\r\n" +
		string(crlf(sig)) + "\r\n--sig--\r\n"
	return message(append(outer, `Content-Type: multipart/signed; micalg=pgp-sha256; protocol="application/pgp-signature"; boundary="sig"`), body)
}

func nested(depth int) []byte {
	body := "Content-Type: text/plain\r\n\r\nbottom\r\n"
	for i := range depth {
		b := fmt.Sprintf("b%d", i)
		body = fmt.Sprintf("Content-Type: multipart/mixed; boundary=%q\r\n\r\n--%s\r\n%s\r\n--%s--\r\n", b, b, body, b)
	}
	return append([]byte(strings.Join(stdHeader, "\r\n")+"\r\n"), body...)
}

func TestParse(t *testing.T) {
	p := newPeople(t)
	ptext := func(s string) string { return "Content-Type: text/plain; charset=utf-8\r\n\r\n" + s }
	armoured, err := pgp.Encrypt([]byte("inline secret details\n"), []pgp.Key{p.instance.Key}, p.reporter, testNow)
	if err != nil {
		t.Fatal(err)
	}
	clear, err := pgp.SignCleartext([]byte("I found a bug.\n"), p.reporter, testNow)
	if err != nil {
		t.Fatal(err)
	}
	signedMsg := signed(t, with(), ptext("signed report\r\n"), p.reporter)
	mixedInner := "Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n--in\r\n" + ptext("the details\r\n") +
		"\r\n--in\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"poc.py\"\r\nContent-Transfer-Encoding: base64\r\n\r\ncHJpbnQoMSkK\r\n--in--\r\n"
	many := "--m\r\n" + strings.Repeat(ptext("x")+"\r\n--m\r\n", 300) + ptext("x") + "\r\n--m--\r\n"

	tests := []struct {
		name    string
		raw     []byte
		limits  Limits
		wantErr string // substring of the error; "" for success
		check   func(t *testing.T, in Inbound)
	}{
		{name: "plain text", raw: message(with("Content-Type: text/plain; charset=us-ascii"), "Hello,\nthe PoC is below.\n"),
			check: func(t *testing.T, in Inbound) {
				want := Inbound{MessageID: "m1@example.org", From: "ada@example.org", FromName: "Ada Reporter", To: []string{"security@parley.test"},
					Subject: "Re: [PAR-2026-0042] Heap overflow", Text: "Hello,\nthe PoC is below.", InReplyTo: "n0@parley.test",
					References: []string{"n-1@parley.test", "n0@parley.test"}, Reference: "PAR-2026-0042",
					Date: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
				if fmt.Sprintf("%+v", in) != fmt.Sprintf("%+v", want) {
					t.Errorf("got  %+v\nwant %+v", in, want)
				}
			}},
		{name: "latin-1 quoted-printable, encoded subject, LF line ends, mbox line",
			raw: []byte("From ada@example.org Mon Nov 23 10:00:00 2026\nFrom: ada@example.org\nSubject: =?iso-8859-1?q?Gr=FC=DFe_[RPT-2026-0007]?=\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nGr=FC=DFe aus K=F6ln, a soft=\n break.\n"),
			check: func(t *testing.T, in Inbound) {
				if in.Subject != "Grüße [RPT-2026-0007]" || in.Reference != "RPT-2026-0007" || in.Text != "Grüße aus Köln, a soft break." {
					t.Errorf("subject %q reference %q text %q", in.Subject, in.Reference, in.Text)
				}
			}},
		{name: "alternative prefers plain", raw: message(with(`Content-Type: multipart/alternative; boundary="alt"`),
			"--alt\nContent-Type: text/plain\n\nplain version\n--alt\nContent-Type: text/html\n\n<p>html version</p>\n--alt--\n"),
			check: func(t *testing.T, in Inbound) {
				if in.Text != "plain version" {
					t.Errorf("text %q", in.Text)
				}
			}},
		{name: "html only", raw: message(with("Content-Type: text/html; charset=utf-8"),
			"<html><head><title>t</title><style>p{}</style></head><body><p>Dear team,</p><script>alert(1)</script><p>see <a href=\"https://x.example/poc\">the PoC</a> &amp; logs<br>bye</p></body></html>"),
			check: func(t *testing.T, in Inbound) {
				if in.Text != "Dear team,\n\nsee the PoC <https://x.example/poc> & logs\nbye" {
					t.Errorf("text %q", in.Text)
				}
			}},
		{name: "mixed with attachments", raw: message(with(`Content-Type: multipart/mixed; boundary="mix"`),
			"preamble\n--mix\nContent-Type: text/plain\n\nsee attached\n--mix\nContent-Type: application/pdf; name=\"=?utf-8?q?r=C3=A9port.pdf?=\"\nContent-Transfer-Encoding: base64\n\nJVBERi0x\nLjQK\n--mix\nContent-Type: text/plain\nContent-Disposition: attachment; filename=\"../../etc/passwd\"\n\nroot:x:0:0\n--mix\nContent-Type: message/rfc822\n\nFrom: x@y\n\nforwarded\n--mix\nContent-Type: text/plain; name=\"notes.txt\"\n\nmy notes\n--mix--\nepilogue\n"),
			check: func(t *testing.T, in Inbound) {
				if in.Text != "see attached" || len(in.Attachments) != 4 {
					t.Fatalf("text %q, %d attachments", in.Text, len(in.Attachments))
				}
				a := in.Attachments
				if a[0].Name != "réport.pdf" || a[0].ContentType != "application/pdf" || string(a[0].Data) != "%PDF-1.4\n" {
					t.Errorf("first attachment %q %q %q", a[0].Name, a[0].ContentType, a[0].Data)
				}
				if a[1].Name != "passwd" || string(a[1].Data) != "root:x:0:0" {
					t.Errorf("second attachment %q %q", a[1].Name, a[1].Data)
				}
				if a[2].Name != "attachment-1-4.eml" || a[2].ContentType != "message/rfc822" {
					t.Errorf("third attachment %q %q", a[2].Name, a[2].ContentType)
				}
				if a[3].Name != "notes.txt" || a[3].ContentType != "text/plain" || string(a[3].Data) != "my notes" {
					t.Errorf("fourth attachment %q %q %q", a[3].Name, a[3].ContentType, a[3].Data)
				}
			}},
		{name: "PGP/MIME encrypted and signed by a known reporter",
			raw: encrypted(t, with(), []pgp.Field{{Name: "Subject", Value: "[PAR-2026-0099] the real subject"}, {Name: "Content-Type", Value: `multipart/mixed; boundary="in"; protected-headers="v1"`}},
				strings.TrimPrefix(mixedInner, "Content-Type: multipart/mixed; boundary=\"in\"\r\n\r\n"), p.instance.Key, p.reporter),
			check: func(t *testing.T, in Inbound) {
				if !in.Encrypted || !in.Signed || !in.SignatureValid || in.SignedBy != p.reporter.Fingerprint() || in.SignatureProblem != "" {
					t.Errorf("encrypted %v signed %v valid %v by %s problem %q", in.Encrypted, in.Signed, in.SignatureValid, in.SignedBy, in.SignatureProblem)
				}
				if in.Subject != "[PAR-2026-0099] the real subject" || in.Reference != "PAR-2026-0099" {
					t.Errorf("subject %q reference %q", in.Subject, in.Reference)
				}
				if in.Text != "the details" || len(in.Attachments) != 1 || in.Attachments[0].Name != "poc.py" || string(in.Attachments[0].Data) != "print(1)\n" {
					t.Errorf("text %q attachments %+v", in.Text, in.Attachments)
				}
			}},
		{name: "PGP/MIME signed by an unknown key",
			raw: encrypted(t, with(), nil, "hello", p.instance.Key, p.stranger),
			check: func(t *testing.T, in Inbound) {
				if !in.Encrypted || !in.Signed || in.SignatureValid || in.SignatureProblem != "no key on file for the signer" || in.SignedBy != p.stranger.Fingerprint() {
					t.Errorf("%+v", in)
				}
				if in.Reference != "PAR-2026-0042" || in.Text != "hello" {
					t.Errorf("reference %q text %q", in.Reference, in.Text)
				}
			}},
		{name: "PGP/MIME encrypted to another key", raw: encrypted(t, with(), nil, "hello", p.stranger.Key, nil),
			wantErr: "which this instance does not hold"},
		{name: "multipart/signed", raw: signedMsg,
			check: func(t *testing.T, in Inbound) {
				if in.Encrypted || !in.SignatureValid || in.SignedBy != p.reporter.Fingerprint() || in.Text != "signed report" {
					t.Errorf("%+v", in)
				}
			}},
		{name: "multipart/signed, text changed in transit", raw: bytes.Replace(signedMsg, []byte("signed report"), []byte("signed rep0rt"), 1),
			check: func(t *testing.T, in Inbound) {
				if !in.Signed || in.SignatureValid || !strings.Contains(in.SignatureProblem, "does not verify") {
					t.Errorf("signed %v valid %v problem %q", in.Signed, in.SignatureValid, in.SignatureProblem)
				}
			}},
		{name: "signed part beside an unsigned one", raw: message(with(`Content-Type: multipart/mixed; boundary="outer"`),
			"--outer\r\n"+string(signedMsg[bytes.Index(signedMsg, []byte("Content-Type: multipart/signed")):])+"\r\n--outer\r\nContent-Type: text/plain\r\n\r\nunsigned addition\r\n--outer--\r\n"),
			check: func(t *testing.T, in Inbound) {
				if !in.Signed || in.SignatureValid || in.SignatureProblem != "the signature covers only part of the message" {
					t.Errorf("signed %v valid %v problem %q", in.Signed, in.SignatureValid, in.SignatureProblem)
				}
				if in.Text != "signed report\n\nunsigned addition" {
					t.Errorf("text %q", in.Text)
				}
			}},
		{name: "inline PGP", raw: message(with("Content-Type: text/plain"), string(armoured)),
			check: func(t *testing.T, in Inbound) {
				if !in.Encrypted || !in.SignatureValid || in.Text != "inline secret details" {
					t.Errorf("encrypted %v valid %v text %q", in.Encrypted, in.SignatureValid, in.Text)
				}
			}},
		{name: "inline PGP with a footer", raw: message(with("Content-Type: text/plain"), string(armoured)+"\n-- \nSent from my phone\n"),
			check: func(t *testing.T, in Inbound) {
				if !in.Encrypted || in.SignatureValid || !strings.Contains(in.Text, "inline secret details") || !strings.Contains(in.Text, "Sent from my phone") {
					t.Errorf("encrypted %v valid %v text %q", in.Encrypted, in.SignatureValid, in.Text)
				}
			}},
		{name: "inline cleartext signature", raw: message(with("Content-Type: text/plain"), string(clear)),
			check: func(t *testing.T, in Inbound) {
				if in.Encrypted || !in.SignatureValid || strings.TrimSpace(in.Text) != "I found a bug." {
					t.Errorf("valid %v problem %q text %q", in.SignatureValid, in.SignatureProblem, in.Text)
				}
			}},
		{name: "inline PGP truncated", raw: message(with("Content-Type: text/plain"), string(armoured[:len(armoured)-40])),
			wantErr: "no END line"},
		{name: "empty", raw: []byte("\r\n\r\n"), wantErr: "empty"},
		{name: "garbage", raw: []byte("\x00\x01\x02\xff\xfe binary junk \x00"), wantErr: "header is unreadable"},
		{name: "no From", raw: []byte("Subject: hi\r\n\r\nbody"), wantErr: "From header is missing"},
		{name: "truncated multipart", raw: message(with(`Content-Type: multipart/mixed; boundary="mix"`), "--mix\nContent-Type: text/plain\n\nstart of the rep"),
			wantErr: "closing boundary (truncated?)"},
		{name: "multipart without boundary", raw: message(with("Content-Type: multipart/mixed"), "--x\n\n--x--\n"), wantErr: "no boundary"},
		{name: "deep nesting", raw: nested(40), wantErr: "nested more than 12 levels"},
		{name: "nesting within limits", raw: nested(10), check: func(t *testing.T, in Inbound) {
			if in.Text != "bottom" {
				t.Errorf("text %q", in.Text)
			}
		}},
		{name: "too many parts", raw: message(with(`Content-Type: multipart/mixed; boundary="m"`), many), wantErr: "more than 256 parts"},
		{name: "huge", raw: message(with("Content-Type: text/plain"), strings.Repeat("A", 2<<20)), limits: Limits{MaxBytes: 1 << 20},
			wantErr: "larger than 1 MiB"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in, err := Parse(tc.raw, Options{Keys: p.keys(), Limits: tc.limits, Now: testNow})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tc.wantErr)
				}
				if k := errs.KindOf(err); k != errs.Invalid && k != errs.TooLarge {
					t.Errorf("kind %q", k)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, in)
		})
	}
}

func TestParseReferencePattern(t *testing.T) {
	raw := message([]string{"From: a@example.org", "Subject: Update on CASE#123 and [PAR-2026-0042]"}, "x")
	in, err := Parse(raw, Options{Reference: regexp.MustCompile(`CASE#([0-9]+)`), Now: testNow})
	if err != nil || in.Reference != "123" {
		t.Errorf("reference %q, %v", in.Reference, err)
	}
	in, err = Parse(raw, Options{Now: testNow})
	if err != nil || in.Reference != "PAR-2026-0042" {
		t.Errorf("default reference %q, %v", in.Reference, err)
	}
	raw = message([]string{"From: a@example.org", "Subject: Re: [CERT.X-2026-000017] follow-up"}, "x")
	in, err = Parse(raw, Options{Reference: ReferencePattern("CERT.X", "RPT"), Now: testNow})
	if err != nil || in.Reference != "CERT.X-2026-000017" {
		t.Errorf("configured prefix: reference %q, %v", in.Reference, err)
	}
}

func TestParseEncryptedWithoutKeys(t *testing.T) {
	p := newPeople(t)
	raw := encrypted(t, with(), nil, "hello", p.instance.Key, nil)
	if _, err := Parse(raw, Options{Now: testNow}); err == nil || !strings.Contains(err.Error(), "no key to decrypt") {
		t.Errorf("error %v", err)
	}
}

func TestParseInlineInAlternative(t *testing.T) {
	p := newPeople(t)
	armoured, err := pgp.Encrypt([]byte("the secret"), []pgp.Key{p.instance.Key}, p.reporter, testNow)
	if err != nil {
		t.Fatal(err)
	}
	html := "<pre>" + strings.ReplaceAll(string(armoured), "\n", "<br>") + "</pre>"
	raw := message(with(`Content-Type: multipart/alternative; boundary="a"`),
		"--a\nContent-Type: text/plain\n\n"+string(armoured)+"\n--a\nContent-Type: text/html\n\n"+html+"\n--a--\n")
	in, err := Parse(raw, Options{Keys: p.keys(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	if in.Text != "the secret" || !in.Encrypted || !in.SignatureValid || len(in.Notes) != 0 {
		t.Errorf("text %q encrypted %v valid %v notes %q", in.Text, in.Encrypted, in.SignatureValid, in.Notes)
	}
}

func TestParseDecompressionBomb(t *testing.T) {
	p := newPeople(t)
	k, err := crypto.NewKeyFromArmored(p.instance.Key.Armored)
	if err != nil {
		t.Fatal(err)
	}
	h, err := crypto.PGP().Encryption().Recipient(k).Compress().New()
	if err != nil {
		t.Fatal(err)
	}
	msg, err := h.Encrypt(make([]byte, 3<<20))
	if err != nil {
		t.Fatal(err)
	}
	armoured, err := msg.ArmorBytes()
	if err != nil {
		t.Fatal(err)
	}
	raw := message(with("Content-Type: text/plain"), string(armoured))
	if len(raw) > 64<<10 {
		t.Fatalf("the bomb is %d bytes; it should compress well", len(raw))
	}
	_, err = Parse(raw, Options{Keys: p.keys(), Now: testNow, Limits: Limits{MaxBytes: 1 << 20}})
	if !errs.Is(err, errs.TooLarge) || !strings.Contains(err.Error(), "decrypted content is larger") {
		t.Errorf("error %v", err)
	}
}
