package api

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// Wire types of reports. A report's RM state is the model's letter (rm
// "R") with its name; the triage state (priority, assignee, SSVC, the
// reporter's track record) is only ever sent to coordinator staff.

// ReportDetails is what a reporter tells about a vulnerability: the body
// of a submission (with ReportInput's attachments) and the details of a
// report as read. Field names are those that validation errors name, e.g.
// "products[1].versions[0]" or "contact.email".
type ReportDetails struct {
	Title             string             `json:"title"`
	Products          []ReportProduct    `json:"products"`
	Vendors           []ReportVendor     `json:"vendors"`
	Description       string             `json:"description"`
	ProofOfConcept    string             `json:"proof_of_concept"`
	Impact            string             `json:"impact"`
	HowFound          string             `json:"how_found"`
	FoundOn           string             `json:"found_on"`
	AlreadyReportedTo string             `json:"already_reported_to"`
	PublicDetails     string             `json:"public_details"`
	PubliclyKnown     bool               `json:"publicly_known"`
	ExploitPublic     bool               `json:"exploit_public"`
	ActivelyExploited bool               `json:"actively_exploited"`
	Critical          bool               `json:"critical"`
	Disclosure        ReportDisclosure   `json:"disclosure"`
	Contact           ReportContact      `json:"contact"`
	PGPKey            string             `json:"pgp_key"`
	ShareContact      bool               `json:"share_contact"`
	Credit            reports.CreditWish `json:"credit"`
	CreditName        string             `json:"credit_name"`
	TrackingIDs       []string           `json:"tracking_ids"`
	AIUse             reports.AIUse      `json:"ai_use"`
	AIDetails         string             `json:"ai_details"`
}

// ReportProduct is an affected product and its affected versions.
type ReportProduct struct {
	Name     string   `json:"name"`
	Versions []string `json:"versions"`
}

// ReportVendor is a vendor the reporter named; OrgID links it to an
// organisation of the directory.
type ReportVendor struct {
	Name  string `json:"name"`
	OrgID int64  `json:"org_id,omitempty"`
}

// ReportDisclosure is the reporter's own publication plan: a date
// ("2026-09-01" or "2026-09-01T09:00") local to an IANA time zone.
type ReportDisclosure struct {
	Date  string `json:"date"`
	Zone  string `json:"zone"`
	Notes string `json:"notes"`
}

// ReportContact is how to reach the reporter; every part is optional.
type ReportContact struct {
	Name         string `json:"name"`
	Organisation string `json:"organisation"`
	Email        string `json:"email"`
}

// ReportInput is the body of submitting a report.
type ReportInput struct {
	ReportDetails
	Attachments []ReportAttachmentInput `json:"attachments"`
}

// ReportAttachmentInput is a file sent with a report, its content in
// standard base64.
type ReportAttachmentInput struct {
	Name string `json:"name"`
	Data string `json:"data"`
}

func (in ReportInput) submission() (reports.Submission, error) {
	d := in.ReportDetails
	sub := reports.Submission{Channel: reports.ChannelAPI, Details: reports.Details{
		Title: d.Title, Description: d.Description, ProofOfConcept: d.ProofOfConcept, Impact: d.Impact, HowFound: d.HowFound,
		FoundOn: d.FoundOn, AlreadyReportedTo: d.AlreadyReportedTo, PublicDetails: d.PublicDetails, PubliclyKnown: d.PubliclyKnown,
		ExploitPublic: d.ExploitPublic, ActivelyExploited: d.ActivelyExploited, Critical: d.Critical,
		Disclosure: reports.Disclosure{Date: d.Disclosure.Date, Zone: d.Disclosure.Zone, Notes: d.Disclosure.Notes},
		Contact:    reports.Contact{Name: d.Contact.Name, Organisation: d.Contact.Organisation, Email: d.Contact.Email},
		PGPKey:     d.PGPKey, ShareContact: d.ShareContact, Credit: d.Credit, CreditName: d.CreditName,
		TrackingIDs: d.TrackingIDs, AIUse: d.AIUse, AIDetails: d.AIDetails,
	}}
	for _, p := range d.Products {
		sub.Products = append(sub.Products, reports.Product{Name: p.Name, Versions: p.Versions})
	}
	for _, v := range d.Vendors {
		sub.Vendors = append(sub.Vendors, reports.Vendor{Name: v.Name, OrgID: v.OrgID})
	}
	for i, a := range in.Attachments {
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(a.Data))
		if err != nil {
			return sub, errs.Field(fmt.Sprintf("attachments[%d].data", i), "must be the file's content in standard base64")
		}
		sub.Attachments = append(sub.Attachments, reports.NewAttachment{Name: a.Name, Data: data})
	}
	return sub, nil
}

