package mailin

import (
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/pgp"
)

// fixture reads a test-only private key from testdata, fixed so that fuzz
// corpora stay decryptable from one run to the next.
func fixture(t testing.TB, name string) *pgp.Identity {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	id, err := pgp.ParseIdentity(b, nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func FuzzParse(f *testing.F) {
	instance, reporter := fixture(f, "instance.asc"), fixture(f, "reporter.asc")
	keys := StaticKeys{IDs: []*pgp.Identity{instance}, Senders: map[string][]pgp.Key{"ada@example.org": {reporter.Key}}}
	armoured, _ := pgp.Encrypt([]byte("inline secret"), []pgp.Key{instance.Key}, reporter, testNow)
	clear, _ := pgp.SignCleartext([]byte("signed text\n"), reporter, testNow)
	inner := []pgp.Field{{Name: "Subject", Value: "[PAR-2026-0001] protected"}, {Name: "Content-Type", Value: `multipart/mixed; boundary="in"`}}
	seeds := [][]byte{
		message(with("Content-Type: text/plain"), "Hello"),
		message(with(`Content-Type: multipart/alternative; boundary="a"`), "--a\nContent-Type: text/plain\n\np\n--a\nContent-Type: text/html\n\n<b>h</b>\n--a--\n"),
		message(with(`Content-Type: multipart/mixed; boundary="m"`), "--m\nContent-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: quoted-printable\n\nK=F6ln=\n\n--m\nContent-Type: application/octet-stream; name=\"x.bin\"\nContent-Transfer-Encoding: base64\n\nAAEC\n--m--\n"),
		message(with("Content-Type: text/html"), "<p>a<br>b</p><script>x</script>"),
		message(with("Content-Type: text/plain"), string(armoured)),
		message(with("Content-Type: text/plain"), string(clear)),
		encrypted(f, with(), inner, "--in\r\nContent-Type: text/plain\r\n\r\nx\r\n--in\r\nContent-Type: text/plain; name=a.txt\r\n\r\ny\r\n--in--\r\n", instance.Key, reporter),
		signed(f, with(), "Content-Type: text/plain\r\n\r\nsigned\r\n", reporter),
		nested(5),
		[]byte("From: a@b\n\n"),
		[]byte("garbage"),
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		in, err := Parse(raw, Options{Keys: keys, Now: testNow, Limits: Limits{MaxBytes: 1 << 20}})
		if err != nil {
			if k := errs.KindOf(err); k != errs.Invalid && k != errs.TooLarge {
				t.Fatalf("error of kind %q (a panic?): %v", k, err)
			}
			return
		}
		if in.From == "" {
			t.Fatal("parsed without a From address")
		}
		if !utf8.ValidString(in.Text) || !utf8.ValidString(in.Subject) {
			t.Fatal("invalid UTF-8 in the result")
		}
		if in.SignatureValid && in.SignedBy != reporter.Fingerprint() {
			t.Fatalf("valid signature by %s, a key not on file", in.SignedBy)
		}
		for _, a := range in.Attachments {
			if a.Name == "" || strings.ContainsAny(a.Name, "/\\\x00") {
				t.Fatalf("unsafe attachment name %q", a.Name)
			}
		}
	})
}
