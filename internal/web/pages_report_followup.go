package web

import (
	"context"
	"html/template"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

// followUpPage is a report as its reporter sees it, reached by the
// follow-up secret or, for a signed-in reporter, by its ID.
type followUpPage struct {
	Layout
	View        reports.ReporterView
	Action      string // where the message form posts
	Secret      string // sent back by the message form; "" for a signed-in reporter
	Attachments string // the prefix of attachment links
	AttachQuery string // the query of attachment links (the secret)
	Body        string
	Form        Form
	// The portal (pages_report_timeline.go): the expected timeline, the
	// case, and the capacity form with its error and note.
	Progress       reportProgress
	Capacities     []reports.Capacity
	CapacityAction string
	CapacityForm   Form
	Note           string
}

// Attrs describes the message field.
func (p followUpPage) Attrs(field string) template.HTMLAttr { return fieldAttrs(p.Form, field) }

func (s *Web) followUpPageOf(ctx context.Context, v *visitor, view reports.ReporterView, secret string) (followUpPage, error) {
	page := followUpPage{Layout: s.layout(v, "Report "+view.TrackingID, "report"), View: view, Secret: secret,
		Capacities: reports.Capacities}
	if secret != "" {
		page.Action = "/report/follow-up"
		page.Attachments = "/report/follow-up/attachments/"
		page.AttachQuery = "?" + url.Values{"secret": {secret}}.Encode()
		page.CapacityAction = "/report/follow-up/capacity"
	} else {
		page.Nav = "mine"
		page.Action = "/reports/" + itoa(view.ID)
		page.Attachments = page.Action + "/attachments/"
		page.CapacityAction = page.Action + "/capacity"
	}
	var err error
	page.Progress, err = s.progressOf(ctx, v.P, view)
	return page, err
}

// showFollowUp renders a reporter's page of view.
func (s *Web) showFollowUp(w http.ResponseWriter, r *http.Request, v *visitor, view reports.ReporterView, secret string) {
	page, err := s.followUpPageOf(r.Context(), v, view, secret)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "report_followup", page)
}

func (s *Web) followUp(w http.ResponseWriter, r *http.Request, v *visitor) {
	noReferrer(w)
	secret := r.URL.Query().Get("secret")
	view, err := s.Reports.ByFollowUp(r.Context(), secret)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.showFollowUp(w, r, v, view, secret)
}

func (s *Web) followUpMessage(w http.ResponseWriter, r *http.Request, v *visitor) {
	noReferrer(w)
	secret, body := r.PostFormValue("secret"), r.PostFormValue("body")
	if _, err := s.Reports.AddReporterMessage(r.Context(), reports.BySecret(secret), body); err != nil {
		view, verr := s.Reports.ByFollowUp(r.Context(), secret)
		if verr != nil {
			s.fail(w, r, v, verr)
			return
		}
		s.messageAgain(w, r, v, view, secret, body, err)
		return
	}
	s.Wake()
	redirect(w, r, "/report/follow-up?"+url.Values{"secret": {secret}}.Encode(), "Thank you: your message was added, and the coordinators are told.")
}

// messageAgain shows a reporter's page with the message form's error.
func (s *Web) messageAgain(w http.ResponseWriter, r *http.Request, v *visitor, view reports.ReporterView, secret, body string, err error) {
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	page, perr := s.followUpPageOf(r.Context(), v, view, secret)
	if perr != nil {
		s.fail(w, r, v, perr)
		return
	}
	page.Body, page.Form = body, formOf(err)
	s.render(w, r, formStatus(err), "report_followup", page)
}

func (s *Web) followUpAttachment(w http.ResponseWriter, r *http.Request, v *visitor) {
	noReferrer(w)
	aid, ok := pathID(r, "aid")
	if !ok {
		http.NotFound(w, r)
		return
	}
	a, err := s.Reports.AttachmentByFollowUp(r.Context(), r.URL.Query().Get("secret"), aid)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	download(w, a)
}

