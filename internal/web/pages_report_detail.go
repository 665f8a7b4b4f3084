package web

import (
	"context"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
)

// ssvcPoint is one decision point of the Coordinator Triage form.
type ssvcPoint struct {
	ssvc.DecisionPoint
	Derived  bool   // derived from other points when left empty
	Selected string // the value key chosen in the stored assessment
}

// triageReportPage is a report as coordinator staff work it.
type triageReportPage struct {
	Layout
	R          reports.Report
	Item       reports.QueueItem // age, acknowledgement due, track record
	Messages   []reports.Message
	Candidates []reports.Candidate
	Assignee   string
	Points     []ssvcPoint
	NextStep   string
	Reasons    []reports.Reason
	Priorities []reports.Priority
	Form       Form
	FormName   string                 // the form the error belongs to
	Typed      map[string]string      // what a refused form held
	CaseKey    string                 // the case the report is filed in, if any
	Capacity   reports.CapacityChoice // who follows up with the vendors, as the reporter chose
}

// HTML renders reporter-supplied Markdown, sanitised.
func (p triageReportPage) HTML(src string) template.HTML { return markdown.Render(src) }

// Can tells whether the RM step named by event ("validate", ...) is legal
// from the report's state.
func (p triageReportPage) Can(event string) bool {
	ev, ok := map[string]protocol.RMEvent{"validate": protocol.RMValidate, "invalidate": protocol.RMInvalidate,
		"accept": protocol.RMAccept, "defer": protocol.RMDefer, "close": protocol.RMClose}[event]
	if !ok {
		return false
	}
	_, err := p.R.RM.Step(ev)
	return err == nil
}

// Mine tells whether the report is assigned to the visitor.
func (p triageReportPage) Mine() bool { return p.R.AssigneeID != 0 && p.R.AssigneeID == p.Me.UserID }

// Err is form name's error about field.
func (p triageReportPage) Err(name, field string) string {
	if p.FormName != name {
		return ""
	}
	return p.Form.Err(field)
}

// Attrs describes form name's field by its error, if any.
func (p triageReportPage) Attrs(name, field string) template.HTMLAttr {
	if p.FormName != name || p.Form.Field != field || p.Form.Error == "" {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + name + `-` + fieldID(field) + `-err"`)
}

// General is form name's error about no one field.
func (p triageReportPage) General(name string) string {
	if p.FormName != name {
		return ""
	}
	return p.Form.General()
}

// Open tells whether form name should be shown open (it holds an error).
func (p triageReportPage) Open(name string) bool { return p.FormName == name }

func (s *Web) loadTriage(ctx context.Context, v *visitor, id int64) (triageReportPage, error) {
	rep, err := s.Reports.Get(ctx, v.P, id)
	if err != nil {
		return triageReportPage{}, err
	}
	page := triageReportPage{Layout: s.layout(v, rep.TrackingID+": "+rep.Title, "triage"), R: rep, Reasons: reports.Reasons,
		Priorities: reports.Priorities, Typed: map[string]string{}}
	if page.Messages, err = s.Reports.Messages(ctx, v.P, id); err != nil {
		return page, err
	}
	if page.Candidates, err = s.Reports.SuggestDuplicates(ctx, v.P, id); err != nil {
		return page, err
	}
	// The queue's line of the report has its age, due date and the
	// reporter's track record (by account or by address).
	items, err := s.Reports.Queue(ctx, v.P, reports.Filter{Status: reports.AnyStatus, Query: rep.TrackingID})
	if err != nil {
		return page, err
	}
	for _, it := range items {
		if it.ID == id {
			page.Item = it
		}
	}
	page.Assignee = s.names(ctx).of(rep.AssigneeID)
	if page.CaseKey, err = s.caseKeyOf(ctx, v, id); err != nil {
		return page, err
	}
	if page.Capacity, err = s.Reports.CapacityOf(ctx, v.P, id); err != nil {
		return page, err
	}
	page.NextStep = reports.NextStep(rep.SSVC.Outcome)
	page.Points, err = ssvcPoints(s.SSVC, rep.SSVC)
	return page, err
}

