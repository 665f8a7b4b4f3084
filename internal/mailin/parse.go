package mailin

import (
	"bytes"
	"fmt"
	"net/mail"
	"net/textproto"
	"regexp"
	"runtime/debug"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/pgp"
)

// Inbound is a parsed e-mail.
type Inbound struct {
	MessageID   string    // without angle brackets
	From        string    // the sender's address
	FromName    string    // the sender's display name, if any
	To          []string  // the addresses in To and Cc
	Subject     string    // decoded; an encrypted part's protected Subject replaces the outer one
	Date        time.Time // zero when missing or unreadable
	Text        string    // the best plain-text body, line ends "\n"
	Attachments []Attachment
	InReplyTo   string   // the message ID replied to, without angle brackets
	References  []string // the thread's message IDs, without angle brackets
	Reference   string   // a tracking reference found in the subject, e.g. PAR-2026-0042

	Encrypted        bool   // encrypted content (PGP/MIME or inline) was decrypted
	Signed           bool   // a signature was found
	SignedBy         string // the signer's fingerprint (see pgp.Signature.Fingerprint)
	SignatureValid   bool   // the signature covers the whole content and verified with a key on file for From
	SignatureProblem string // why a signature is not valid

	Notes []string // things a coordinator should know, e.g. parts that could not be decoded
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name        string // a safe base name, never empty
	ContentType string // lower-case media type without parameters
	Data        []byte
}

// Limits bound what Parse reads. Zero fields take the defaults.
type Limits struct {
	MaxBytes int // the whole message; 25 MiB
	MaxParts int // MIME parts and inline OpenPGP blocks over all levels; 256
	MaxDepth int // nesting of multiparts and encryption layers; 12
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = 25 << 20
	}
	if l.MaxParts <= 0 {
		l.MaxParts = 256
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 12
	}
	return l
}

// Keys gives Parse the keys it needs, when it needs them: the instance's key
// pairs to decrypt with (current first) and the public keys on file for the
// sender to check signatures with.
type Keys interface {
	Identities() ([]*pgp.Identity, error)
	Signers(from string) ([]pgp.Key, error)
}

// StaticKeys is a fixed set of Keys, e.g. for tests and command-line tools.
type StaticKeys struct {
	IDs     []*pgp.Identity
	Senders map[string][]pgp.Key // by lower-case address
}

// Identities returns the key pairs.
func (k StaticKeys) Identities() ([]*pgp.Identity, error) { return k.IDs, nil }

// Signers returns the keys given for from.
func (k StaticKeys) Signers(from string) ([]pgp.Key, error) {
	return k.Senders[strings.ToLower(from)], nil
}

// DefaultReference matches Parley's tracking references in a subject, e.g.
// "[PAR-2026-0042]" or "[RPT-2026-0007]"; the first group is the reference.
const DefaultReference = `\[((?:PAR|RPT)-[0-9]{4}-[0-9]{1,9})\]`

var defaultReference = regexp.MustCompile(DefaultReference)

// ReferencePattern matches "[PREFIX-YYYY-N]" in a subject for any of the
// given prefixes (e.g. a configured case key prefix and "RPT"); the first
// group is the reference.
func ReferencePattern(prefixes ...string) *regexp.Regexp {
	quoted := make([]string, 0, len(prefixes))
	for _, p := range prefixes {
		if p != "" {
			quoted = append(quoted, regexp.QuoteMeta(p))
		}
	}
	if len(quoted) == 0 {
		return defaultReference
	}
	return regexp.MustCompile(`\[((?:` + strings.Join(quoted, "|") + `)-[0-9]{4}-[0-9]{1,9})\]`)
}

// Options configure Parse.
type Options struct {
	Keys Keys // nil: encrypted mail cannot be read and signatures are not checked
	// Reference finds a tracking reference in the subject: its first group
	// if it has one, else the whole match. DefaultReference when nil.
	Reference *regexp.Regexp
	Limits    Limits
	Now       time.Time // when signatures and keys are judged
}

