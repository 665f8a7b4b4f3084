package mailin

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/textproto"
	"strings"

	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/transform"
)

// splitHeader splits an entity at the first empty line into its header and
// body. An entity without an empty line is all header. Bare LF line ends
// are accepted as well as CRLF.
func splitHeader(raw []byte) (textproto.MIMEHeader, []byte, error) {
	var head, body []byte
	switch {
	case bytes.HasPrefix(raw, []byte("\r\n")):
		return textproto.MIMEHeader{}, raw[2:], nil
	case bytes.HasPrefix(raw, []byte("\n")):
		return textproto.MIMEHeader{}, raw[1:], nil
	}
	i, j := bytes.Index(raw, []byte("\n\r\n")), bytes.Index(raw, []byte("\n\n"))
	switch {
	case i >= 0 && (j < 0 || i < j):
		head, body = raw[:i+1], raw[i+3:]
	case j >= 0:
		head, body = raw[:j+1], raw[j+2:]
	default:
		head = raw
	}
	r := textproto.NewReader(bufio.NewReader(io.MultiReader(bytes.NewReader(head), strings.NewReader("\r\n\r\n"))))
	h, err := r.ReadMIMEHeader()
	if err != nil {
		return nil, nil, err
	}
	return h, body, nil
}

// skipMboxLine drops an mbox "From " envelope line, which some tools keep
// at the top of a message.
func skipMboxLine(raw []byte) []byte {
	if bytes.HasPrefix(raw, []byte("From ")) {
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			return raw[i+1:]
		}
	}
	return raw
}

// splitMultipart returns the parts of a multipart body, each exactly as it
// stands between its delimiter lines (RFC 2046 section 5.1.1: the line end
// before a delimiter belongs to the delimiter). It fails when the closing
// delimiter is missing, which is how a truncated message shows.
func splitMultipart(body []byte, boundary string, maxParts int) ([][]byte, error) {
	if boundary == "" {
		return nil, errors.New("no boundary parameter")
	}
	if len(boundary) > 200 {
		return nil, errors.New("the boundary is longer than 200 characters")
	}
	delim := []byte("--" + boundary)
	var parts [][]byte
	start := -1
	for pos := 0; pos <= len(body); {
		end := bytes.IndexByte(body[pos:], '\n')
		next := len(body) + 1
		if end < 0 {
			end = len(body)
		} else {
			end += pos
			next = end + 1
		}
		line := bytes.TrimSuffix(body[pos:end], []byte("\r"))
		if rest, ok := bytes.CutPrefix(line, delim); ok {
			closing := bytes.HasPrefix(rest, []byte("--"))
			if closing {
				rest = rest[2:]
			}
			if len(bytes.TrimRight(rest, " \t")) == 0 {
				if start >= 0 {
					stop := pos
					if stop > start && body[stop-1] == '\n' {
						stop--
						if stop > start && body[stop-1] == '\r' {
							stop--
						}
					}
					parts = append(parts, body[start:stop])
					if len(parts) > maxParts {
						return nil, fmt.Errorf("more than %d parts", maxParts)
					}
				}
				if closing {
					if len(parts) == 0 {
						return nil, errors.New("no parts")
					}
					return parts, nil
				}
				start = min(next, len(body))
			}
		}
		pos = next
	}
	return nil, errors.New("the body ends without its closing boundary (truncated?)")
}

// decodeTransfer undoes a Content-Transfer-Encoding, leniently: bad input
// decodes as well as it can rather than failing.
func decodeTransfer(body []byte, cte string) []byte {
	switch cte {
	case "base64":
		return decodeBase64(body)
	case "quoted-printable":
		return decodeQP(body)
	}
	return body
}

func decodeBase64(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c == '=':
			goto done
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		}
	}
done:
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, base64.RawStdEncoding.DecodedLen(len(clean)))
	n, _ := base64.RawStdEncoding.Decode(out, clean)
	return out[:n]
}

func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		switch {
		case i+2 < len(b) && b[i+1] == '\r' && b[i+2] == '\n':
			i += 2 // soft line break
		case i+1 < len(b) && b[i+1] == '\n':
			i++
		case i+2 < len(b) && isHex(b[i+1]) && isHex(b[i+2]):
			out = append(out, unhex(b[i+1])<<4|unhex(b[i+2]))
			i += 2
		default:
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}

// decodeCharset turns text in charset into valid UTF-8. An unknown charset
// gives an error and the text with invalid bytes replaced.
func decodeCharset(b []byte, charset string) (string, error) {
	cs := strings.ToLower(strings.TrimSpace(charset))
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return strings.ToValidUTF8(string(b), "\uFFFD"), nil
	}
	enc, err := htmlindex.Get(cs)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), fmt.Errorf("unknown charset %q", clip(charset, 40))
	}
	out, _, err := transform.Bytes(enc.NewDecoder(), b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD"), fmt.Errorf("text not in charset %q", clip(charset, 40))
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), nil
}

var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc, err := htmlindex.Get(strings.ToLower(charset))
	if err != nil {
		return nil, err
	}
	return transform.NewReader(r, enc.NewDecoder()), nil
}}

// decodeHeader decodes RFC 2047 encoded words and removes control
// characters; undecodable words stay as they are.
func decodeHeader(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		s = d
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f || r == ' ' }), " ")
}

// crlf makes every line end CRLF, as signatures over MIME entities expect.
func crlf(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	return bytes.ReplaceAll(b, []byte("\n"), []byte("\r\n"))
}

// normalizeText makes line ends "\n" and drops control characters other
// than tab and newline.
func normalizeText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == '\r':
			return '\n'
		case r < 0x20 || r == 0x7f:
			return -1
		}
		return r
	}, s)
}
