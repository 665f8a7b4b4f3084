package reports

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Reporter is the reporter of one report, proven either by the follow-up
// secret or as the signed-in account that submitted it.
type Reporter struct {
	Secret    string
	Principal auth.Principal
	ReportID  int64 // with Principal
}

// BySecret is the reporter holding a follow-up secret.
func BySecret(secret string) Reporter { return Reporter{Secret: secret} }

// ByAccount is the signed-in reporter of report id.
func ByAccount(p auth.Principal, id int64) Reporter { return Reporter{Principal: p, ReportID: id} }

// ReporterView is a report as its reporter sees it: what they sent, where
// it stands in plain words, and the conversation without internal notes.
type ReporterView struct {
	ID             int64
	TrackingID     string
	Details        Details
	DisclosureAt   time.Time
	Channel        Channel
	Status         Status
	RM             protocol.RMState
	Resolution     Reason
	Duplicate      bool
	StatusText     string // where the report stands, in plain words
	ReceivedAt     time.Time
	AcknowledgedAt time.Time
	AckDue         time.Time // zero once acknowledged
	WaitingUntil   time.Time // when an unanswered question closes the report; zero unless waiting
	ClosedAt       time.Time
	Attachments    []Attachment
	Messages       []Message
	// What the reporter's pages show beyond the report (capacity.go,
	// timeline.go): the capacity chosen, the case the report is filed in
	// (0: none) and the coordinator's decisions, for the timeline.
	Capacity   Capacity
	CapacityAt time.Time
	CaseID     int64
	Milestones []Milestone
}

// ByFollowUp returns the report whose follow-up secret is secret, as its
// reporter sees it. A wrong secret is NotFound.
func (s *Service) ByFollowUp(ctx context.Context, secret string) (ReporterView, error) {
	return s.View(ctx, BySecret(secret))
}

// View returns the report of who, as its reporter sees it.
func (s *Service) View(ctx context.Context, who Reporter) (ReporterView, error) {
	id, err := s.resolve(ctx, who, false)
	if err != nil {
		return ReporterView{}, err
	}
	q := s.db.Read()
	r, err := load(ctx, q, id)
	if err != nil {
		return ReporterView{}, err
	}
	msgs, err := messages(ctx, q, id, false)
	if err != nil {
		return ReporterView{}, err
	}
	v := s.reporterView(r, msgs)
	return v, viewExtras(ctx, q, &v)
}

// resolve finds the report who may read (or, with write, add to).
func (s *Service) resolve(ctx context.Context, who Reporter, write bool) (int64, error) {
	if who.Secret != "" {
		r, err := rowByKey(ctx, s.db.Read(), followUpKey(who.Secret))
		return r.ID, err
	}
	r, err := getRow(ctx, s.db.Read(), who.ReportID)
	if err != nil {
		return 0, err
	}
	check := CanView
	if write {
		check = CanWriteAsReporter
	}
	// Staff may read a report as its reporter would, to see what they see,
	// but only the reporter writes as the reporter.
	if err := check(who.Principal, r.ReporterUserID); err != nil {
		return 0, err
	}
	return r.ID, nil
}

func (s *Service) reporterView(r Report, msgs []Message) ReporterView {
	v := ReporterView{ID: r.ID, TrackingID: r.TrackingID, Details: r.Details, DisclosureAt: r.DisclosureAt, Channel: r.Channel,
		Status: r.Status, RM: r.RM, Resolution: r.Resolution, Duplicate: r.Outcome == OutcomeDuplicate,
		ReceivedAt: r.ReceivedAt, AcknowledgedAt: r.AcknowledgedAt, ClosedAt: r.ClosedAt, Attachments: r.Attachments, Messages: msgs}
	if r.AcknowledgedAt.IsZero() {
		v.AckDue = AckDue(r.ReceivedAt, s.pol.AckBusinessDays, s.pol.Location)
	}
	if r.Status == StatusWaiting {
		v.WaitingUntil = r.WaitingSince.Add(s.pol.WaitingExpiry)
	}
	v.StatusText = statusText(v)
	return v
}