// Parse reads a raw RFC 5322 message: plain text, multipart/mixed and
// alternative, PGP/MIME encrypted (RFC 3156 multipart/encrypted) and signed
// (multipart/signed), and inline OpenPGP in a text body. Hostile, malformed
// or truncated input gives an error saying why, for the quarantine.
func Parse(raw []byte, opt Options) (in Inbound, err error) {
	defer func() {
		if p := recover(); p != nil {
			in = Inbound{}
			err = &errs.Error{Kind: errs.Internal, Message: "the message could not be parsed (parser failure)",
				Err: fmt.Errorf("panic: %v\n%s", p, debug.Stack())}
		}
	}()
	opt.Limits = opt.Limits.withDefaults()
	if opt.Reference == nil {
		opt.Reference = defaultReference
	}
	if len(raw) > opt.Limits.MaxBytes {
		return Inbound{}, errs.E(errs.TooLarge, "the message is larger than %d MiB", opt.Limits.MaxBytes>>20)
	}
	if len(bytes.TrimSpace(raw)) == 0 {
		return Inbound{}, errs.E(errs.Invalid, "the message is empty")
	}
	raw = skipMboxLine(raw)
	h, _, err := splitHeader(raw)
	if err != nil {
		return Inbound{}, errs.Wrap(errs.Invalid, err, "the message header is unreadable")
	}
	w := &walker{opt: opt}
	if err := w.readHeader(h); err != nil {
		return Inbound{}, err
	}
	if err := w.entity(raw, "1", 0, true); err != nil {
		return Inbound{}, err
	}
	w.finish()
	return w.in, nil
}

// readHeader fills the fields that come from the top-level header.
func (w *walker) readHeader(h textproto.MIMEHeader) error {
	in := &w.in
	from, err := parseAddress(h.Get("From"))
	if err != nil {
		if sender, err2 := parseAddress(h.Get("Sender")); err2 == nil {
			from, err = sender, nil
		}
	}
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "the From header is missing or unreadable")
	}
	in.From, in.FromName = from.Address, from.Name
	for _, k := range []string{"To", "Cc"} {
		if v := h.Get(k); v != "" {
			list, _ := addressParser.ParseList(v)
			for _, a := range list {
				in.To = append(in.To, a.Address)
			}
		}
	}
	in.Subject = decodeHeader(h.Get("Subject"))
	in.MessageID = firstID(h.Get("Message-Id"))
	in.InReplyTo = firstID(h.Get("In-Reply-To"))
	in.References = msgIDs(h.Get("References"), 100)
	if d := h.Get("Date"); d != "" {
		t, err := mail.ParseDate(d)
		if err == nil {
			in.Date = t.UTC()
		} else {
			w.note("the Date header %q is unreadable", clip(d, 80))
		}
	}
	return nil
}

func parseAddress(s string) (*mail.Address, error) {
	if strings.TrimSpace(s) == "" {
		return nil, fmt.Errorf("no address")
	}
	a, err := addressParser.Parse(s)
	if err == nil {
		return a, nil
	}
	list, err2 := addressParser.ParseList(s)
	if err2 == nil && len(list) > 0 {
		return list[0], nil
	}
	return nil, err
}

var addressParser = &mail.AddressParser{WordDecoder: wordDecoder}

// finish derives what depends on the whole walk.
func (w *walker) finish() {
	in := &w.in
	in.Text = strings.TrimRight(strings.Join(w.texts, "\n\n"), " \t\n")
	in.Reference = reference(w.opt.Reference, in.Subject)
	if in.Reference == "" {
		in.Reference = reference(w.opt.Reference, w.outerSubject)
	}
}

// reference returns re's first group in s, or its whole match.
func reference(re *regexp.Regexp, s string) string {
	m := re.FindStringSubmatch(s)
	switch {
	case m == nil:
		return ""
	case len(m) > 1 && m[1] != "":
		return m[1]
	}
	return m[0]
}

// firstID returns the first message ID in s, without angle brackets.
func firstID(s string) string {
	if ids := msgIDs(s, 1); len(ids) > 0 {
		return ids[0]
	}
	return clip(strings.Trim(strings.TrimSpace(s), "<>"), 500)
}

// msgIDs returns up to n message IDs written <like@this> in s.
func msgIDs(s string, n int) []string {
	var ids []string
	for len(ids) < n {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		if id := strings.TrimSpace(s[i+1 : i+j]); id != "" {
			ids = append(ids, clip(id, 500))
		}
		s = s[i+j+1:]
	}
	return ids
}

// clip shortens s to at most n bytes without splitting a character.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
