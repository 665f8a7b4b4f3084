package mailin

import (
	"bytes"
	"fmt"
	"mime"
	"net/textproto"
	"path"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/pgp"
)

// walker walks a message's MIME tree, collecting what Parse returns.
type walker struct {
	opt          Options
	in           Inbound
	texts        []string
	parts        int
	expanded     int // bytes decrypted so far, against decompression bombs
	outerSubject string
	sigSeen      bool
	ids          []*pgp.Identity
	idsLoaded    bool
	signers      []pgp.Key
	signersRead  bool
}

func (w *walker) note(format string, a ...any) {
	if len(w.in.Notes) < 50 {
		w.in.Notes = append(w.in.Notes, fmt.Sprintf(format, a...))
	}
}

// count counts one more part against the limit.
func (w *walker) count() error {
	w.parts++
	if w.parts > w.opt.Limits.MaxParts {
		return errs.E(errs.TooLarge, "the message has more than %d parts", w.opt.Limits.MaxParts)
	}
	return nil
}

// entity walks one MIME entity (header and body). at names it for errors
// ("1", "1.2", ...); whole says whether it is the message's entire content,
// reached through encryption and signature layers only.
func (w *walker) entity(raw []byte, at string, depth int, whole bool) error {
	if depth > w.opt.Limits.MaxDepth {
		return errs.E(errs.TooLarge, "part %s: the message is nested more than %d levels deep", at, w.opt.Limits.MaxDepth)
	}
	if err := w.count(); err != nil {
		return err
	}
	h, bodyBytes, err := splitHeader(raw)
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "part %s: the header is unreadable", at)
	}
	ct, params := contentType(h)
	cte := strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if strings.HasPrefix(ct, "multipart/") {
		if cte != "" && cte != "7bit" && cte != "8bit" && cte != "binary" {
			return errs.E(errs.Invalid, "part %s: a multipart cannot have transfer encoding %q", at, clip(cte, 40))
		}
		parts, err := splitMultipart(bodyBytes, params["boundary"], w.opt.Limits.MaxParts)
		if err != nil {
			return errs.Wrap(errs.Invalid, err, "part %s (%s)", at, ct)
		}
		switch ct {
		case "multipart/encrypted":
			return w.encrypted(parts, params, at, depth, whole)
		case "multipart/signed":
			return w.signed(parts, params, at, depth, whole)
		case "multipart/alternative":
			// Only the chosen rendering is read, so it stands for the whole.
			i := preferred(parts)
			return w.entity(parts[i], fmt.Sprintf("%s.%d", at, i+1), depth+1, whole)
		}
		for i, p := range parts {
			if err := w.entity(p, fmt.Sprintf("%s.%d", at, i+1), depth+1, whole && len(parts) == 1); err != nil {
				return err
			}
		}
		return nil
	}
	data := decodeTransfer(bodyBytes, cte)
	name := fileName(dparams["filename"], params["name"])
	// The body is the text parts not marked as attachments; a named text
	// part counts only when no body text came before it, and HTML only
	// when there is no other text.
	body := (ct == "text/plain" || ct == "text/html") && disp != "attachment" &&
		(name == "" || disp == "inline" || len(w.texts) == 0) &&
		(ct != "text/html" || len(w.texts) == 0)
	if body {
		text, err := decodeCharset(data, params["charset"])
		if err != nil {
			w.note("part %s: %v; shown with unknown characters replaced", at, err)
		}
		if ct == "text/html" {
			text = htmlToText(text)
		}
		text, err = w.inline(text, at, depth, whole)
		if err != nil {
			return err
		}
		if text = strings.TrimRight(normalizeText(text), " \t\n"); text != "" {
			w.texts = append(w.texts, text)
		}
		return nil
	}
	return w.attachment(name, ct, data, at)
}

