package client

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// Reports: submitting (anonymously with an empty Token), the triage queue
// and decisions of coordinator staff, and a reporter's own reports. A
// report is named by its numeric ID or its tracking ID (RPT-2026-000123).

// ReportReceipt is the answer to a submission; FollowUpSecret is shown
// only here.
type ReportReceipt struct {
	ID             int64       `json:"id"`
	TrackingID     string      `json:"tracking_id"`
	FollowUpSecret string      `json:"follow_up_secret"`
	Completeness   []ReportGap `json:"completeness"`
}

// ReportGap is something a report lacks, with why it matters.
type ReportGap struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// ReportQueueItem is a line of the triage queue.
type ReportQueueItem struct {
	ID                int64      `json:"id"`
	TrackingID        string     `json:"tracking_id"`
	Title             string     `json:"title"`
	Products          string     `json:"products"`
	Vendors           string     `json:"vendors"`
	Status            string     `json:"status"`
	RM                string     `json:"rm"`
	RMName            string     `json:"rm_name"`
	Outcome           string     `json:"outcome"`
	Priority          string     `json:"priority"`
	AssigneeID        int64      `json:"assignee_id,omitempty"`
	Channel           string     `json:"channel"`
	ActivelyExploited bool       `json:"actively_exploited"`
	Critical          bool       `json:"critical"`
	DuplicateOf       int64      `json:"duplicate_of,omitempty"`
	SSVCOutcome       string     `json:"ssvc_outcome,omitempty"`
	ReceivedAt        time.Time  `json:"received_at"`
	AcknowledgedAt    *time.Time `json:"acknowledged_at,omitempty"`
	AgeSeconds        int64      `json:"age_seconds"`
	AckDue            *time.Time `json:"ack_due,omitempty"`
	Overdue           bool       `json:"overdue"`
	ReporterUserID    int64      `json:"reporter_user_id,omitempty"`
	Reporter          struct {
		Valid     int `json:"valid"`
		Duplicate int `json:"duplicate"`
		Invalid   int `json:"invalid"`
		Pending   int `json:"pending"`
	} `json:"reporter"`
	Version int `json:"version"`
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

// Report is one report: with Triage and Version for staff, StatusText
// for its reporter. Details is kept as sent by the server.
type Report struct {
	ID             int64           `json:"id"`
	TrackingID     string          `json:"tracking_id"`
	Details        ReportDetails   `json:"details"`
	Channel        string          `json:"channel"`
	Status         string          `json:"status"`
	RM             string          `json:"rm"`
	RMName         string          `json:"rm_name"`
	Resolution     string          `json:"resolution,omitempty"`
	StatusText     string          `json:"status_text,omitempty"`
	ReceivedAt     time.Time       `json:"received_at"`
	AcknowledgedAt *time.Time      `json:"acknowledged_at,omitempty"`
	AckDue         *time.Time      `json:"ack_due,omitempty"`
	WaitingUntil   *time.Time      `json:"waiting_until,omitempty"`
	ClosedAt       *time.Time      `json:"closed_at,omitempty"`
	Attachments    []ReportFile    `json:"attachments"`
	Messages       []ReportMessage `json:"messages,omitempty"`
	Triage         *ReportTriage   `json:"triage,omitempty"`
	Version        int             `json:"version,omitempty"`
}

// ReportDetails are the parts of a report the reporter wrote that the CLI
// shows; the whole object is in the server's answer.
type ReportDetails struct {
	Title             string `json:"title"`
	Description       string `json:"description"`
	ProofOfConcept    string `json:"proof_of_concept"`
	Impact            string `json:"impact"`
	ActivelyExploited bool   `json:"actively_exploited"`
	Critical          bool   `json:"critical"`
	Products          []struct {
		Name     string   `json:"name"`
		Versions []string `json:"versions"`
	} `json:"products"`
	Vendors []struct {
		Name  string `json:"name"`
		OrgID int64  `json:"org_id,omitempty"`
	} `json:"vendors"`
	Contact struct {
		Name         string `json:"name"`
		Organisation string `json:"organisation"`
		Email        string `json:"email"`
	} `json:"contact"`
	AIUse string `json:"ai_use"`
}

// ReportTriage is the coordinator's state of a report.
type ReportTriage struct {
	Outcome      string `json:"outcome"`
	Priority     string `json:"priority"`
	AssigneeID   int64  `json:"assignee_id,omitempty"`
	AssigneeName string `json:"assignee_name,omitempty"`
	DuplicateOf  int64  `json:"duplicate_of,omitempty"`
	SSVC         *struct {
		Outcome string `json:"outcome"`
	} `json:"ssvc,omitempty"`
}

// Assignee names whom the report is assigned to: the name, or the user's
// ID when the name is not known.
func (t ReportTriage) Assignee() string {
	if t.AssigneeName != "" {
		return fmt.Sprintf("%s (user %d)", t.AssigneeName, t.AssigneeID)
	}
	return fmt.Sprintf("user %d", t.AssigneeID)
}

// ReportFile describes an attachment.
type ReportFile struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"`
}

