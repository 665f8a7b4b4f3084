package api

import (
	"mime"
	"net/http"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// Triage actions beyond the RM decisions, as on the triage pages: assign,
// set the priority, find and mark duplicates, close many reports at once
// (coordinator staff); list and download a report's attachments and read
// its conversation (staff, and the report's signed-in reporter); a
// reporter's track record (staff). {id} is a report's numeric ID or its
// tracking ID, as for the other report endpoints.

// reportExtraRoutes: triage actions beyond the RM transitions.
func (a *API) reportExtraRoutes() []Route {
	return []Route{
		{"POST", "/api/v1/reports/close", a.closeReports},
		{"POST", "/api/v1/reports/{id}/assign", a.assignReport()},
		{"POST", "/api/v1/reports/{id}/priority", a.prioritiseReport()},
		{"GET", "/api/v1/reports/{id}/duplicates", a.reportDuplicates},
		{"POST", "/api/v1/reports/{id}/duplicate", a.markReportDuplicate()},
		{"GET", "/api/v1/reports/{id}/attachments", a.reportAttachments},
		{"GET", "/api/v1/reports/{id}/attachments/{aid}", a.reportAttachment},
		{"GET", "/api/v1/reports/{id}/messages", a.reportMessages},
		{"GET", "/api/v1/users/{id}/track-record", a.userTrackRecord},
	}
}

// staffStep is reportStep for an action of coordinator staff only: anyone
// else is refused before the report and the body are read, so that the
// answer is the same whatever they send (the service checks again).
func staffStep[In any](a *API, do func(r *http.Request, p auth.Principal, id int64, in In) (reports.Report, error)) func(
	http.ResponseWriter, *http.Request, auth.Principal) {
	step := reportStep(a, do)
	return func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		if err := reports.CanTriage(p); err != nil {
			a.fail(w, r, err)
			return
		}
		step(w, r, p)
	}
}

// assignReport gives the report to a member of the coordinator staff, or
// to nobody.
func (a *API) assignReport() func(http.ResponseWriter, *http.Request, auth.Principal) {
	return staffStep(a, func(r *http.Request, p auth.Principal, id int64, in ReportAssignInput) (reports.Report, error) {
		uid, err := in.assignee()
		if err != nil {
			return reports.Report{}, err
		}
		return a.Reports.Assign(r.Context(), p, id, in.Version, uid)
	})
}

// prioritiseReport sets the coordinator's priority of the report.
func (a *API) prioritiseReport() func(http.ResponseWriter, *http.Request, auth.Principal) {
	return staffStep(a, func(r *http.Request, p auth.Principal, id int64, in ReportPriorityInput) (reports.Report, error) {
		return a.Reports.SetPriority(r.Context(), p, id, in.Version, reports.Priority(in.Priority))
	})
}

// reportDuplicates lists the reports most likely to describe the same
// issue, best first.
func (a *API) reportDuplicates(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var list []reports.Candidate
	if err == nil {
		list, err = a.Reports.SuggestDuplicates(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, List[ReportCandidate]{Items: candidatesOut(list)})
}

// markReportDuplicate links the report to its original: it is validated
// if it was not, and deferred in the original's favour.
func (a *API) markReportDuplicate() func(http.ResponseWriter, *http.Request, auth.Principal) {
	return staffStep(a, func(r *http.Request, p auth.Principal, id int64, in ReportDuplicateInput) (reports.Report, error) {
		orig, ref, err := in.original()
		if err != nil {
			return reports.Report{}, err
		}
		if ref != "" {
			if orig, err = a.reportRef(r, p, ref); errs.Is(err, errs.NotFound) {
				return reports.Report{}, errs.Field("original", "is not a report")
			} else if err != nil {
				return reports.Report{}, err
			}
		}
		return a.Reports.MarkDuplicate(r.Context(), p, id, in.Version, orig)
	})
}

// reportRef finds the report named by ref (a numeric ID or a tracking ID)
// as reportID finds the one of the path.
func (a *API) reportRef(r *http.Request, p auth.Principal, ref string) (int64, error) {
	named := r.Clone(r.Context())
	named.SetPathValue("id", ref)
	return a.reportID(named, p)
}

// closeReports closes many reports with one canned reason, each in its
// own transaction, on the version the caller read, as the triage queue's
// bulk close does; the answer says what became of each.
func (a *API) closeReports(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in ReportCloseInput
	// Refuse those who may not close reports before reading the list, so
	// that they learn nothing from its checks, and a read-only credential
	// once rather than per report.
	err := reports.CanTriage(p)
	if err == nil {
		err = auth.Writable(p)
	}
	if err == nil {
		err = decode(w, r, &in)
	}
	var refs []reports.Ref
	if err == nil {
		refs, err = in.refs()
	}
	var results []reports.Result
	if err == nil {
		results, err = a.Reports.CloseMany(r.Context(), p, refs, reports.Reason(in.Reason), in.Message)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := closeResultsOut(results)
	for _, res := range results {
		if res.Err != nil && errs.KindOf(res.Err) == errs.Internal {
			a.log.ErrorContext(r.Context(), "api: bulk close", "report", res.ID, "err", res.Err)
		}
	}
	if out.Closed > 0 {
		a.Wake() // the reporters are told by queued jobs
	}
	writeJSON(w, http.StatusOK, out)
}

// reportAttachments lists the report's attachments, without their content.
func (a *API) reportAttachments(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var list []reports.Attachment
	if err == nil {
		list, err = a.Reports.Attachments(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, List[ReportAttachment]{Items: attachmentsOut(list)})
}

// reportAttachment hands an attachment out as a download, never to show:
// reporters' files may be anything, proofs of concept included. Staff and
// the report's signed-in reporter get it; to anyone else, and for an
// attachment of another report, it does not exist.
func (a *API) reportAttachment(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var aid int64
	if err == nil {
		var perr error
		if aid, perr = strconv.ParseInt(r.PathValue("aid"), 10, 64); perr != nil || aid <= 0 {
			err = errs.E(errs.NotFound, "no such attachment")
		}
	}
	var at reports.Attachment
	if err == nil {
		at, err = a.Reports.Attachment(r.Context(), p, aid)
	}
	if err == nil && at.ReportID != id {
		err = errs.E(errs.NotFound, "no such attachment")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": at.Name})
	if disposition == "" { // a name mime cannot encode
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(at.Data)))
	_, _ = w.Write(at.Data)
}

// reportMessages is the report's conversation in order: with internal
// notes for staff, without for its signed-in reporter.
func (a *API) reportMessages(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var list []reports.Message
	if err == nil {
		list, err = a.Reports.Messages(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, List[ReportMessage]{Items: messagesOut(list)})
}

// userTrackRecord counts an account's reports by the coordinator's
// verdict, for staff.
func (a *API) userTrackRecord(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var err error
	uid, perr := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if perr != nil || uid <= 0 {
		err = errs.E(errs.NotFound, "no such user")
	}
	var t reports.TrackRecord
	if err == nil {
		t, err = a.Reports.TrackRecord(r.Context(), p, uid)
	}
	if err == nil { // an account that does not exist has no record, rather than an empty one
		_, err = a.Users.User(r.Context(), p, uid)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, trackRecordOut(uid, t))
}