// ssvcPoints are the Coordinator Triage decision points with the values
// of the stored assessment.
func ssvcPoints(reg *ssvc.Registry, stored reports.SSVC) ([]ssvcPoint, error) {
	tree, err := reg.Tree(reports.TriageTree)
	if err != nil {
		return nil, err
	}
	chosen := map[string]string{}
	if len(stored.SelectionList) > 0 {
		if a, err := reg.ParseSelectionList(stored.SelectionList); err == nil {
			for _, sel := range a.Evaluation.Selections {
				if !sel.Derived {
					chosen[sel.DecisionPoint.ID()] = sel.Value.Key
				}
			}
		}
	}
	var out []ssvcPoint
	for _, dp := range tree.DecisionPoints() {
		out = append(out, ssvcPoint{DecisionPoint: dp, Derived: tree.Derivation(dp) != nil, Selected: chosen[dp.ID()]})
	}
	return out, nil
}

func (s *Web) triageReport(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such report"))
		return
	}
	page, err := s.loadTriage(r.Context(), v, id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "triage_report", page)
}

func (s *Web) triageAttachment(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := reports.CanTriage(v.P); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.attachmentOf(w, r, v)
}

// triageActions are the forms of the report page: each calls one service
// method and says in the flash what happened.
var triageActions = map[string]func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error){
	"acknowledge": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		_, err := s.Reports.Acknowledge(r.Context(), v.P, id, version, r.PostFormValue("message"))
		return "Acknowledged; the reporter is told.", err
	},
	"ask": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		_, err := s.Reports.AskForInfo(r.Context(), v.P, id, version, r.PostFormValue("question"))
		return "Question sent; the report waits for the answer and its clock is paused.", err
	},
	"validate":   decision("Validated", (*reports.Service).Validate),
	"invalidate": decision("Judged invalid", (*reports.Service).Invalidate),
	"accept":     decision("Accepted", (*reports.Service).Accept),
	"defer":      decision("Deferred", (*reports.Service).Defer),
	"close":      decision("Closed", (*reports.Service).Close),
	"assign": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		to := strings.TrimSpace(r.PostFormValue("assignee"))
		var uid int64
		switch to {
		case "", "none":
		case "me":
			uid = v.P.UserID
		default:
			u, err := s.Users.UserByEmail(r.Context(), v.P, to)
			if errs.Is(err, errs.NotFound) {
				return "", errs.Field("assignee", "no account has this address")
			}
			if err != nil {
				return "", err
			}
			uid = u.ID
		}
		_, err := s.Reports.Assign(r.Context(), v.P, id, version, uid)
		if uid == 0 {
			return "Unassigned.", err
		}
		return "Assigned.", err
	},
	"priority": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		_, err := s.Reports.SetPriority(r.Context(), v.P, id, version, reports.Priority(r.PostFormValue("priority")))
		return "Priority set.", err
	},
	"reply": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		kind := reports.MessageKind(r.PostFormValue("kind"))
		_, err := s.Reports.Reply(r.Context(), v.P, id, r.PostFormValue("body"), kind)
		if kind == reports.KindNote {
			return "Internal note added.", err
		}
		return "Reply sent to the reporter.", err
	},
	"assess": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		points, err := ssvcPoints(s.SSVC, reports.SSVC{})
		if err != nil {
			return "", err
		}
		sel := map[string]string{}
		for _, p := range points {
			if val := r.PostFormValue("ssvc_" + p.Key); val != "" {
				sel[p.Name] = val
			}
		}
		a, err := s.Reports.Assess(r.Context(), v.P, id, sel)
		return "SSVC Coordinator Triage: " + a.Outcome + ". " + a.Next, err
	},
	"duplicate": func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		orig, err := s.reportRef(r.Context(), v, r.PostFormValue("original"))
		if err != nil {
			return "", err
		}
		_, err = s.Reports.MarkDuplicate(r.Context(), v.P, id, version, orig)
		return "Marked as a duplicate; the reporter is told.", err
	},
}

