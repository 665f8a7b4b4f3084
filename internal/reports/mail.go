package reports

import (
	"context"
	"fmt"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// MailReply is an e-mail that names an existing report by its tracking ID
// (a reply to a receipt or a notice), for AddMailReply.
type MailReply struct {
	TrackingID  string // e.g. RPT-2026-000123, any case of letters
	From        string // the sender's address
	Body        string // the mail's text
	Attachments []NewAttachment
}

// AddMailReply adds an e-mail to the report it names, as a message of its
// reporter, with the mail's attachments; it is AddReporterMessage for the
// mail intake. Only the reporter may write this way: From must be the
// report's contact address or the address of the reporter's account, else
// the mail is refused (errs.Forbidden), since anyone can put a tracking ID
// in a subject. (A From address can be forged; a coordinator reads the
// message in context, as with any mail.) A tracking ID that names no
// report is NotFound.
func (s *Service) AddMailReply(ctx context.Context, in MailReply) (Message, error) {
	id, err := s.byTrackingID(ctx, in.TrackingID)
	if err != nil {
		return Message{}, err
	}
	body, err := text("body", in.Body, MaxText, false)
	if err != nil {
		return Message{}, err
	}
	atts, err := checkAttachments(in.Attachments, s.pol)
	if err != nil {
		return Message{}, err
	}
	if body == "" && len(atts) == 0 {
		return Message{}, errs.Field("body", "is empty: the mail has no text and no attachment")
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
	from := strings.ToLower(strings.TrimSpace(in.From))
	check := func(r row) error {
		if from != "" && strings.EqualFold(r.Contact.Email, from) {
			return nil
		}
		if r.ReporterUserID != 0 && s.users != nil {
			u, err := s.users.Lookup(ctx, r.ReporterUserID)
			if err == nil && strings.EqualFold(u.Email, from) {
				return nil
			}
		}
		return errs.E(errs.Forbidden, "%s is not the reporter's address for %s", in.From, in.TrackingID)
	}
	var m Message
	actor := journal.Actor{Name: "reporter (e-mail)"}
	_, err = s.run(ctx, id, 0, check, actor, 0, func(c *change) error {
		if c.r.RM == protocol.RMClosed && c.now.Sub(c.r.ClosedAt) > s.pol.WaitingExpiry {
			return errs.E(errs.Conflict, "this report was closed on %s; please send a new report and mention %s",
				c.r.ClosedAt.Format("2 January 2006"), c.r.TrackingID)
		}
		c.stopWaiting()
		for _, a := range atts {
			if _, err := addAttachment(ctx, c.tx, c.now, c.r.ID, a); err != nil {
				return err
			}
		}
		if m, err = c.message(AuthorReporter, KindMessage, body); err != nil {
			return err
		}
		c.action, c.data["message_id"], c.data["channel"], c.data["attachments"] = "report.reporter_message", m.ID, ChannelEmail, len(atts)
		return enqueue(ctx, c.tx, c.now, JobReporterMessage, eventOf(c.r.Report, m.ID))
	})
	return m, err
}

// TrackingIDExists reports whether a report has the tracking ID, so that
// the mail intake can tell a reply from a new report.
func (s *Service) TrackingIDExists(ctx context.Context, trackingID string) (bool, error) {
	_, err := s.byTrackingID(ctx, trackingID)
	if errs.Is(err, errs.NotFound) {
		return false, nil
	}
	return err == nil, err
}

func (s *Service) byTrackingID(ctx context.Context, trackingID string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(trackingID))
	if !trackingIDPattern.MatchString(t) {
		return 0, notFound()
	}
	return idByTracking(ctx, s.db.Read(), t)
}

func idByTracking(ctx context.Context, q store.Querier, trackingID string) (int64, error) {
	r, err := scanRow(q.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE tracking_id = $1`, trackingID))
	return r.ID, err
}