// encrypted handles RFC 3156 multipart/encrypted.
func (w *walker) encrypted(parts [][]byte, params map[string]string, at string, depth int, whole bool) error {
	if p := strings.ToLower(params["protocol"]); p != "application/pgp-encrypted" {
		return errs.E(errs.Invalid, "part %s: multipart/encrypted with protocol %q is not OpenPGP", at, clip(p, 60))
	}
	if len(parts) < 2 {
		return errs.E(errs.Invalid, "part %s: multipart/encrypted needs two parts, has %d", at, len(parts))
	}
	if err := w.count(); err != nil {
		return err
	}
	h, body, err := splitHeader(parts[1])
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "part %s.2: the header is unreadable", at)
	}
	d, err := w.decrypt(decodeTransfer(body, strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding")))), at+".2")
	if err != nil {
		return err
	}
	w.signature(d.Signature, whole, "")
	if !whole {
		w.note("part %s: only part of the message was encrypted", at)
	}
	inner := d.Plaintext
	if ih, _, err := splitHeader(inner); err == nil && whole {
		if s := ih.Get("Subject"); s != "" {
			w.outerSubject = w.in.Subject
			w.in.Subject = decodeHeader(s)
		}
	}
	return w.entity(inner, at+".2.1", depth+1, whole)
}

// signed handles RFC 3156 multipart/signed: the first part, exactly as
// sent and with CRLF line ends, is what the second part signs.
func (w *walker) signed(parts [][]byte, params map[string]string, at string, depth int, whole bool) error {
	if len(parts) < 2 {
		return errs.E(errs.Invalid, "part %s: multipart/signed needs two parts, has %d", at, len(parts))
	}
	if p := strings.ToLower(params["protocol"]); p != "application/pgp-signature" {
		w.note("part %s: a signature of type %q was not checked", at, clip(p, 60))
		return w.entity(parts[0], at+".1", depth+1, whole)
	}
	if err := w.count(); err != nil {
		return err
	}
	h, body, err := splitHeader(parts[1])
	if err != nil {
		return errs.Wrap(errs.Invalid, err, "part %s.2: the header is unreadable", at)
	}
	sig := decodeTransfer(body, strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))))
	s, err := pgp.Verify(crlf(parts[0]), sig, w.senderKeys(), w.opt.Now)
	if err != nil {
		s = pgp.Signature{Signed: true, Problem: "the signature is unreadable: " + errs.Public(err)}
	}
	w.signature(s, whole, "")
	return w.entity(parts[0], at+".1", depth+1, whole)
}

// signature records what a signature check found, keeping the first one
// that covers the whole content.
func (w *walker) signature(s pgp.Signature, whole bool, partial string) {
	if !s.Signed {
		return
	}
	if !whole {
		if partial == "" {
			partial = "the signature covers only part of the message"
		}
		s.Valid, s.Problem = false, partial
	}
	in := &w.in
	if w.sigSeen && (in.SignatureValid || !s.Valid) {
		return
	}
	w.sigSeen = true
	in.Signed, in.SignedBy, in.SignatureValid, in.SignatureProblem = true, s.Fingerprint, s.Valid, s.Problem
}

func (w *walker) decrypt(data []byte, at string) (pgp.Decrypted, error) {
	if !w.idsLoaded {
		w.idsLoaded = true
		if w.opt.Keys != nil {
			ids, err := w.opt.Keys.Identities()
			if err != nil {
				return pgp.Decrypted{}, fmt.Errorf("part %s: the instance's keys are unavailable: %w", at, err)
			}
			w.ids = ids
		}
	}
	if len(w.ids) == 0 {
		return pgp.Decrypted{}, errs.E(errs.Invalid, "part %s is encrypted and this instance has no key to decrypt it", at)
	}
	d, err := pgp.Decrypt(data, w.ids, w.senderKeys(), w.opt.Now)
	if err != nil {
		return pgp.Decrypted{}, &errs.Error{Kind: errs.KindOf(err), Message: fmt.Sprintf("part %s cannot be decrypted: %s", at, errs.Public(err)), Err: err}
	}
	w.expanded += len(d.Plaintext)
	if w.expanded > 2*w.opt.Limits.MaxBytes {
		return pgp.Decrypted{}, errs.E(errs.TooLarge, "part %s: the decrypted content is larger than %d MiB", at, 2*w.opt.Limits.MaxBytes>>20)
	}
	w.in.Encrypted = true
	return d, nil
}

func (w *walker) senderKeys() []pgp.Key {
	if !w.signersRead {
		w.signersRead = true
		if w.opt.Keys != nil && w.in.From != "" {
			keys, err := w.opt.Keys.Signers(w.in.From)
			if err != nil {
				w.note("the sender's keys could not be read: %v", err)
			}
			w.signers = keys
		}
	}
	return w.signers
}

// attachment keeps a file, decrypting it first when it is an OpenPGP
// message (name.pgp, name.gpg, or an armoured message).
func (w *walker) attachment(name, ct string, data []byte, at string) error {
	if name == "" {
		name = "attachment-" + strings.ReplaceAll(at, ".", "-")
		switch ct {
		case "message/rfc822", "message/global":
			name += ".eml"
		case "text/html":
			name += ".html"
		case "text/plain":
			name += ".txt"
		}
	}
	if ct == "" {
		ct = "application/octet-stream"
	}
	ext := strings.ToLower(path.Ext(name))
	armoured := bytes.HasPrefix(bytes.TrimSpace(data), []byte("-----BEGIN PGP MESSAGE-----"))
	if ct != "application/pgp-encrypted" && (ext == ".pgp" || ext == ".gpg" || armoured) {
		d, err := w.decrypt(data, at)
		if err != nil {
			w.note("attachment %q was kept encrypted: %s", name, errs.Public(err))
		} else {
			w.signature(d.Signature, false, "the signature covers only an attachment")
			if ext == ".pgp" || ext == ".gpg" || ext == ".asc" {
				name = strings.TrimSuffix(name, name[len(name)-len(ext):])
			}
			ct, data = "application/octet-stream", d.Plaintext
			if t := mime.TypeByExtension(path.Ext(name)); t != "" {
				ct, _, _ = mime.ParseMediaType(t)
			}
			w.note("attachment %q was decrypted", name)
		}
	}
	w.in.Attachments = append(w.in.Attachments, Attachment{Name: name, ContentType: ct, Data: data})
	return nil
}