func detailsOut(d reports.Details) ReportDetails {
	out := ReportDetails{
		Title: d.Title, Products: []ReportProduct{}, Vendors: []ReportVendor{}, Description: d.Description,
		ProofOfConcept: d.ProofOfConcept, Impact: d.Impact, HowFound: d.HowFound, FoundOn: d.FoundOn,
		AlreadyReportedTo: d.AlreadyReportedTo, PublicDetails: d.PublicDetails, PubliclyKnown: d.PubliclyKnown,
		ExploitPublic: d.ExploitPublic, ActivelyExploited: d.ActivelyExploited, Critical: d.Critical,
		Disclosure: ReportDisclosure{Date: d.Disclosure.Date, Zone: d.Disclosure.Zone, Notes: d.Disclosure.Notes},
		Contact:    ReportContact{Name: d.Contact.Name, Organisation: d.Contact.Organisation, Email: d.Contact.Email},
		PGPKey:     d.PGPKey, ShareContact: d.ShareContact, Credit: d.Credit, CreditName: d.CreditName,
		TrackingIDs: append([]string{}, d.TrackingIDs...), AIUse: d.AIUse, AIDetails: d.AIDetails,
	}
	for _, p := range d.Products {
		out.Products = append(out.Products, ReportProduct{Name: p.Name, Versions: append([]string{}, p.Versions...)})
	}
	for _, v := range d.Vendors {
		out.Vendors = append(out.Vendors, ReportVendor{Name: v.Name, OrgID: v.OrgID})
	}
	return out
}

// ReportReceipt is the answer to a submission. FollowUpSecret opens the
// report's follow-up page; it is shown only here.
type ReportReceipt struct {
	ID             int64       `json:"id"`
	TrackingID     string      `json:"tracking_id"`
	FollowUpSecret string      `json:"follow_up_secret"`
	Completeness   []ReportGap `json:"completeness"`
}

// ReportGap is something a report lacks, with why it matters. Gaps are
// advice: they never block a report.
type ReportGap struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func receiptOut(rc reports.Receipt) ReportReceipt {
	out := ReportReceipt{ID: rc.ReportID, TrackingID: rc.TrackingID, FollowUpSecret: rc.FollowUpSecret, Completeness: []ReportGap{}}
	for _, g := range rc.Completeness {
		out.Completeness = append(out.Completeness, ReportGap{Field: g.Field, Message: g.Message})
	}
	return out
}

// ReportQueueItem is a line of the triage queue. Age is in seconds,
// without the time the report waited for its reporter.
type ReportQueueItem struct {
	ID                int64             `json:"id"`
	TrackingID        string            `json:"tracking_id"`
	Title             string            `json:"title"`
	Products          string            `json:"products"`
	Vendors           string            `json:"vendors"`
	Status            string            `json:"status"`
	RM                string            `json:"rm"`
	RMName            string            `json:"rm_name"`
	Outcome           string            `json:"outcome"`
	Priority          string            `json:"priority"`
	AssigneeID        int64             `json:"assignee_id,omitempty"`
	Channel           string            `json:"channel"`
	ActivelyExploited bool              `json:"actively_exploited"`
	Critical          bool              `json:"critical"`
	DuplicateOf       int64             `json:"duplicate_of,omitempty"`
	SSVCOutcome       string            `json:"ssvc_outcome,omitempty"`
	ReceivedAt        time.Time         `json:"received_at"`
	AcknowledgedAt    *time.Time        `json:"acknowledged_at,omitempty"`
	AgeSeconds        int64             `json:"age_seconds"`
	AckDue            *time.Time        `json:"ack_due,omitempty"`
	Overdue           bool              `json:"overdue"`
	ReporterUserID    int64             `json:"reporter_user_id,omitempty"`
	Reporter          ReportTrackRecord `json:"reporter"`
	Version           int               `json:"version"`
}

// ReportTrackRecord counts a reporter's reports by the coordinator's verdict.
type ReportTrackRecord struct {
	Valid     int `json:"valid"`
	Duplicate int `json:"duplicate"`
	Invalid   int `json:"invalid"`
	Pending   int `json:"pending"`
}

func queueItemOut(it reports.QueueItem) ReportQueueItem {
	return ReportQueueItem{ID: it.ID, TrackingID: it.TrackingID, Title: it.Title, Products: it.Products, Vendors: it.Vendors,
		Status: string(it.Status), RM: it.RM.String(), RMName: it.RM.Name(), Outcome: string(it.Outcome), Priority: string(it.Priority),
		AssigneeID: it.AssigneeID, Channel: string(it.Channel), ActivelyExploited: it.ActivelyExploited, Critical: it.Critical,
		DuplicateOf: it.DuplicateOf, SSVCOutcome: it.SSVCOutcome, ReceivedAt: it.ReceivedAt, AcknowledgedAt: optTime(it.AcknowledgedAt),
		AgeSeconds: int64(it.Age / time.Second), AckDue: optTime(it.AckDue), Overdue: it.Overdue, ReporterUserID: it.ReporterUserID,
		Reporter: ReportTrackRecord(it.Reporter), Version: it.Version}
}