// download hands an attachment out as a file to save, never to show:
// reporters' files may be anything, proofs of concept included.
func download(w http.ResponseWriter, a reports.Attachment) {
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": a.Name}))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Length", strconv.Itoa(len(a.Data)))
	_, _ = w.Write(a.Data)
}

// myReportsPage lists a signed-in reporter's reports.
type myReportsPage struct {
	Layout
	Reports []myReport
	Next    string
}

// myReport is a line of a reporter's reports, with the case it is part of.
type myReport struct {
	reports.Summary
	Case caseRef
}

const reportsPerPage = 50

func (s *Web) myReports(w http.ResponseWriter, r *http.Request, v *visitor) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	list, err := s.Reports.Mine(r.Context(), v.P, store.Page{After: after, Limit: reportsPerPage})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page := myReportsPage{Layout: s.layout(v, "My reports", "mine")}
	for _, sm := range list {
		row := myReport{Summary: sm}
		if sm.CaseID != 0 {
			key, err := s.Cases.KeyOf(r.Context(), sm.CaseID)
			if err != nil {
				s.fail(w, r, v, err)
				return
			}
			_, aerr := s.Cases.Access(r.Context(), v.P, sm.CaseID)
			row.Case = caseRef{Key: key, Link: aerr == nil}
		}
		page.Reports = append(page.Reports, row)
	}
	if len(list) == reportsPerPage {
		page.Next = "/reports/mine?after=" + itoa(list[len(list)-1].ID)
	}
	s.render(w, r, http.StatusOK, "report_mine", page)
}

func (s *Web) myView(w http.ResponseWriter, r *http.Request, v *visitor) (reports.ReporterView, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such report"))
		return reports.ReporterView{}, false
	}
	view, err := s.Reports.View(r.Context(), reports.ByAccount(v.P, id))
	if err != nil {
		s.fail(w, r, v, err)
		return reports.ReporterView{}, false
	}
	return view, true
}

func (s *Web) myReport(w http.ResponseWriter, r *http.Request, v *visitor) {
	view, ok := s.myView(w, r, v)
	if !ok {
		return
	}
	s.showFollowUp(w, r, v, view, "")
}

func (s *Web) myReportMessage(w http.ResponseWriter, r *http.Request, v *visitor) {
	view, ok := s.myView(w, r, v)
	if !ok {
		return
	}
	body := r.PostFormValue("body")
	if _, err := s.Reports.AddReporterMessage(r.Context(), reports.ByAccount(v.P, view.ID), body); err != nil {
		s.messageAgain(w, r, v, view, "", body, err)
		return
	}
	s.Wake()
	redirect(w, r, "/reports/"+itoa(view.ID), "Thank you: your message was added, and the coordinators are told.")
}

func (s *Web) myReportAttachment(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.attachmentOf(w, r, v)
}

// attachmentOf serves attachment {aid} of report {id} to those reports
// lets see it.
func (s *Web) attachmentOf(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok1 := pathID(r, "id")
	aid, ok2 := pathID(r, "aid")
	if !ok1 || !ok2 {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such attachment"))
		return
	}
	a, err := s.Reports.Attachment(r.Context(), v.P, aid)
	if err == nil && a.ReportID != id {
		err = errs.E(errs.NotFound, "no such attachment")
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	download(w, a)
}

// MD renders the reporter's Markdown, sanitised.
func (p followUpPage) MD(src string) template.HTML { return markdown.Render(src) }

// Words says where a report stands, briefly, for its reporter.
func (p myReportsPage) Words(st reports.Status, rm protocol.RMState) string {
	switch st {
	case reports.StatusNew:
		return "received, not yet acknowledged"
	case reports.StatusWaiting:
		return "waiting for your answer"
	case reports.StatusClosed:
		return "closed"
	}
	switch rm {
	case protocol.RMInvalid:
		return "not treated as a vulnerability"
	case protocol.RMValid:
		return "confirmed"
	case protocol.RMAccepted:
		return "being coordinated"
	case protocol.RMDeferred:
		return "on hold"
	}
	return "acknowledged"
}