// statusText says where a report stands, for its reporter.
func statusText(v ReporterView) string {
	const day = "2 January 2006"
	switch {
	case v.Status == StatusNew:
		return fmt.Sprintf("Received. We aim to acknowledge it by %s.", v.AckDue.Format(day))
	case v.Status == StatusWaiting:
		return fmt.Sprintf("We have asked you a question: please answer below by %s, or the report will be closed.", v.WaitingUntil.Format(day))
	case v.Duplicate && v.RM != protocol.RMClosed:
		return "Linked to an earlier report of the same issue, which we are handling."
	}
	switch v.RM {
	case protocol.RMInvalid:
		return "We could not treat this report as a vulnerability. " + v.Resolution.Text()
	case protocol.RMValid:
		return "Confirmed as a vulnerability; we are deciding how to coordinate it."
	case protocol.RMAccepted:
		return "Accepted: we are coordinating it with the vendor."
	case protocol.RMDeferred:
		return "On hold. " + v.Resolution.Text()
	case protocol.RMClosed:
		return "Closed. " + v.Resolution.Text()
	}
	return "Acknowledged: a coordinator is looking at it."
}

// AddReporterMessage adds the reporter's message to their report (an
// answer, or more information). A report waiting for an answer goes back
// to the coordinator and its clock runs again. Coordinator staff are told
// (report.reporter_message). A closed report still takes a late answer for
// the policy's WaitingExpiry after closing, then refuses messages (closed
// is final: the reporter sends a new report).
func (s *Service) AddReporterMessage(ctx context.Context, who Reporter, body string) (Message, error) {
	body, err := text("body", body, MaxText, true)
	if err != nil {
		return Message{}, err
	}
	id, err := s.resolve(ctx, who, true)
	if err != nil {
		return Message{}, err
	}
	actor, userID := journal.Actor{Name: "reporter"}, int64(0)
	if who.Secret == "" {
		actor, userID = who.Principal.Actor(), who.Principal.UserID
	}
	var m Message
	_, err = s.run(ctx, id, 0, nil, actor, userID, func(c *change) error {
		if c.r.RM == protocol.RMClosed && c.now.Sub(c.r.ClosedAt) > s.pol.WaitingExpiry {
			return errs.E(errs.Conflict, "this report was closed on %s; please send a new report and mention %s",
				c.r.ClosedAt.Format("2 January 2006"), c.r.TrackingID)
		}
		c.stopWaiting()
		if m, err = c.message(AuthorReporter, KindMessage, body); err != nil {
			return err
		}
		c.action, c.data["message_id"] = "report.reporter_message", m.ID
		return enqueue(ctx, c.tx, c.now, JobReporterMessage, eventOf(c.r.Report, m.ID))
	})
	return m, err
}

// Summary is a line of a list of reports.
type Summary struct {
	ID             int64
	TrackingID     string
	Title          string
	Status         Status
	RM             protocol.RMState
	ReceivedAt     time.Time
	AcknowledgedAt time.Time
	UpdatedAt      time.Time
	CaseID         int64 // the case it is filed in, 0 if none
	Capacity       Capacity
}

// Mine lists the reports the signed-in p submitted, newest first; a page
// continues with the reports older than page.After.
func (s *Service) Mine(ctx context.Context, p auth.Principal, page store.Page) ([]Summary, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	after := page.After
	if after <= 0 {
		after = 1 << 62
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT id, tracking_id, title, status, rm_state, received_at, acknowledged_at, updated_at,
		case_id, capacity FROM reports WHERE reporter_user_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, p.UserID, after, page.Size())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var m Summary
		var status, rm, capacity string
		var ack sql.NullTime
		var caseID sql.NullInt64
		if err := rows.Scan(&m.ID, &m.TrackingID, &m.Title, &status, &rm, &m.ReceivedAt, &ack, &m.UpdatedAt, &caseID, &capacity); err != nil {
			return nil, err
		}
		m.Status, m.AcknowledgedAt, m.CaseID, m.Capacity = Status(status), utc(ack), caseID.Int64, Capacity(capacity)
		if m.RM, err = protocol.ParseRMState(rm); err != nil {
			return nil, err
		}
		m.ReceivedAt, m.UpdatedAt = m.ReceivedAt.UTC(), m.UpdatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}
