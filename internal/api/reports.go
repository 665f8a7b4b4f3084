package api

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

// Reports under /api/v1/reports. Anyone may submit, with or without a
// token (anonymous submissions are rate limited per client address by the
// server's middleware, signed-in ones by the program's quota in reports);
// coordinator staff work the queue and decide; a signed-in reporter
// reads and answers their own reports. {id} is a report's numeric ID or its
// tracking ID (RPT-2026-000123).

// reportBodyLimit is the largest submission body: the policy's attachments
// in base64 plus room for every text field.
func (a *API) reportBodyLimit() int64 {
	pol := a.Reports.Policy()
	return (pol.MaxAttachmentsSize+2)/3*4 + int64(pol.MaxAttachments)*1024 + 8*reports.MaxText + 2*reports.MaxPGPKey + 64<<10
}

// decodeReport is decode with the submission's own body limit.
func decodeReport(w http.ResponseWriter, r *http.Request, v any, limit int64) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errs.E(errs.Invalid, "send the body as application/json")
	}
	if r.ContentLength > limit {
		return errs.E(errs.TooLarge, "the report is larger than %d bytes; nothing was stored", limit)
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return errs.E(errs.TooLarge, "the report is larger than %d bytes; nothing was stored", limit)
	}
	if err != nil {
		err = decodeError(err)
		if f := errs.FieldOf(err); strings.HasPrefix(f, "ReportDetails.") { // the embedded struct's name is no field
			err = errs.Renamed(err, f, strings.TrimPrefix(f, "ReportDetails."))
		}
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errs.E(errs.Invalid, "the body must hold one JSON object and nothing after it")
	}
	return nil
}

func (a *API) submitReport(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in ReportInput
	err := decodeReport(w, r, &in, a.reportBodyLimit())
	var sub reports.Submission
	if err == nil {
		sub, err = in.submission()
	}
	var rc reports.Receipt
	if err == nil {
		rc, err = a.Reports.Submit(r.Context(), p, sub)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake() // the receipt and the staff notice are queued jobs
	w.Header().Set("Location", "/api/v1/reports/"+strconv.FormatInt(rc.ReportID, 10))
	writeJSON(w, http.StatusCreated, receiptOut(rc))
}

// queryInt64 reads an optional numeric query parameter.
func queryInt64(r *http.Request, name string) (int64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errs.Field(name, "must be a user ID, or \"none\" for reports assigned to nobody")
	}
	return n, nil
}