// decision is an RM decision's action: a canned reason (where one is
// needed) and the coordinator's own words.
func decision(done string, step func(*reports.Service, context.Context, auth.Principal, int64, reports.Decision) (reports.Report, error)) func(
	s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
	return func(s *Web, r *http.Request, v *visitor, id int64, version int) (string, error) {
		rep, err := step(s.Reports, r.Context(), v.P, id, reports.Decision{Version: version,
			Reason: reports.Reason(r.PostFormValue("reason")), Message: r.PostFormValue("message")})
		return done + ": the report is now " + rep.RM.Name() + "; the reporter is told.", err
	}
}

// reportRef reads a report named by its ID or tracking ID.
func (s *Web) reportRef(ctx context.Context, v *visitor, ref string) (int64, error) {
	ref = strings.TrimSpace(ref)
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil && n > 0 {
		return n, nil
	}
	if ref == "" {
		return 0, errs.Field("original", "name the original report by its tracking ID")
	}
	items, err := s.Reports.Queue(ctx, v.P, reports.Filter{Status: reports.AnyStatus, Query: ref})
	if err != nil {
		return 0, err
	}
	for _, it := range items {
		if strings.EqualFold(it.TrackingID, ref) {
			return it.ID, nil
		}
	}
	return 0, errs.Field("original", "no report has the tracking ID %q", ref)
}

func (s *Web) triageAction(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	act, known := triageActions[r.PathValue("action")]
	if !ok || !known {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such page"))
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	msg, err := act(s, r, v, id, version)
	if err == nil {
		s.Wake()
		redirect(w, r, "/triage/"+itoa(id), msg)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	page, lerr := s.loadTriage(r.Context(), v, id)
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	page.Form, page.FormName = formOf(err), r.PathValue("action")
	for _, k := range []string{"message", "question", "body", "assignee", "original"} {
		page.Typed[k] = r.PostFormValue(k)
	}
	s.render(w, r, formStatus(err), "triage_report", page)
}

// AgeText is how long the report has been with the coordinator.
func (p triageReportPage) AgeText() string { return ageText(p.Item.Age) }

// decisionForm is one RM decision the report page offers.
type decisionForm struct {
	Act, Title, Help string
	Reasons          []reports.Reason // nil: no reason asked
}

// Decisions are the RM decisions legal from the report's state.
func (p triageReportPage) Decisions() []decisionForm {
	var invalidating []reports.Reason
	for _, r := range reports.Reasons {
		if r.Invalidates() {
			invalidating = append(invalidating, r)
		}
	}
	all := []decisionForm{
		{"validate", "Validate", "It describes a real vulnerability (RM Valid).", nil},
		{"invalidate", "Invalidate", "It is not a vulnerability we can treat (RM Invalid; can be reconsidered).", invalidating},
		{"accept", "Accept", "Take on its coordination (RM Accepted).", nil},
		{"defer", "Defer", "Put it on hold (RM Deferred). Prefer this to closing while an embargo is active.", reports.Reasons},
		{"close", "Close", "Close it for good (RM Closed is final).", reports.Reasons},
	}
	var out []decisionForm
	for _, d := range all {
		if p.Can(d.Act) {
			out = append(out, d)
		}
	}
	return out
}

// Orphan is an error of a form the page no longer shows (the step is not
// legal from the report's state now): it goes to the top of the page.
func (p triageReportPage) Orphan() string {
	switch p.FormName {
	case "validate", "invalidate", "accept", "defer", "close":
		if !p.Can(p.FormName) {
			return p.Form.Error
		}
	case "acknowledge":
		if !p.R.AcknowledgedAt.IsZero() || p.R.RM == protocol.RMClosed {
			return p.Form.Error
		}
	case "ask":
		if p.R.RM == protocol.RMClosed {
			return p.Form.Error
		}
	}
	return ""
}
