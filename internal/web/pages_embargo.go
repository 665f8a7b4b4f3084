package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
)

func (s *Web) embargoRoutes() []route {
	return []route{
		{"GET /cases/{key}/embargo", signedIn, s.embargoPage},
		{"POST /cases/{key}/embargo/propose", signedIn, s.embargoPropose},
		{"POST /cases/{key}/embargo/answer", signedIn, s.embargoAnswer},
		{"POST /cases/{key}/embargo/decide", signedIn, s.embargoDecide},
		{"POST /cases/{key}/embargo/end", signedIn, s.embargoEnd},
		{"POST /cases/{key}/embargo/settings", signedIn, s.embargoSettings},
		{"POST /cases/{key}/embargo/share", signedIn, s.embargoShare},
		{"GET /orgs/{id}/policy", signedIn, s.policyPage},
		{"POST /orgs/{id}/policy", signedIn, s.policySave},
		{"POST /cases/{key}/cra", signedIn, s.craSet},
		{"POST /cases/{key}/cra/report", signedIn, s.craReport},
		{"POST /cases/{key}/schedule", signedIn, s.scheduleSet},
	}
}

// embargoPage is a case's embargo as one visitor sees it, with the forms
// the visitor may use.
type embargoPage struct {
	Layout
	Case        cases.Case
	Access      cases.Access
	Embargo     cases.Embargo
	Manage      bool
	CanPropose  bool
	Mine        []cases.Answer // the visitor's own participants, to answer for
	Ends, Zone  string         // the propose form's values
	Justify     string
	Form        Form
	FormName    string
	UsualMax    int
	Zones       []string
	InForceText string
}

// CanAnswer tells whether a visitor's participant may answer now.
func (p embargoPage) CanAnswer(a cases.Answer) bool {
	st := p.Embargo.State
	if !st.Active() && !st.Pending() {
		return false
	}
	return a.Consent == protocol.ConsentInvited || a.Consent == protocol.ConsentDeclined || a.Consent == protocol.ConsentLapsed ||
		(p.Embargo.Pending != nil && a.Consent == protocol.ConsentSignatory && a.Answer == "")
}

func (s *Web) loadEmbargo(w http.ResponseWriter, r *http.Request, v *visitor) (embargoPage, bool) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return embargoPage{}, false
	}
	a, err := s.Cases.Access(r.Context(), v.P, c.ID)
	if err != nil {
		s.fail(w, r, v, err)
		return embargoPage{}, false
	}
	e, err := s.Cases.Embargo(r.Context(), v.P, c.ID)
	if err != nil {
		s.fail(w, r, v, err)
		return embargoPage{}, false
	}
	page := embargoPage{Layout: s.layout(v, c.Key+": embargo", "cases"), Case: c, Access: a, Embargo: e,
		Manage: cases.CanManage(v.P, a) == nil, CanPropose: cases.CanPropose(v.P, a, e.Proposers) == nil,
		UsualMax: int(cases.EmbargoUsualMax / (24 * time.Hour)), Zones: commonZones}
	for _, an := range e.Answers {
		if a.Acts(an.Participant) {
			page.Mine = append(page.Mine, an)
		}
	}
	if !e.InForce.EndsAt.IsZero() {
		page.InForceText = cases.TermsWords(e.InForce)
	}
	return page, true
}

func (s *Web) embargoPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadEmbargo(w, r, v)
	if !ok {
		return
	}
	s.render(w, r, http.StatusOK, "embargo", page)
}

// embargoAgain shows the embargo page with a form's error, or the error
// page for refusals a form cannot fix.
func (s *Web) embargoAgain(w http.ResponseWriter, r *http.Request, v *visitor, form string, err error, keep func(*embargoPage)) {
	if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound || k == errs.Internal || k == errs.Unauthenticated {
		s.fail(w, r, v, err)
		return
	}
	page, ok := s.loadEmbargo(w, r, v)
	if !ok {
		return
	}
	page.Form, page.FormName = formOf(err), form
	if keep != nil {
		keep(&page)
	}
	s.render(w, r, formStatus(err), "embargo", page)
}

func (s *Web) embargoDone(w http.ResponseWriter, r *http.Request, msg string) {
	s.Wake()
	redirect(w, r, "/cases/"+r.PathValue("key")+"/embargo", msg)
}

// caseID finds the case of the {key} path value.
func (s *Web) caseID(r *http.Request, v *visitor) (int64, error) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	return c.ID, err
}

func postedID(r *http.Request, name string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSpace(r.PostFormValue(name)), 10, 64)
	return n
}