// inline decrypts OpenPGP messages and checks cleartext signatures written
// into a text body, replacing each block by its text.
func (w *walker) inline(text, at string, depth int, whole bool) (string, error) {
	const (
		beginMsg = "-----BEGIN PGP MESSAGE-----"
		endMsg   = "-----END PGP MESSAGE-----"
		beginSig = "-----BEGIN PGP SIGNED MESSAGE-----"
		endSig   = "-----END PGP SIGNATURE-----"
	)
	var out strings.Builder
	rest := text
	for n := 0; ; n++ {
		i, j := strings.Index(rest, beginMsg), strings.Index(rest, beginSig)
		if i < 0 && j < 0 {
			break
		}
		signedBlock := i < 0 || (j >= 0 && j < i)
		start, end := i, endMsg
		if signedBlock {
			start, end = j, endSig
		}
		k := strings.Index(rest[start:], end)
		if k < 0 {
			return "", errs.E(errs.Invalid, "part %s: an inline OpenPGP block has no END line (truncated?)", at)
		}
		if depth+1 > w.opt.Limits.MaxDepth {
			return "", errs.E(errs.TooLarge, "part %s: the message is nested more than %d levels deep", at, w.opt.Limits.MaxDepth)
		}
		if err := w.count(); err != nil {
			return "", err
		}
		block := rest[start : start+k+len(end)]
		alone := whole && strings.TrimSpace(rest[:start]) == "" && strings.TrimSpace(rest[start+k+len(end):]) == "" && out.Len() == 0
		out.WriteString(rest[:start])
		rest = rest[start+k+len(end):]
		if signedBlock {
			clear, s, err := pgp.VerifyCleartext([]byte(block), w.senderKeys(), w.opt.Now)
			if err != nil {
				w.note("part %s: an inline signed block is unreadable: %s", at, errs.Public(err))
				out.WriteString(block)
				continue
			}
			w.signature(s, alone, "the signature covers only part of the text")
			out.Write(clear)
			continue
		}
		d, err := w.decrypt([]byte(block), fmt.Sprintf("%s (inline block %d)", at, n+1))
		if err != nil {
			return "", err
		}
		w.signature(d.Signature, alone, "the signature covers only part of the text")
		if !alone {
			w.note("part %s: the text around an inline encrypted block was not encrypted", at)
		}
		plain, _ := decodeCharset(d.Plaintext, "utf-8")
		out.WriteString(plain)
	}
	out.WriteString(rest)
	return out.String(), nil
}

// preferred picks the part of a multipart/alternative to read: the last
// text/plain one, else the last one (the richest).
func preferred(parts [][]byte) int {
	for i := len(parts) - 1; i >= 0; i-- {
		if h, _, err := splitHeader(parts[i]); err == nil {
			if ct, _ := contentType(h); ct == "text/plain" {
				return i
			}
		}
	}
	return len(parts) - 1
}

// contentType returns the lower-case media type (text/plain when missing or
// unreadable) and its parameters (never nil).
func contentType(h textproto.MIMEHeader) (string, map[string]string) {
	v := h.Get("Content-Type")
	if strings.TrimSpace(v) == "" {
		return "text/plain", map[string]string{}
	}
	mt, params, err := mime.ParseMediaType(v)
	if params == nil {
		params = map[string]string{}
	}
	if err != nil && mt == "" {
		return "application/octet-stream", params
	}
	return mt, params
}

// fileName makes a safe base name from the names a part gives itself.
func fileName(names ...string) string {
	for _, n := range names {
		n = decodeHeader(n)
		if i := strings.LastIndexAny(n, `/\`); i >= 0 {
			n = n[i+1:]
		}
		n = strings.Map(func(r rune) rune {
			if r < 0x20 || r == 0x7f || r == 0xFFFD {
				return -1
			}
			return r
		}, n)
		n = strings.Trim(n, " .")
		if n != "" {
			return clip(n, 200)
		}
	}
	return ""
}