func (a *API) listReports(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	q := r.URL.Query()
	f := reports.Filter{Status: reports.Status(q.Get("status")), Priority: reports.Priority(q.Get("priority")), Query: q.Get("q"), Page: page}
	if err == nil {
		if q.Get("assignee") == "none" {
			f.Assignee = reports.Unassigned
		} else {
			f.Assignee, err = queryInt64(r, "assignee")
		}
	}
	var list []reports.QueueItem
	if err == nil {
		list, err = a.Reports.Queue(r.Context(), p, f)
		err = errs.Renamed(err, "query", "q")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[ReportQueueItem]{Items: []ReportQueueItem{}}
	for _, it := range list {
		out.Items = append(out.Items, queueItemOut(it))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) myReports(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	var list []reports.Summary
	if err == nil {
		list, err = a.Reports.Mine(r.Context(), p, page)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[ReportSummary]{Items: []ReportSummary{}}
	for _, s := range list {
		out.Items = append(out.Items, summaryOut(s))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

// reportID finds the report named by the {id} path value: a numeric ID,
// or a tracking ID that staff find in the queue and a reporter among
// their own reports. A report the caller may not see is not found.
func (a *API) reportID(r *http.Request, p auth.Principal) (int64, error) {
	v := r.PathValue("id")
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if id <= 0 {
			return 0, errs.E(errs.NotFound, "no such report")
		}
		return id, nil
	}
	if !strings.HasPrefix(strings.ToUpper(v), "RPT-") || p.Anonymous() {
		return 0, errs.E(errs.NotFound, "no such report")
	}
	ctx := r.Context()
	if reports.CanSeeInternal(p) {
		list, err := a.Reports.Queue(ctx, p, reports.Filter{Status: reports.AnyStatus, Query: v, Page: store.Page{Limit: 1}})
		if err != nil && !errs.Is(err, errs.Invalid) {
			return 0, err
		}
		if len(list) == 1 && strings.EqualFold(list[0].TrackingID, v) {
			return list[0].ID, nil
		}
		return 0, errs.E(errs.NotFound, "no such report")
	}
	page := store.Page{Limit: 100}
	for range 50 { // a reporter's own reports, newest first
		list, err := a.Reports.Mine(ctx, p, page)
		if err != nil {
			return 0, err
		}
		for _, s := range list {
			if strings.EqualFold(s.TrackingID, v) {
				return s.ID, nil
			}
		}
		if len(list) < page.Size() {
			break
		}
		page.After = list[len(list)-1].ID
	}
	return 0, errs.E(errs.NotFound, "no such report")
}

// staffReportOut is reportOut with the assignee's name, which staff may
// read (an assignee is one of them).
func (a *API) staffReportOut(ctx context.Context, p auth.Principal, rep reports.Report) Report {
	out := reportOut(rep)
	if rep.AssigneeID != 0 {
		if u, err := a.Users.User(ctx, p, rep.AssigneeID); err == nil {
			out.Triage.AssigneeName = u.Name
		}
	}
	return out
}

// getReport answers staff with the report, its triage state and the whole
// conversation, and the report's signed-in reporter with their view.
func (a *API) getReport(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ctx := r.Context()
	if !reports.CanSeeInternal(p) {
		v, err := a.Reports.View(ctx, reports.ByAccount(p, id))
		if err != nil {
			a.fail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, reporterViewOut(v))
		return
	}
	rep, err := a.Reports.Get(ctx, p, id)
	var msgs []reports.Message
	if err == nil {
		msgs, err = a.Reports.Messages(ctx, p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := a.staffReportOut(ctx, p, rep)
	out.Messages = messagesOut(msgs)
	writeJSON(w, http.StatusOK, out)
}

// addReportMessage: staff reply to the reporter or add an internal note;
// the signed-in reporter adds to their report.
func (a *API) addReportMessage(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var in ReportMessageInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var m reports.Message
	if err == nil {
		if reports.CanSeeInternal(p) {
			kind := reports.MessageKind(in.Kind)
			if kind == "" {
				kind = reports.KindReply
			}
			m, err = a.Reports.Reply(r.Context(), p, id, in.Body, kind)
		} else if in.Kind != "" && in.Kind != string(reports.KindMessage) {
			err = errs.Field("kind", "must be message (or left out): only coordinators reply or write notes")
		} else {
			m, err = a.Reports.AddReporterMessage(r.Context(), reports.ByAccount(p, id), in.Body)
		}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusCreated, messageOut(m))
}

// reportStep is the handler of one triage step: it reads the report's ID
// and the body, and calls do.
func reportStep[In any](a *API, do func(r *http.Request, p auth.Principal, id int64, in In) (reports.Report, error)) func(http.ResponseWriter, *http.Request, auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		id, err := a.reportID(r, p)
		var in In
		if err == nil {
			err = decode(w, r, &in)
		}
		var rep reports.Report
		if err == nil {
			rep, err = do(r, p, id, in)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.Wake() // the reporter is told by a queued job
		writeJSON(w, http.StatusOK, a.staffReportOut(r.Context(), p, rep))
	}
}

func (a *API) acknowledgeReport() func(http.ResponseWriter, *http.Request, auth.Principal) {
	return reportStep(a, func(r *http.Request, p auth.Principal, id int64, in ReportAckInput) (reports.Report, error) {
		return a.Reports.Acknowledge(r.Context(), p, id, in.Version, in.Message)
	})
}

func (a *API) askReport() func(http.ResponseWriter, *http.Request, auth.Principal) {
	return reportStep(a, func(r *http.Request, p auth.Principal, id int64, in ReportAskInput) (reports.Report, error) {
		return a.Reports.AskForInfo(r.Context(), p, id, in.Version, in.Question)
	})
}

// decideReport is the handler of one Report Management decision, a
// method of reports.Service such as (*reports.Service).Validate.
func (a *API) decideReport(m func(*reports.Service, context.Context, auth.Principal, int64, reports.Decision) (reports.Report, error)) func(http.ResponseWriter, *http.Request, auth.Principal) {
	return reportStep(a, func(r *http.Request, p auth.Principal, id int64, in ReportDecisionInput) (reports.Report, error) {
		return m(a.Reports, r.Context(), p, id, reports.Decision{Version: in.Version, Reason: reports.Reason(in.Reason), Message: in.Message})
	})
}

func (a *API) assessReport(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var in ReportAssessInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil && len(in.Selections) == 0 {
		err = errs.Field("selections", "is required: the value chosen for each decision point of %s", reports.TriageTree)
	}
	var as reports.Assessment
	if err == nil {
		as, err = a.Reports.Assess(r.Context(), p, id, in.Selections)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, assessmentOut(as))
}