// ReportSummary is a line of the caller's own reports.
type ReportSummary struct {
	ID             int64      `json:"id"`
	TrackingID     string     `json:"tracking_id"`
	Title          string     `json:"title"`
	Status         string     `json:"status"`
	RM             string     `json:"rm"`
	RMName         string     `json:"rm_name"`
	ReceivedAt     time.Time  `json:"received_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

func summaryOut(s reports.Summary) ReportSummary {
	return ReportSummary{ID: s.ID, TrackingID: s.TrackingID, Title: s.Title, Status: string(s.Status), RM: s.RM.String(),
		RMName: s.RM.Name(), ReceivedAt: s.ReceivedAt, AcknowledgedAt: optTime(s.AcknowledgedAt), UpdatedAt: s.UpdatedAt}
}

// Report is one report. Coordinator staff get Triage and Version (send
// it back with a decision); its reporter gets StatusText instead, where
// the report stands in plain words. Messages are present when the report
// is read, not in the answer to a decision.
type Report struct {
	ID             int64              `json:"id"`
	TrackingID     string             `json:"tracking_id"`
	Details        ReportDetails      `json:"details"`
	DisclosureAt   *time.Time         `json:"disclosure_at,omitempty"`
	Channel        string             `json:"channel"`
	Status         string             `json:"status"`
	RM             string             `json:"rm"`
	RMName         string             `json:"rm_name"`
	Resolution     string             `json:"resolution,omitempty"`
	StatusText     string             `json:"status_text,omitempty"`
	ReceivedAt     time.Time          `json:"received_at"`
	AcknowledgedAt *time.Time         `json:"acknowledged_at,omitempty"`
	AckDue         *time.Time         `json:"ack_due,omitempty"`
	WaitingUntil   *time.Time         `json:"waiting_until,omitempty"`
	ClosedAt       *time.Time         `json:"closed_at,omitempty"`
	Attachments    []ReportAttachment `json:"attachments"`
	Messages       []ReportMessage    `json:"messages,omitempty"`
	Triage         *ReportTriage      `json:"triage,omitempty"`
	Version        int                `json:"version,omitempty"`
}

// ReportTriage is the coordinator's state of a report.
type ReportTriage struct {
	Outcome        string      `json:"outcome"`
	Priority       string      `json:"priority"`
	AssigneeID     int64       `json:"assignee_id,omitempty"`
	AssigneeName   string      `json:"assignee_name,omitempty"`
	DuplicateOf    int64       `json:"duplicate_of,omitempty"`
	ReporterUserID int64       `json:"reporter_user_id,omitempty"`
	WaitingSince   *time.Time  `json:"waiting_since,omitempty"`
	PausedSeconds  int64       `json:"paused_seconds"`
	UpdatedAt      time.Time   `json:"updated_at"`
	SSVC           *ReportSSVC `json:"ssvc,omitempty"`
}

// ReportSSVC is a stored Coordinator Triage assessment.
type ReportSSVC struct {
	Outcome       string          `json:"outcome"`
	SelectionList json.RawMessage `json:"selection_list"`
	AssessedAt    time.Time       `json:"assessed_at"`
}

// ReportAttachment describes an attachment; its content type was sniffed
// and is information, never trusted.
type ReportAttachment struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `json:"sha256"`
	CreatedAt   time.Time `json:"created_at"`
}

// ReportMessage is one entry of a report's conversation; internal notes
// are only shown to staff.
type ReportMessage struct {
	ID           int64     `json:"id"`
	Author       string    `json:"author"`
	AuthorUserID int64     `json:"author_user_id,omitempty"`
	Kind         string    `json:"kind"`
	Body         string    `json:"body"`
	Internal     bool      `json:"internal"`
	CreatedAt    time.Time `json:"created_at"`
}

func messageOut(m reports.Message) ReportMessage {
	return ReportMessage{ID: m.ID, Author: string(m.Author), AuthorUserID: m.AuthorUserID, Kind: string(m.Kind), Body: m.Body,
		Internal: m.Internal, CreatedAt: m.CreatedAt}
}

func messagesOut(list []reports.Message) []ReportMessage {
	out := []ReportMessage{}
	for _, m := range list {
		out = append(out, messageOut(m))
	}
	return out
}

func attachmentsOut(list []reports.Attachment) []ReportAttachment {
	out := []ReportAttachment{}
	for _, a := range list {
		out = append(out, ReportAttachment{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size, SHA256: a.SHA256, CreatedAt: a.CreatedAt})
	}
	return out
}

// reportOut is the staff view of a report.
func reportOut(r reports.Report) Report {
	out := Report{ID: r.ID, TrackingID: r.TrackingID, Details: detailsOut(r.Details), DisclosureAt: optTime(r.DisclosureAt),
		Channel: string(r.Channel), Status: string(r.Status), RM: r.RM.String(), RMName: r.RM.Name(), Resolution: string(r.Resolution),
		ReceivedAt: r.ReceivedAt, AcknowledgedAt: optTime(r.AcknowledgedAt), ClosedAt: optTime(r.ClosedAt),
		Attachments: attachmentsOut(r.Attachments), Version: r.Version,
		Triage: &ReportTriage{Outcome: string(r.Outcome), Priority: string(r.Priority), AssigneeID: r.AssigneeID, DuplicateOf: r.DuplicateOf,
			ReporterUserID: r.ReporterUserID, WaitingSince: optTime(r.WaitingSince), PausedSeconds: int64(r.Paused / time.Second),
			UpdatedAt: r.UpdatedAt}}
	if r.SSVC.Outcome != "" {
		out.Triage.SSVC = &ReportSSVC{Outcome: r.SSVC.Outcome, SelectionList: json.RawMessage(r.SSVC.SelectionList), AssessedAt: r.SSVC.AssessedAt}
	}
	return out
}

// reporterViewOut is the reporter's view of their report.
func reporterViewOut(v reports.ReporterView) Report {
	return Report{ID: v.ID, TrackingID: v.TrackingID, Details: detailsOut(v.Details), DisclosureAt: optTime(v.DisclosureAt),
		Channel: string(v.Channel), Status: string(v.Status), RM: v.RM.String(), RMName: v.RM.Name(), Resolution: string(v.Resolution),
		StatusText: v.StatusText, ReceivedAt: v.ReceivedAt, AcknowledgedAt: optTime(v.AcknowledgedAt), AckDue: optTime(v.AckDue),
		WaitingUntil: optTime(v.WaitingUntil), ClosedAt: optTime(v.ClosedAt), Attachments: attachmentsOut(v.Attachments),
		Messages: messagesOut(v.Messages)}
}

// ReportDecisionInput is the body of validate, invalidate, accept, defer
// and close: the version read, a canned reason (required to invalidate,
// defer and close) and the coordinator's own words to the reporter.
type ReportDecisionInput struct {
	Version int    `json:"version"`
	Reason  string `json:"reason"`
	Message string `json:"message"`
}

// ReportAckInput is the body of acknowledging a report.
type ReportAckInput struct {
	Version int    `json:"version"`
	Message string `json:"message"`
}

// ReportAskInput is the body of asking the reporter a question.
type ReportAskInput struct {
	Version  int    `json:"version"`
	Question string `json:"question"`
}

// ReportMessageInput is the body of adding a message: staff send a reply
// (the reporter sees it) or a note (internal); the reporter's kind is
// always "message".
type ReportMessageInput struct {
	Body string `json:"body"`
	Kind string `json:"kind"`
}

// ReportAssessInput is the body of an SSVC Coordinator Triage assessment:
// decision point name to value name (or key).
type ReportAssessInput struct {
	Selections map[string]string `json:"selections"`
}

// ReportAssessment is an assessment's outcome, the suggested next step,
// the values chosen and the stored SSVC selection list.
type ReportAssessment struct {
	Outcome       string            `json:"outcome"`
	Next          string            `json:"next"`
	Selections    []ReportSelection `json:"selections"`
	SelectionList json.RawMessage   `json:"selection_list"`
	AssessedAt    time.Time         `json:"assessed_at"`
}

// ReportSelection is one decision point with the value chosen; Derived
// when a helper table computed it.
type ReportSelection struct {
	DecisionPoint string `json:"decision_point"`
	Value         string `json:"value"`
	Derived       bool   `json:"derived,omitempty"`
}

func assessmentOut(a reports.Assessment) ReportAssessment {
	out := ReportAssessment{Outcome: a.Outcome, Next: a.Next, Selections: []ReportSelection{}, SelectionList: json.RawMessage(a.SelectionList),
		AssessedAt: a.AssessedAt}
	for _, s := range a.Selections {
		out.Selections = append(out.Selections, ReportSelection{DecisionPoint: s.DecisionPoint.Name, Value: s.Value.Name, Derived: s.Derived})
	}
	return out
}
