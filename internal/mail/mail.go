// Package mail sends e-mail: through an SMTP server in production, or into
// a mailbox table on the embedded default so that administrators can read
// what Parley would have sent without any mail server.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

// Message is one e-mail to one recipient.
type Message struct {
	From    string
	To      string
	Subject string
	Text    string // plain-text body
	Headers map[string]string
	// ContentType and Body, when Body is set, replace Text with a body
	// already encoded for the wire (7-bit, CRLF lines), such as a PGP/MIME
	// multipart/encrypted one.
	ContentType string
	Body        []byte
}

// Sender delivers a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// Compose renders m as an RFC 5322 message with a quoted-printable UTF-8
// body. Header values are folded into single lines so that user input
// cannot inject headers.
func Compose(m Message, now time.Time) ([]byte, error) {
	from, err := mail.ParseAddress(m.From)
	if err != nil {
		return nil, fmt.Errorf("from address: %w", err)
	}
	to, err := mail.ParseAddress(m.To)
	if err != nil {
		return nil, fmt.Errorf("to address: %w", err)
	}
	var b bytes.Buffer
	h := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, oneLine(v)) }
	h("From", from.String())
	h("To", to.String())
	h("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	h("Date", now.UTC().Format(time.RFC1123Z))
	h("Message-ID", "<"+randomID()+"@"+domainOf(from.Address)+">")
	h("MIME-Version", "1.0")
	if m.Body != nil {
		h("Content-Type", m.ContentType)
		h("Content-Transfer-Encoding", "7bit")
	} else {
		h("Content-Type", "text/plain; charset=utf-8")
		h("Content-Transfer-Encoding", "quoted-printable")
	}
	h("Auto-Submitted", "auto-generated")
	for k, v := range m.Headers {
		if !reserved[strings.ToLower(k)] {
			h(k, v)
		}
	}
	b.WriteString("\r\n")
	if m.Body != nil {
		b.Write(m.Body)
		return b.Bytes(), nil
	}
	qp := quotedprintable.NewWriter(&b)
	if _, err := qp.Write([]byte(strings.ReplaceAll(m.Text, "\n", "\r\n"))); err != nil {
		return nil, err
	}
	if err := qp.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// reserved are the headers Compose writes itself; extra headers never
// replace them.
var reserved = map[string]bool{"from": true, "to": true, "subject": true, "date": true, "message-id": true,
	"mime-version": true, "content-type": true, "content-transfer-encoding": true}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func domainOf(addr string) string {
	if i := strings.LastIndexByte(addr, '@'); i >= 0 {
		return addr[i+1:]
	}
	return "parley.invalid"
}

func randomID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Mailbox keeps messages in the database instead of sending them.
type Mailbox struct {
	DB  *store.DB
	Now func() time.Time
}

// Send stores m.
func (mb Mailbox) Send(ctx context.Context, m Message) error {
	raw, err := Compose(m, mb.Now())
	if err != nil {
		return err
	}
	return mb.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mailbox (mail_from, mail_to, subject, message, created_at) VALUES ($1, $2, $3, $4, $5)`,
			m.From, m.To, m.Subject, string(raw), mb.Now().UTC())
		return err
	})
}

// Stored is a message kept by Mailbox.
type Stored struct {
	ID        int64
	From      string
	To        string
	Subject   string
	Message   string
	CreatedAt time.Time
}

// List returns stored messages, newest first.
func List(ctx context.Context, q store.Querier, page store.Page) ([]Stored, error) {
	after := page.After
	if after == 0 {
		after = 1 << 62
	}
	rows, err := q.QueryContext(ctx, `SELECT id, mail_from, mail_to, subject, message, created_at FROM mailbox
		WHERE id < $1 ORDER BY id DESC LIMIT $2`, after, page.Size())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Stored
	for rows.Next() {
		var s Stored
		if err := rows.Scan(&s.ID, &s.From, &s.To, &s.Subject, &s.Message, &s.CreatedAt); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func addrOnly(s string) string {
	if a, err := mail.ParseAddress(s); err == nil {
		return a.Address
	}
	return s
}
