package client

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// Triage beyond the RM decisions: assignment, priority, duplicates,
// closing many reports, attachments, the conversation and reporters'
// track records. A report is named by its numeric ID or its tracking ID.

// ReportCandidate is a report that may describe the same issue as
// another, with a score (0 to 1.6) and the reasons.
type ReportCandidate struct {
	ID          int64     `json:"id"`
	TrackingID  string    `json:"tracking_id"`
	Title       string    `json:"title"`
	Status      string    `json:"status"`
	RM          string    `json:"rm"`
	RMName      string    `json:"rm_name"`
	Outcome     string    `json:"outcome"`
	DuplicateOf int64     `json:"duplicate_of,omitempty"`
	ReceivedAt  time.Time `json:"received_at"`
	Score       float64   `json:"score"`
	Reasons     []string  `json:"reasons"`
}

// ReportRef names a report at the version read, for CloseReports.
type ReportRef struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
}

// ReportCloseResults says what became of each report of CloseReports.
type ReportCloseResults struct {
	Closed int                 `json:"closed"`
	Failed int                 `json:"failed"`
	Items  []ReportCloseResult `json:"items"`
}

// ReportCloseResult is what became of one report: closed, or the error
// that left it as it was.
type ReportCloseResult struct {
	ID         int64  `json:"id"`
	Closed     bool   `json:"closed"`
	TrackingID string `json:"tracking_id,omitempty"`
	Status     string `json:"status,omitempty"`
	RM         string `json:"rm,omitempty"`
	Resolution string `json:"resolution,omitempty"`
	Version    int    `json:"version,omitempty"`
	Error      *struct {
		Code    string `json:"code"`
		Message string `json:"message"`
		Field   string `json:"field,omitempty"`
	} `json:"error,omitempty"`
}

// UserTrackRecord counts a reporter's reports by the coordinator's
// verdict; Known once one was judged valid.
type UserTrackRecord struct {
	UserID    int64 `json:"user_id"`
	Valid     int   `json:"valid"`
	Duplicate int   `json:"duplicate"`
	Invalid   int   `json:"invalid"`
	Pending   int   `json:"pending"`
	Known     bool  `json:"known"`
}

func triagePath(id string, parts ...string) string {
	p := "/api/v1/reports/" + url.PathEscape(id)
	for _, part := range parts {
		p += "/" + url.PathEscape(part)
	}
	return p
}

// AssignReport gives a report, at version, to a member of the coordinator
// staff by user ID; assignee 0 assigns it to nobody.
func (c *Client) AssignReport(ctx context.Context, id string, version int, assignee int64, opts ...Option) (Report, error) {
	in := struct {
		Version  int    `json:"version"`
		Assignee *int64 `json:"assignee"`
	}{Version: version}
	if assignee != 0 {
		in.Assignee = &assignee
	}
	var r Report
	err := c.Do(ctx, "POST", triagePath(id, "assign"), in, &r, opts...)
	return r, err
}

// SetReportPriority sets a report's priority (none, low, medium, high or
// urgent) at version.
func (c *Client) SetReportPriority(ctx context.Context, id string, version int, priority string, opts ...Option) (Report, error) {
	var r Report
	err := c.Do(ctx, "POST", triagePath(id, "priority"), map[string]any{"version": version, "priority": priority}, &r, opts...)
	return r, err
}

// ReportDuplicates lists the reports that may describe the same issue as
// report id, best first.
func (c *Client) ReportDuplicates(ctx context.Context, id string) ([]ReportCandidate, error) {
	var l List[ReportCandidate]
	err := c.Do(ctx, "GET", triagePath(id, "duplicates"), nil, &l)
	return l.Items, err
}

// MarkReportDuplicate marks report id, at version, a duplicate of
// original (its numeric ID or tracking ID).
func (c *Client) MarkReportDuplicate(ctx context.Context, id string, version int, original string, opts ...Option) (Report, error) {
	var o any = original
	if n, err := strconv.ParseInt(original, 10, 64); err == nil {
		o = n
	}
	var r Report
	err := c.Do(ctx, "POST", triagePath(id, "duplicate"), map[string]any{"version": version, "original": o}, &r, opts...)
	return r, err
}

// CloseReports closes many reports, each at the version read, with one
// canned reason and a message to their reporters.
func (c *Client) CloseReports(ctx context.Context, refs []ReportRef, reason, message string, opts ...Option) (ReportCloseResults, error) {
	if refs == nil {
		refs = []ReportRef{}
	}
	var out ReportCloseResults
	err := c.Do(ctx, "POST", "/api/v1/reports/close", map[string]any{"reports": refs, "reason": reason, "message": message}, &out, opts...)
	return out, err
}

// ReportAttachments lists a report's attachments, without their content.
func (c *Client) ReportAttachments(ctx context.Context, id string) ([]ReportFile, error) {
	var l List[ReportFile]
	err := c.Do(ctx, "GET", triagePath(id, "attachments"), nil, &l)
	return l.Items, err
}

// ReportAttachment downloads an attachment of a report: its name and
// content.
func (c *Client) ReportAttachment(ctx context.Context, id string, aid int64) (string, []byte, error) {
	return c.fetchAttachment(ctx, triagePath(id, "attachments", strconv.FormatInt(aid, 10)))
}

// ReportMessages reads a report's conversation: with internal notes for
// staff, without for its reporter.
func (c *Client) ReportMessages(ctx context.Context, id string) ([]ReportMessage, error) {
	var l List[ReportMessage]
	err := c.Do(ctx, "GET", triagePath(id, "messages"), nil, &l)
	return l.Items, err
}

// TrackRecord reads the track record of a reporter's account (staff).
func (c *Client) TrackRecord(ctx context.Context, userID int64) (UserTrackRecord, error) {
	var t UserTrackRecord
	err := c.Do(ctx, "GET", "/api/v1/users/"+strconv.FormatInt(userID, 10)+"/track-record", nil, &t)
	return t, err
}

// fetchAttachment reads a file the server hands out as an attachment: the name
// of its Content-Disposition and the content.
func (c *Client) fetchAttachment(ctx context.Context, path string) (string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", c.BaseURL+path, nil)
	if err != nil {
		return "", nil, err
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return "", nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var eb struct {
			Error struct{ Code, Message, Field string } `json:"error"`
		}
		if json.Unmarshal(data, &eb) != nil || eb.Error.Code == "" {
			return "", nil, &Error{Status: resp.StatusCode, Code: "http_" + fmt.Sprint(resp.StatusCode), Message: resp.Status}
		}
		return "", nil, &Error{Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message, Field: eb.Error.Field}
	}
	_, params, _ := mime.ParseMediaType(resp.Header.Get("Content-Disposition"))
	return params["filename"], data, nil
}
