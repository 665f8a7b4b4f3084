package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

func (s *Web) caseRoutes() []route {
	return []route{
		{"GET /cases", signedIn, s.caseList},
		{"GET /cases/new", signedIn, s.caseNewForm},
		{"POST /cases/new", signedIn, s.caseCreate},
		{"GET /cases/{key}", signedIn, s.caseDetail},
		{"GET /cases/{key}/timeline", signedIn, s.caseTimeline},
		{"POST /cases/{key}/vulnerabilities", signedIn, s.vulnAdd},
		{"POST /cases/{key}/participants", signedIn, s.participantsAdd},
		{"POST /cases/{key}/participants/{id}/rm", signedIn, s.participantRM},
		{"POST /cases/{key}/participants/{id}/send", signedIn, s.participantSend},
		{"POST /cases/{key}/cs", signedIn, s.caseCS},
	}
}

const casesPerPage = 50

type caseListPage struct {
	Layout
	Cases     []cases.Case
	Query, EM string
	Mine      bool
	EMStates  []protocol.EMState
	Next      string
	CanCreate bool
	Form      Form
}

func (s *Web) caseList(w http.ResponseWriter, r *http.Request, v *visitor) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page := caseListPage{Layout: s.layout(v, "Cases", "cases"), Query: strings.TrimSpace(q.Get("q")), EM: q.Get("em"),
		Mine: q.Get("mine") == "on", EMStates: protocol.EMStates(), CanCreate: cases.CanCreate(v.P) == nil}
	list, err := s.Cases.List(r.Context(), v.P, cases.Filter{Query: page.Query, EMState: page.EM, Mine: page.Mine,
		Page: store.Page{After: after, Limit: casesPerPage}})
	if errs.KindOf(err) == errs.Invalid {
		page.Form = formOf(err)
		s.render(w, r, http.StatusUnprocessableEntity, "cases", page)
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.Cases = list
	if len(list) == casesPerPage {
		next := url.Values{"after": {itoa(list[len(list)-1].ID)}, "q": {page.Query}, "em": {page.EM}}
		if page.Mine {
			next.Set("mine", "on")
		}
		page.Next = "/cases?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "cases", page)
}

type caseFormPage struct {
	Layout
	Title, Summary string
	Vuln           cases.VulnFields
	Form           Form
}

func (s *Web) caseNewForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := cases.CanCreate(v.P); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "case_new", caseFormPage{Layout: s.layout(v, "New case", "cases")})
}

func vulnFrom(r *http.Request) cases.VulnFields {
	return cases.VulnFields{Title: r.PostFormValue("vuln_title"), Description: r.PostFormValue("vuln_description"),
		CWE: strings.TrimSpace(r.PostFormValue("cwe")), CVSS31Vector: strings.TrimSpace(r.PostFormValue("cvss31_vector")),
		CVSS40Vector: strings.TrimSpace(r.PostFormValue("cvss40_vector")), CVE: strings.TrimSpace(r.PostFormValue("cve"))}
}

func (s *Web) caseCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	page := caseFormPage{Layout: s.layout(v, "New case", "cases"), Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), Vuln: vulnFrom(r)}
	nc := cases.NewCase{Title: page.Title, Summary: page.Summary}
	if page.Vuln != (cases.VulnFields{}) {
		nc.Vulnerabilities = []cases.VulnFields{page.Vuln}
	}
	c, err := s.Cases.Create(r.Context(), v.P, nc)
	if err != nil {
		if errs.Is(err, errs.Forbidden) {
			s.fail(w, r, v, err)
			return
		}
		page.Form = formOf(err)
		if f, ok := strings.CutPrefix(page.Form.Field, "vulnerabilities[0]."); ok {
			page.Form.Field = vulnField(f)
		}
		s.render(w, r, formStatus(err), "case_new", page)
		return
	}
	redirect(w, r, "/cases/"+c.Key, "Case "+c.Key+" opened. Add the vendors next.")
}

// vulnField names the form input of a vulnerability's field.
func vulnField(f string) string {
	switch f {
	case "title", "description":
		return "vuln_" + f
	case "cve_id":
		return "cve"
	}
	return f
}