// ReportMessage is one entry of a report's conversation.
type ReportMessage struct {
	ID        int64     `json:"id"`
	Author    string    `json:"author"`
	Kind      string    `json:"kind"`
	Body      string    `json:"body"`
	Internal  bool      `json:"internal"`
	CreatedAt time.Time `json:"created_at"`
}

// ReportFilter selects reports of the triage queue; Assignee is a user
// ID or "none".
type ReportFilter struct {
	Q, Status, Assignee, Priority string
	Cursor                        string
	Limit                         int
}

// ReportDecision is the body of validate, invalidate, accept, defer and
// close (and, with Message only, acknowledge).
type ReportDecision struct {
	Version int    `json:"version"`
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// ReportAssessment is an SSVC Coordinator Triage assessment.
type ReportAssessment struct {
	Outcome    string `json:"outcome"`
	Next       string `json:"next"`
	Selections []struct {
		DecisionPoint string `json:"decision_point"`
		Value         string `json:"value"`
		Derived       bool   `json:"derived,omitempty"`
	} `json:"selections"`
	SelectionList json.RawMessage `json:"selection_list"`
}

// SubmitReport sends a report: body is the JSON object of the API
// (see ReportInput in the OpenAPI document), sent as it is.
func (c *Client) SubmitReport(ctx context.Context, body json.RawMessage, opts ...Option) (ReportReceipt, error) {
	var r ReportReceipt
	err := c.Do(ctx, "POST", "/api/v1/reports", body, &r, opts...)
	return r, err
}

// Reports lists a page of the triage queue.
func (c *Client) Reports(ctx context.Context, f ReportFilter) (List[ReportQueueItem], error) {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "status": f.Status, "assignee": f.Assignee, "priority": f.Priority} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var l List[ReportQueueItem]
	err := c.Do(ctx, "GET", "/api/v1/reports"+PageQuery(f.Cursor, f.Limit, q), nil, &l)
	return l, err
}

// MyReports lists a page of the caller's own reports, newest first.
func (c *Client) MyReports(ctx context.Context, cursor string, limit int) (List[ReportSummary], error) {
	var l List[ReportSummary]
	err := c.Do(ctx, "GET", "/api/v1/reports/mine"+PageQuery(cursor, limit, nil), nil, &l)
	return l, err
}

// Report reads one report.
func (c *Client) Report(ctx context.Context, id string) (Report, error) {
	var r Report
	err := c.Do(ctx, "GET", "/api/v1/reports/"+url.PathEscape(id), nil, &r)
	return r, err
}

// DecideReport takes a triage step: acknowledge, validate, invalidate,
// accept, defer or close.
func (c *Client) DecideReport(ctx context.Context, id, action string, d ReportDecision, opts ...Option) (Report, error) {
	var in any = d
	if action == "acknowledge" {
		in = struct {
			Version int    `json:"version"`
			Message string `json:"message,omitempty"`
		}{d.Version, d.Message}
	}
	var r Report
	err := c.Do(ctx, "POST", "/api/v1/reports/"+url.PathEscape(id)+"/"+url.PathEscape(action), in, &r, opts...)
	return r, err
}

// AskReport asks the reporter a question; the report waits for the answer.
func (c *Client) AskReport(ctx context.Context, id string, version int, question string) (Report, error) {
	var r Report
	err := c.Do(ctx, "POST", "/api/v1/reports/"+url.PathEscape(id)+"/ask",
		map[string]any{"version": version, "question": question}, &r)
	return r, err
}

// AddReportMessage adds a message: staff send kind "reply" or "note",
// reporters "" (their message).
func (c *Client) AddReportMessage(ctx context.Context, id, body, kind string) (ReportMessage, error) {
	in := map[string]string{"body": body}
	if kind != "" {
		in["kind"] = kind
	}
	var m ReportMessage
	err := c.Do(ctx, "POST", "/api/v1/reports/"+url.PathEscape(id)+"/messages", in, &m)
	return m, err
}

// AssessReport records an SSVC Coordinator Triage assessment.
func (c *Client) AssessReport(ctx context.Context, id string, selections map[string]string) (ReportAssessment, error) {
	var a ReportAssessment
	err := c.Do(ctx, "POST", "/api/v1/reports/"+url.PathEscape(id)+"/assess", map[string]any{"selections": selections}, &a)
	return a, err
}
