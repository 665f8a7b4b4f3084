package pgp

import (
	"bytes"
	"fmt"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/textproto"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
)

// Field is one header field of a MIME entity.
type Field struct {
	Name  string
	Value string
}

// Encrypted is an RFC 3156 PGP/MIME encrypted body: the message's
// Content-Type and the body that goes below the message's header. The body
// is 7-bit with CRLF line ends and lines under 78 characters, so it needs no
// transfer encoding ("Content-Transfer-Encoding: 7bit").
type Encrypted struct {
	ContentType string // multipart/encrypted; protocol="application/pgp-encrypted"; boundary="..."
	Body        []byte
}

// BuildEncrypted encrypts the MIME entity made of header and body to the
// recipients (signed by signer when it is not nil, inside the encryption as
// RFC 3156 section 6.2 allows) and wraps it as multipart/encrypted.
//
// header describes body: at least its Content-Type (text/plain; charset=utf-8
// is assumed when missing) and Content-Transfer-Encoding; it may also carry
// protected copies of the message's Subject, From and To (see TextEntity).
// Values are folded into one line each. Line ends in body become CRLF.
func BuildEncrypted(header []Field, body []byte, recipients []Key, signer *Identity, now time.Time) (Encrypted, error) {
	entity, err := renderEntity(header, body)
	if err != nil {
		return Encrypted{}, err
	}
	armored, err := Encrypt(entity, recipients, signer, now)
	if err != nil {
		return Encrypted{}, err
	}
	var b bytes.Buffer
	b.WriteString("This is an OpenPGP/MIME encrypted message (RFC 4880 and 3156)\r\n")
	w := multipart.NewWriter(&b)
	p, err := w.CreatePart(textproto.MIMEHeader{
		"Content-Type":        {"application/pgp-encrypted"},
		"Content-Description": {"PGP/MIME version identification"},
	})
	if err != nil {
		return Encrypted{}, err
	}
	if _, err := p.Write([]byte("Version: 1\r\n")); err != nil {
		return Encrypted{}, err
	}
	p, err = w.CreatePart(textproto.MIMEHeader{
		"Content-Type":        {`application/octet-stream; name="encrypted.asc"`},
		"Content-Description": {"OpenPGP encrypted message"},
		"Content-Disposition": {`inline; filename="encrypted.asc"`},
	})
	if err != nil {
		return Encrypted{}, err
	}
	if _, err := p.Write(crlf(armored)); err != nil {
		return Encrypted{}, err
	}
	if err := w.Close(); err != nil {
		return Encrypted{}, err
	}
	b.WriteString("\r\n")
	ct := mime.FormatMediaType("multipart/encrypted", map[string]string{
		"protocol": "application/pgp-encrypted",
		"boundary": w.Boundary(),
	})
	return Encrypted{ContentType: ct, Body: b.Bytes()}, nil
}

// TextEntity returns the header and body of a UTF-8 text/plain entity,
// quoted-printable encoded, to hand to BuildEncrypted. A non-empty subject
// goes in as a protected header (protected-headers="v1"), so that clients
// which support it show the real subject while the outer one can be neutral.
func TextEntity(subject, text string) ([]Field, []byte) {
	ct := "text/plain; charset=utf-8"
	var h []Field
	if subject != "" {
		ct += `; protected-headers="v1"`
		h = append(h, Field{"Subject", mime.QEncoding.Encode("utf-8", oneLine(subject))})
	}
	h = append(h, Field{"Content-Type", ct}, Field{"Content-Transfer-Encoding", "quoted-printable"})
	var b bytes.Buffer
	qp := quotedprintable.NewWriter(&b)
	_, _ = qp.Write(crlf([]byte(text))) // writes to a bytes.Buffer do not fail
	_ = qp.Close()
	return h, b.Bytes()
}

// renderEntity writes a MIME entity with CRLF line ends.
func renderEntity(header []Field, body []byte) ([]byte, error) {
	var b bytes.Buffer
	hasType := false
	for _, f := range header {
		name := textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(f.Name))
		if !validFieldName(name) {
			return nil, errs.E(errs.Invalid, "invalid header field name %q", f.Name)
		}
		if name == "Content-Type" {
			hasType = true
		}
		fmt.Fprintf(&b, "%s: %s\r\n", name, oneLine(f.Value))
	}
	if !hasType {
		b.WriteString("Content-Type: text/plain; charset=utf-8\r\n")
	}
	b.WriteString("\r\n")
	b.Write(crlf(body))
	return b.Bytes(), nil
}

func validFieldName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// crlf makes every line end CRLF.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}