// casePage is a case as one visitor may see it.
type casePage struct {
	Layout
	Case         cases.Case
	Access       cases.Access
	Manage       bool
	Participants []cases.Participant
	PFilter      cases.ParticipantFilter
	PNext        string
	Timeline     []cases.Event
	TNext        string
	Roles        []cases.Role
	RMStates     []protocol.RMState
	Vuln         cases.VulnFields
	Names        string
	Form         Form
	FormName     string // the form the error belongs to
	CRA          *cases.CRA
	Now          time.Time
	Owed         []deadlineRow // the case's open deadlines the visitor sees, soonest first
	MoreOwed     bool
	Schedule     cases.Schedule   // the reminders to silent vendors, for those who manage the case
	Lists        []org.VendorList // saved vendor lists, for staff
	Mute         caseMute         // whether the visitor muted the case
}

// Days writes a schedule's duration in whole days.
func (c casePage) Days(d time.Duration) int { return int(d / (24 * time.Hour)) }

// RMActions are the RM events participant pt may take now, for its row.
func (c casePage) RMActions(pt cases.Participant) []protocol.RMEvent {
	if !c.Manage && !c.Access.Acts(pt.ID) {
		return nil
	}
	var out []protocol.RMEvent
	for _, e := range protocol.RMEvents() {
		if e == protocol.RMReceive { // receiving is the effect of a report being sent
			continue
		}
		if _, err := pt.RM.Step(e); err == nil {
			out = append(out, e)
		}
	}
	return out
}

// CanSend tells whether the visitor's coordinator may send pt the report.
func (c casePage) CanSend(pt cases.Participant) bool {
	return c.Manage && pt.RM == protocol.RMStart
}

// CSEvents are the events a form may record.
func (c casePage) CSEvents() []protocol.CSEvent { return protocol.CSEvents() }

func (s *Web) loadCase(w http.ResponseWriter, r *http.Request, v *visitor) (casePage, bool) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return casePage{}, false
	}
	a, err := s.Cases.Access(r.Context(), v.P, c.ID)
	if err != nil {
		s.fail(w, r, v, err)
		return casePage{}, false
	}
	return casePage{Layout: s.layout(v, c.Key+": "+c.Title, "cases"), Case: c, Access: a, Manage: cases.CanManage(v.P, a) == nil,
		Roles: cases.AllRoles(), RMStates: protocol.RMStates()}, true
}

// fill reads the participants and the timeline for the case page.
func (s *Web) fill(r *http.Request, v *visitor, page *casePage) error {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page.PFilter = cases.ParticipantFilter{Role: cases.Role(q.Get("role")), RM: q.Get("rm"), Silent: q.Get("silent") == "on",
		Unresponsive: q.Get("unresponsive") == "on",
		Sort:         cases.Sort(q.Get("sort")), Page: store.Page{After: after, Limit: casesPerPage}}
	var err error
	if page.Participants, err = s.Cases.Participants(r.Context(), v.P, page.Case.ID, page.PFilter); err != nil {
		return err
	}
	if len(page.Participants) == casesPerPage {
		next := url.Values{"after": {itoa(page.Participants[len(page.Participants)-1].ID)}, "role": {q.Get("role")}, "rm": {q.Get("rm")},
			"sort": {q.Get("sort")}, "silent": {q.Get("silent")}, "unresponsive": {q.Get("unresponsive")}}
		page.PNext = "/cases/" + page.Case.Key + "?" + next.Encode() + "#participants-h"
	}
	if page.Timeline, err = s.Cases.Timeline(r.Context(), v.P, page.Case.ID, store.Page{Limit: casesPerPage}); err != nil {
		return err
	}
	if len(page.Timeline) == casesPerPage {
		page.TNext = "/cases/" + page.Case.Key + "/timeline?after=" + itoa(page.Timeline[len(page.Timeline)-1].Seq)
	}
	if cra, ok, err := s.Cases.CRAOf(r.Context(), v.P, page.Case.ID); err != nil {
		return err
	} else if ok {
		page.CRA = &cra
	}
	page.Now = s.Now()
	if page.Manage {
		if page.Schedule, err = s.Cases.ScheduleOf(r.Context(), v.P, page.Case.ID); err != nil {
			return err
		}
	}
	if org.CanUseLists(v.P) == nil {
		if page.Lists, err = s.Orgs.Lists(r.Context(), v.P); err != nil {
			return err
		}
	}
	if page.Mute, err = s.caseMuteOf(r, v, page.Case.ID); err != nil {
		return err
	}
	return s.owed(r, page)
}

