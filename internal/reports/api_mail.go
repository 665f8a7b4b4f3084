package reports

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// MailTrace is what the mail intake makes of one e-mail, for MailTaken:
// a reply to the report it names (Reply), or else a new report
// (Submission), as they would be given to AddMailReply or Submit.
type MailTrace struct {
	Since      time.Time  // when the e-mail was stored: nothing made before counts
	Reply      *MailReply // a reply to a report; nil for a new report
	Submission Submission // the new report
}

// mailSlack is how much earlier than Since a report or message may be
// dated and still count, for clocks rounded by the database.
const mailSlack = time.Second

// MailTaken returns the tracking ID of the report that holds what the
// mail intake made of an e-mail already, or "" when it made nothing: the
// reporter's message with the reply's text in the report it names, or a
// report by e-mail with the submission's title and description, made since
// the e-mail was stored. The intake asks before it files an e-mail again
// (a retry after a failure between filing it and marking it taken in), so
// that an e-mail is filed once. A trace that AddMailReply or Submit would
// refuse names nothing.
func (s *Service) MailTaken(ctx context.Context, t MailTrace) (string, error) {
	since := t.Since.UTC().Add(-mailSlack)
	if t.Reply != nil {
		body, ok := mailReplyBody(*t.Reply, s.pol)
		if !ok {
			return "", nil
		}
		return mailFound(s.db.Read().QueryRowContext(ctx, `SELECT r.tracking_id FROM report_messages m JOIN reports r ON r.id = m.report_id
			WHERE r.tracking_id = $1 AND m.author = $2 AND m.kind = $3 AND m.created_at >= $4 AND m.body = $5 ORDER BY m.id LIMIT 1`,
			strings.ToUpper(strings.TrimSpace(t.Reply.TrackingID)), string(AuthorReporter), string(KindMessage), since, body))
	}
	channel, err := checkChannel(t.Submission.Channel)
	if err != nil {
		return "", nil
	}
	d, err := checkTexts(t.Submission.Details)
	if err != nil {
		return "", nil
	}
	return mailFound(s.db.Read().QueryRowContext(ctx, `SELECT tracking_id FROM reports
		WHERE channel = $1 AND received_at >= $2 AND title = $3 AND description = $4 ORDER BY id LIMIT 1`,
		string(channel), since, d.Title, d.Description))
}

func mailFound(row *sql.Row) (string, error) {
	var tid string
	err := row.Scan(&tid)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return tid, err
}

// mailReplyBody is the body of the reporter's message AddMailReply makes
// of in; false when it would refuse it.
func mailReplyBody(in MailReply, pol Policy) (string, bool) {
	body, err := text("body", in.Body, MaxText, false)
	if err != nil {
		return "", false
	}
	atts, err := checkAttachments(in.Attachments, pol)
	if err != nil || (body == "" && len(atts) == 0) {
		return "", false
	}
	if body == "" {
		body = "(no text)"
	}
	if len(atts) > 0 {
		names := make([]string, len(atts))
		for i, a := range atts {
			names[i] = a.Name
		}
		body += fmt.Sprintf("\n\n(Attached by e-mail: %s)", strings.Join(names, ", "))
	}
	return body, true
}
