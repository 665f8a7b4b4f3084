package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// Wire types of the triage actions beyond the RM decisions: assignment,
// priority, duplicates, closing many reports, attachments, the
// conversation and reporters' track records. All but the attachments and
// the conversation are for coordinator staff only.

// ReportAssignInput is the body of assigning a report: the version read
// and the assignee, the user ID of an active member of the coordinator
// staff, or null for nobody. The field is required, null included.
type ReportAssignInput struct {
	Version  int             `json:"version"`
	Assignee json.RawMessage `json:"assignee"`
}

// assignee reads the assignee: 0 for null.
func (in ReportAssignInput) assignee() (int64, error) {
	raw := bytes.TrimSpace(in.Assignee)
	switch {
	case len(raw) == 0:
		return 0, errs.Field("assignee", "is required: a staff member's user ID, or null to assign the report to nobody")
	case string(raw) == "null":
		return 0, nil
	}
	var id int64
	if err := json.Unmarshal(raw, &id); err != nil || id <= 0 {
		return 0, errs.Field("assignee", "must be a user ID (a positive whole number), or null to assign the report to nobody")
	}
	return id, nil
}

// ReportPriorityInput is the body of setting a report's priority: none,
// low, medium, high or urgent.
type ReportPriorityInput struct {
	Version  int    `json:"version"`
	Priority string `json:"priority"`
}

// ReportDuplicateInput is the body of marking a report a duplicate: the
// version read and the original, by its numeric ID or its tracking ID.
type ReportDuplicateInput struct {
	Version  int             `json:"version"`
	Original json.RawMessage `json:"original"`
}

// original reads the original: a numeric ID, or a string (a tracking ID,
// or an ID in digits) for the caller to resolve.
func (in ReportDuplicateInput) original() (id int64, ref string, err error) {
	raw := bytes.TrimSpace(in.Original)
	if len(raw) == 0 || string(raw) == "null" {
		return 0, "", errs.Field("original", "is required: the original report's ID or tracking ID")
	}
	if raw[0] == '"' {
		if err := json.Unmarshal(raw, &ref); err != nil || ref == "" {
			return 0, "", errs.Field("original", "is required: the original report's ID or tracking ID")
		}
		return 0, ref, nil
	}
	if err := json.Unmarshal(raw, &id); err != nil || id <= 0 {
		return 0, "", errs.Field("original", "must be a report's ID (a positive whole number) or its tracking ID")
	}
	return id, "", nil
}

// ReportCandidate is a report that may describe the same issue as
// another: Score from 0 to 1.6 (0.3 each for a shared vendor and product,
// plus the share of words in common), with the reasons in plain words.
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

func candidatesOut(list []reports.Candidate) []ReportCandidate {
	out := []ReportCandidate{}
	for _, c := range list {
		out = append(out, ReportCandidate{ID: c.ID, TrackingID: c.TrackingID, Title: c.Title, Status: string(c.Status), RM: c.RM.String(),
			RMName: c.RM.Name(), Outcome: string(c.Outcome), DuplicateOf: c.DuplicateOf, ReceivedAt: c.ReceivedAt,
			Score: math.Round(c.Score*1000) / 1000, Reasons: append([]string{}, c.Reasons...)})
	}
	return out
}

// maxCloseMany is how many reports one bulk close may name.
const maxCloseMany = 500

// ReportCloseInput is the body of closing many reports at once, each at
// the version read, with one canned reason (one that judges reports
// invalid, for reports still Received) and the coordinator's own words.
type ReportCloseInput struct {
	Reports []ReportRef `json:"reports"`
	Reason  string      `json:"reason"`
	Message string      `json:"message"`
}

// ReportRef names a report at the version read.
type ReportRef struct {
	ID      int64 `json:"id"`
	Version int   `json:"version"`
}

// refs checks the list: at least one report and at most maxCloseMany,
// each with its ID and version, none twice.
func (in ReportCloseInput) refs() ([]reports.Ref, error) {
	switch {
	case len(in.Reports) == 0:
		return nil, errs.Field("reports", "is required: name at least one report to close, with the version you read")
	case len(in.Reports) > maxCloseMany:
		return nil, errs.Field("reports", "can hold at most %d reports at a time", maxCloseMany)
	}
	seen := map[int64]bool{}
	out := make([]reports.Ref, len(in.Reports))
	for i, r := range in.Reports {
		switch {
		case r.ID <= 0:
			return nil, errs.Field(fmt.Sprintf("reports[%d].id", i), "is required: the report's numeric ID")
		case r.Version <= 0:
			return nil, errs.Field(fmt.Sprintf("reports[%d].version", i), "is required: send the version you read")
		case seen[r.ID]:
			return nil, errs.Field(fmt.Sprintf("reports[%d].id", i), "names report %d a second time", r.ID)
		}
		seen[r.ID] = true
		out[i] = reports.Ref{ID: r.ID, Version: r.Version}
	}
	return out, nil
}

// ReportCloseResults says what became of each report of a bulk close, in
// the order given: closed, or the error that left it as it was (a stale
// version, a report closed already, one that does not exist).
type ReportCloseResults struct {
	Closed int                 `json:"closed"`
	Failed int                 `json:"failed"`
	Items  []ReportCloseResult `json:"items"`
}

// ReportCloseResult is what became of one report of a bulk close.
type ReportCloseResult struct {
	ID         int64        `json:"id"`
	Closed     bool         `json:"closed"`
	TrackingID string       `json:"tracking_id,omitempty"`
	Status     string       `json:"status,omitempty"`
	RM         string       `json:"rm,omitempty"`
	Resolution string       `json:"resolution,omitempty"`
	Version    int          `json:"version,omitempty"`
	Error      *ErrorDetail `json:"error,omitempty"`
}

func closeResultsOut(list []reports.Result) ReportCloseResults {
	out := ReportCloseResults{Items: []ReportCloseResult{}}
	for _, res := range list {
		item := ReportCloseResult{ID: res.ID}
		if res.Err != nil {
			out.Failed++
			item.Error = &ErrorDetail{Code: string(errs.KindOf(res.Err)), Message: errs.Public(res.Err), Field: errs.FieldOf(res.Err)}
		} else {
			out.Closed++
			r := res.Report
			item.Closed, item.TrackingID, item.Status, item.RM, item.Resolution, item.Version = true, r.TrackingID, string(r.Status),
				r.RM.String(), string(r.Resolution), r.Version
		}
		out.Items = append(out.Items, item)
	}
	return out
}

// UserTrackRecord is a reporter's track record: their reports counted by
// the coordinator's verdict. Known is true once one was judged valid.
type UserTrackRecord struct {
	UserID    int64 `json:"user_id"`
	Valid     int   `json:"valid"`
	Duplicate int   `json:"duplicate"`
	Invalid   int   `json:"invalid"`
	Pending   int   `json:"pending"`
	Known     bool  `json:"known"`
}

func trackRecordOut(userID int64, t reports.TrackRecord) UserTrackRecord {
	return UserTrackRecord{UserID: userID, Valid: t.Valid, Duplicate: t.Duplicate, Invalid: t.Invalid, Pending: t.Pending, Known: t.Known()}
}