// caseDeadlines is how many of a case's deadlines its page lists.
const caseDeadlines = 50

// owed reads who owes what by when in the case, as the visitor may see it.
func (s *Web) owed(r *http.Request, page *casePage) error {
	if page.Case.Restricted {
		return nil
	}
	view := deadlines.Viewer{All: page.Manage, Participants: page.Access.Participants}
	list, err := s.Deadlines.ForCase(r.Context(), page.Case.ID, view, store.Page{Limit: caseDeadlines + 1})
	if err != nil {
		return err
	}
	page.MoreOwed = len(list) > caseDeadlines
	for _, d := range list[:min(len(list), caseDeadlines)] {
		page.Owed = append(page.Owed, deadlineRow{Deadline: d, CaseKey: page.Case.Key, Left: timeLeft(d.DueAt, page.Now),
			Mine: d.ParticipantID == 0 || page.Access.Acts(d.ParticipantID)})
	}
	return s.owners(r.Context(), page.Owed)
}

func (s *Web) caseDetail(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	if len(page.Access.Participants) > 0 {
		if err := s.Cases.MarkViewed(r.Context(), v.P, page.Case.ID); err != nil {
			s.fail(w, r, v, err)
			return
		}
	}
	s.showCase(w, r, v, http.StatusOK, page)
}

func (s *Web) showCase(w http.ResponseWriter, r *http.Request, v *visitor, status int, page casePage) {
	if err := s.fill(r, v, &page); err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, v, err)
			return
		}
		page.Form, page.FormName = formOf(err), "filter"
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, "case", page)
}

// again shows the case page with a form's error.
func (s *Web) again(w http.ResponseWriter, r *http.Request, v *visitor, page casePage, form string, err error) {
	if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound || k == errs.Internal {
		s.fail(w, r, v, err)
		return
	}
	page.Form, page.FormName = formOf(err), form
	r.URL.RawQuery = "" // the page after a post shows the first page of everything
	s.showCase(w, r, v, formStatus(err), page)
}

type timelinePage struct {
	Layout
	Case     cases.Case
	Timeline []cases.Event
	Next     string
}

func (s *Web) caseTimeline(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	list, err := s.Cases.Timeline(r.Context(), v.P, c.ID, store.Page{After: after, Limit: listSize})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page := timelinePage{Layout: s.layout(v, c.Key+" timeline", "cases"), Case: c, Timeline: list}
	if len(list) == listSize {
		page.Next = "/cases/" + c.Key + "/timeline?after=" + itoa(list[len(list)-1].Seq)
	}
	s.render(w, r, http.StatusOK, "timeline", page)
}

func (s *Web) vulnAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	f := vulnFrom(r)
	if _, err := s.Cases.AddVulnerability(r.Context(), v.P, page.Case.ID, f); err != nil {
		page.Vuln = f
		if e, ok := err.(*errs.Error); ok {
			e.Field = vulnField(e.Field)
		}
		s.again(w, r, v, page, "vuln", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key, "Vulnerability added.")
}

func (s *Web) participantsAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	names := r.PostFormValue("names")
	role := cases.Role(r.PostFormValue("role"))
	list, err := s.resolveOrgs(r, v, names, role)
	if err == nil {
		_, err = s.Cases.AddParticipants(r.Context(), v.P, page.Case.ID, list)
	}
	if err != nil {
		page.Names = names
		s.again(w, r, v, page, "participants", err)
		return
	}
	s.Wake() // the notices are queued
	redirect(w, r, "/cases/"+page.Case.Key, strconv.Itoa(len(list))+" participants added; vendors are being notified.")
}

