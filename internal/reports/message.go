package reports

import (
	"context"
	"database/sql"
	"html/template"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
	"github.com/parleycvd/parley/internal/store"
)

// Author is who wrote a message.
type Author string

// The authors of messages.
const (
	AuthorReporter    Author = "reporter"
	AuthorCoordinator Author = "coordinator"
	AuthorSystem      Author = "system" // Parley itself, e.g. closing a report nobody answered
)

// MessageKind is what a message is.
type MessageKind string

// The kinds of message. Only KindNote is internal.
const (
	KindMessage  MessageKind = "message"  // from the reporter
	KindReply    MessageKind = "reply"    // a coordinator's answer to the reporter
	KindNote     MessageKind = "note"     // a coordinator's internal note: never shown to the reporter
	KindQuestion MessageKind = "question" // a coordinator's question; the report waits for the answer
	KindNotice   MessageKind = "notice"   // the announcement of a change (acknowledged, validated, closed...)
)

// Message is one entry of a report's conversation.
type Message struct {
	ID           int64
	ReportID     int64
	Author       Author
	AuthorUserID int64 // 0 for anonymous reporters and the system
	Kind         MessageKind
	Body         string // Markdown
	Internal     bool
	CreatedAt    time.Time
}

// HTML is the message's body rendered as sanitised HTML.
func (m Message) HTML() template.HTML { return markdown.Render(m.Body) }

func insertMessage(ctx context.Context, tx *sql.Tx, m Message) (Message, error) {
	m.Internal = m.Kind == KindNote
	err := tx.QueryRowContext(ctx, `INSERT INTO report_messages (report_id, author, author_user_id, kind, body, internal, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
		m.ReportID, string(m.Author), nullID(m.AuthorUserID), string(m.Kind), m.Body, m.Internal, m.CreatedAt).Scan(&m.ID)
	return m, err
}

// messages lists a report's conversation in order; internal notes only
// when withInternal.
func messages(ctx context.Context, q store.Querier, reportID int64, withInternal bool) ([]Message, error) {
	query := `SELECT id, report_id, author, author_user_id, kind, body, internal, created_at FROM report_messages WHERE report_id = $1`
	if !withInternal {
		query += ` AND internal = FALSE`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY id`, reportID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		var author, kind string
		var user sql.NullInt64
		if err := rows.Scan(&m.ID, &m.ReportID, &author, &user, &kind, &m.Body, &m.Internal, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.Author, m.Kind, m.AuthorUserID, m.CreatedAt = Author(author), MessageKind(kind), user.Int64, m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// Messages returns a report's conversation: with internal notes for staff,
// without for the report's signed-in reporter.
func (s *Service) Messages(ctx context.Context, p auth.Principal, reportID int64) ([]Message, error) {
	r, err := getRow(ctx, s.db.Read(), reportID)
	if err != nil {
		return nil, err
	}
	if err := CanView(p, r.ReporterUserID); err != nil {
		return nil, err
	}
	return messages(ctx, s.db.Read(), reportID, CanSeeInternal(p))
}

// Reply adds a coordinator's message to a report: KindReply (the reporter
// sees it and is told) or KindNote (internal). A reply to a report not yet
// acknowledged acknowledges it.
func (s *Service) Reply(ctx context.Context, p auth.Principal, reportID int64, body string, kind MessageKind) (Message, error) {
	if kind != KindReply && kind != KindNote {
		return Message{}, errs.Field("kind", "must be reply or note")
	}
	body, err := text("body", body, MaxText, true)
	if err != nil {
		return Message{}, err
	}
	var m Message
	_, err = s.change(ctx, p, reportID, 0, func(c *change) error {
		if kind == KindReply && c.r.AcknowledgedAt.IsZero() {
			c.acknowledge()
		}
		m, err = c.message(AuthorCoordinator, kind, body)
		if err != nil {
			return err
		}
		c.action, c.data = "report.replied", map[string]any{"message_id": m.ID, "kind": kind}
		if kind == KindReply {
			return notify(ctx, c.tx, c.now, c.r.Report, m)
		}
		return nil
	})
	return m, err
}