func (s *Web) embargoPropose(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	ends, zone, justify := r.PostFormValue("ends_at"), r.PostFormValue("zone"), r.PostFormValue("justification")
	var pr cases.Proposal
	if err == nil && r.PostFormValue("default") != "" {
		pr, err = s.Cases.ProposeDefaultEmbargo(r.Context(), v.P, id, postedID(r, "as"))
	} else if err == nil {
		var t cases.Terms
		if t.EndsAt, t.Zone, err = cases.ParseEnd(ends, zone); err == nil {
			t.Justification = justify
			pr, err = s.Cases.ProposeEmbargo(r.Context(), v.P, id, postedID(r, "as"), t)
		}
	}
	if err != nil {
		s.embargoAgain(w, r, v, "propose", err, func(p *embargoPage) { p.Ends, p.Zone, p.Justify = ends, zone, justify })
		return
	}
	msg := "Proposed: an embargo until " + cases.TermsWords(pr.Terms) + ". Every other participant is asked to answer."
	if pr.Status == "queued" {
		msg = "A shorter default is pending: yours (until " + cases.TermsWords(pr.Terms) + ") follows as a revision once it is in force."
	}
	s.embargoDone(w, r, msg)
}

func (s *Web) embargoAnswer(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	accept := r.PostFormValue("answer") == "accept"
	if err == nil && !accept && r.PostFormValue("answer") != "reject" {
		err = errs.Field("answer", "choose accept or reject")
	}
	if err == nil {
		_, err = s.Cases.AnswerEmbargo(r.Context(), v.P, id, postedID(r, "participant"), postedID(r, "proposal"), accept, r.PostFormValue("comment"))
	}
	if err != nil {
		s.embargoAgain(w, r, v, "answer", err, nil)
		return
	}
	if accept {
		s.embargoDone(w, r, "You accepted the embargo terms.")
		return
	}
	s.embargoDone(w, r, "You rejected the embargo terms; the coordinators will be in touch.")
}

func (s *Web) embargoDecide(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	accept := r.PostFormValue("decision") == "accept"
	if err == nil {
		_, err = s.Cases.DecideEmbargo(r.Context(), v.P, id, postedID(r, "proposal"), accept, r.PostFormValue("reason"))
	}
	if err != nil {
		s.embargoAgain(w, r, v, "decide", err, nil)
		return
	}
	if accept {
		s.embargoDone(w, r, "The terms are in force.")
		return
	}
	s.embargoDone(w, r, "The proposal is rejected.")
}

func (s *Web) embargoEnd(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	if err == nil {
		_, err = s.Cases.TerminateEmbargo(r.Context(), v.P, id, r.PostFormValue("reason"))
	}
	if err != nil {
		s.embargoAgain(w, r, v, "end", err, nil)
		return
	}
	s.embargoDone(w, r, "The embargo has ended; every participant is told.")
}

func (s *Web) embargoSettings(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	if err == nil {
		err = s.Cases.SetEmbargoProposers(r.Context(), v.P, id, r.PostFormValue("proposers"))
	}
	if err != nil {
		s.embargoAgain(w, r, v, "settings", err, nil)
		return
	}
	s.embargoDone(w, r, "Saved who may propose embargo terms.")
}

func (s *Web) embargoShare(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	if err == nil {
		err = s.Cases.ShareDetails(r.Context(), v.P, id, postedID(r, "participant"), r.PostFormValue("reason"))
	}
	if err != nil {
		s.embargoAgain(w, r, v, "share", err, nil)
		return
	}
	s.embargoDone(w, r, "The case's details are shared with the participant; this is recorded.")
}

// utcInput reads a datetime-local input meant in UTC; empty is zero.
func utcInput(r *http.Request, name string) (time.Time, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return time.Time{}, nil
	}
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errs.Field(name, "must be a date and time such as 2026-05-01T06:00 (UTC)")
}

func (s *Web) craSet(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	aware, err := utcInput(r, "aware_at")
	var fix time.Time
	if err == nil {
		fix, err = utcInput(r, "fix_available_at")
	}
	if err == nil {
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		_, err = s.Cases.SetCRA(r.Context(), v.P, page.Case.ID, cases.CRAFields{Manufacturer: postedID(r, "manufacturer"), AwareAt: aware,
			FixAvailableAt: fix, Version: version})
	}
	if err != nil {
		s.again(w, r, v, page, "cra", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key+"#cra-h", "CRA clocks saved.")
}

func (s *Web) craReport(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	at, err := utcInput(r, "at")
	if err == nil {
		_, err = s.Cases.RecordCRAReport(r.Context(), v.P, page.Case.ID, r.PostFormValue("report"), at, r.PostFormValue("reference"))
	}
	if err != nil {
		s.again(w, r, v, page, "cra", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key+"#cra-h", "CRA report recorded.")
}

func (s *Web) scheduleSet(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	days := func(name string) time.Duration {
		n, _ := strconv.Atoi(strings.TrimSpace(r.PostFormValue(name)))
		return time.Duration(n) * 24 * time.Hour
	}
	sc := cases.Schedule{RemindAfter: days("remind_after_days"), AlternateAfter: days("alternate_after_days"), FlagAfter: days("flag_after_days")}
	if err := s.Cases.SetSchedule(r.Context(), v.P, page.Case.ID, sc); err != nil {
		s.again(w, r, v, page, "schedule", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key+"#participants-h", "Reminder schedule saved.")
}