func (s *Web) participantRM(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	id, _ := pathID(r, "id")
	ev, err := protocol.ParseRMEvent(r.PostFormValue("event"))
	if err != nil {
		err = errs.Field("event", "is not a report management event")
	} else {
		_, err = s.Cases.StepRM(r.Context(), v.P, page.Case.ID, id, ev, r.PostFormValue("reason"))
	}
	if err != nil {
		s.again(w, r, v, page, "rm", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key, "Report state changed: "+ev.Name()+".")
}

func (s *Web) participantSend(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	to, _ := pathID(r, "id")
	from, err := s.sender(r, v, page)
	if err == nil {
		_, err = s.Cases.SendReport(r.Context(), v.P, page.Case.ID, from, to)
	}
	if err != nil {
		s.again(w, r, v, page, "rm", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key, "Report sent.")
}

// sender is the coordinator participant that sends the report: one the
// visitor acts for, else the case's first coordinator (staff act for it).
func (s *Web) sender(r *http.Request, v *visitor, page casePage) (int64, error) {
	coords, err := s.Cases.Participants(r.Context(), v.P, page.Case.ID, cases.ParticipantFilter{Role: cases.RoleCoordinator, Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return 0, err
	}
	for _, c := range coords {
		if page.Access.Acts(c.ID) {
			return c.ID, nil
		}
	}
	if len(coords) > 0 {
		return coords[0].ID, nil
	}
	return 0, errs.E(errs.Conflict, "the case has no coordinator participant to send the report from: open cases as a member of your coordinator organisation, which then leads them")
}

func (s *Web) caseCS(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	ev, err := protocol.ParseCSEvent(r.PostFormValue("event"))
	if err != nil {
		s.again(w, r, v, page, "cs", errs.Field("event", "choose one of V, F, D, P, X, A"))
		return
	}
	ce := protocol.CaseEvent{Event: ev}
	if !ev.CaseWide() {
		ce.Vendor = strings.TrimSpace(r.PostFormValue("vendor"))
	}
	changes, err := s.Cases.RecordCS(r.Context(), v.P, page.Case.ID, ce)
	if err != nil {
		s.again(w, r, v, page, "cs", err)
		return
	}
	redirect(w, r, "/cases/"+page.Case.Key, "Recorded "+ev.Name()+" ("+strconv.Itoa(len(changes))+" changes, implied ones included).")
}

// resolveOrgs turns a pasted list of organisation names (one a line, or
// separated by commas or semicolons) into new participants with role.
func (s *Web) resolveOrgs(r *http.Request, v *visitor, text string, role cases.Role) ([]cases.NewParticipant, error) {
	ids, err := s.orgIDs(r, v, text)
	if err == nil && len(ids) == 0 {
		err = errs.Field("names", "name at least one organisation")
	}
	if err != nil {
		return nil, err
	}
	out := make([]cases.NewParticipant, len(ids))
	for i, id := range ids {
		out[i] = cases.NewParticipant{OrgID: id, Roles: []cases.Role{role}}
	}
	return out, nil
}

// orgIDs finds the organisations of a pasted list of names.
func (s *Web) orgIDs(r *http.Request, v *visitor, text string) ([]int64, error) {
	names := strings.FieldsFunc(text, func(c rune) bool { return c == '\n' || c == ',' || c == ';' })
	if len(names) == 0 {
		return nil, nil
	}
	found, missing, err := s.Orgs.ByNames(r.Context(), v.P, names)
	if err != nil {
		return nil, err
	}
	if len(missing) > 0 {
		shown := missing[:min(len(missing), 5)]
		return nil, errs.Field("names", "%d unknown organisation(s): %s%s. Create them first, or check the spelling", len(missing),
			strings.Join(shown, "; "), map[bool]string{true: "…", false: ""}[len(missing) > 5])
	}
	ids := make([]int64, len(found))
	for i, o := range found {
		ids[i] = o.ID
	}
	return ids, nil
}
