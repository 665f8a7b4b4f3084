package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

func (s *Web) disputeRoutes() []route {
	const one = "/cases/{key}/disputes/{id}"
	return []route{
		{"GET /disputes", signedIn, s.disputeList},
		{"GET /cases/{key}/disputes", signedIn, s.caseDisputes},
		{"POST /cases/{key}/disputes", signedIn, s.disputeOpen},
		{"POST /cases/{key}/mediator", signedIn, s.disputeHandOver},
		{"GET " + one, signedIn, s.disputeDetail},
		{"POST " + one + "/positions", signedIn, s.disputeAct("position", statePosition)},
		{"POST " + one + "/messages", signedIn, s.disputeAct("post", postMessage)},
		{"POST " + one + "/resolutions", signedIn, s.disputeAct("propose", proposeResolution)},
		{"POST " + one + "/resolutions/{rid}/answer", signedIn, s.disputeAct("answer", answerResolution)},
		{"POST " + one + "/decision", signedIn, s.disputeAct("decide", decideExtension)},
		{"POST " + one + "/close", signedIn, s.disputeAct("close", closeDispute)},
		{"POST " + one + "/withdraw", signedIn, s.disputeAct("withdraw", withdrawDispute)},
	}
}

// disputeForms carries the error of the one form a page shows again, and
// what that form held.
type disputeForms struct {
	Form     Form
	FormName string
	Typed    map[string]string
}

// Err is form name's error about field.
func (f disputeForms) Err(name, field string) string {
	if f.FormName != name {
		return ""
	}
	return f.Form.Err(field)
}

// Attrs marks form name's field invalid and points at its error.
func (f disputeForms) Attrs(name, field string) template.HTMLAttr {
	if f.Err(name, field) == "" {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + name + `-` + fieldID(field) + `-err"`)
}

// General is form name's error about no one field.
func (f disputeForms) General(name string) string {
	if f.FormName != name {
		return ""
	}
	return f.Form.General()
}

// Open tells whether form name holds an error (a details element shows it
// open).
func (f disputeForms) Open(name string) bool { return f.FormName == name }

// Value is what form name's field held when it was refused.
func (f disputeForms) Value(name, field string) string {
	if f.FormName != name {
		return ""
	}
	return f.Typed[field]
}

func (f *disputeForms) refused(name string, r *http.Request, err error) {
	f.Form, f.FormName, f.Typed = formOf(err), name, map[string]string{}
	for k, v := range r.PostForm {
		f.Typed[k] = strings.Join(v, ",")
	}
}

// ageWords says how long something lasted, roughly.
func ageWords(d time.Duration) string {
	switch {
	case d < time.Hour:
		return "less than an hour"
	case d < 48*time.Hour:
		return fmt.Sprintf("%d hours", int(d.Hours()))
	}
	return fmt.Sprintf("%d days", int(d.Hours()/24))
}

type disputeListPage struct {
	Layout
	Items  []disputes.Detail
	Topics []disputes.Topic
	Topic  string
	Mine   bool
	Next   string
	Now    time.Time
	Form   Form
}

// Age says how long d has been open.
func (p disputeListPage) Age(d disputes.Detail) string { return ageWords(d.Age(p.Now)) }

func (s *Web) disputeList(w http.ResponseWriter, r *http.Request, v *visitor) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page := disputeListPage{Layout: s.layout(v, "Open disputes", "disputes"), Topics: disputes.Topics(), Topic: q.Get("topic"),
		Mine: q.Get("mine") == "on", Now: s.Now()}
	list, err := s.Disputes.Open(r.Context(), v.P, disputes.OpenFilter{Topic: disputes.Topic(page.Topic), Mine: page.Mine,
		Page: store.Page{After: after, Limit: casesPerPage}})
	if errs.KindOf(err) == errs.Invalid {
		page.Form = formOf(err)
		s.render(w, r, http.StatusUnprocessableEntity, "disputes", page)
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.Items = list
	if len(list) == casesPerPage {
		next := url.Values{"after": {itoa(list[len(list)-1].ID)}, "topic": {page.Topic}}
		if page.Mine {
			next.Set("mine", "on")
		}
		page.Next = "/disputes?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "disputes", page)
}

// caseDisputesPage is a case's disputes with the forms to open one and to
// hand the case to another mediator.
type caseDisputesPage struct {
	Layout
	disputeForms
	Case         cases.Case
	Items        []disputes.Detail
	Mediation    disputes.Mediation
	Manage       bool
	As           []cases.Participant // whom the visitor may open a dispute as
	With         []cases.Participant // whom it may name
	Coordinators []cases.Participant // whom the case may be handed to
	Topics       []disputes.Topic
	Now          time.Time
}

// Age says how long d has been open.
func (p caseDisputesPage) Age(d disputes.Detail) string { return ageWords(d.Age(p.Now)) }

// Checked tells whether participant id was ticked in the refused form.
func (p caseDisputesPage) Checked(id int64) bool {
	for _, x := range strings.Split(p.Value("open", "with"), ",") {
		if x == itoa(id) {
			return true
		}
	}
	return false
}

func (s *Web) loadCaseDisputes(r *http.Request, v *visitor) (caseDisputesPage, error) {
	ctx := r.Context()
	c, err := s.Cases.GetByKey(ctx, v.P, r.PathValue("key"))
	if err != nil {
		return caseDisputesPage{}, err
	}
	page := caseDisputesPage{Layout: s.layout(v, "Disputes of "+c.Key, "cases"), Case: c, Topics: disputes.Topics(), Now: s.Now()}
	a, err := s.Cases.Access(ctx, v.P, c.ID)
	if err != nil {
		return page, err
	}
	page.Manage = cases.CanManage(v.P, a) == nil
	if page.Items, err = s.Disputes.List(ctx, v.P, c.ID); err != nil {
		return page, err
	}
	if page.Mediation, err = s.Disputes.Mediator(ctx, v.P, c.ID); err != nil {
		return page, err
	}
	parts, err := s.Cases.Participants(ctx, v.P, c.ID, cases.ParticipantFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return page, err
	}
	for _, pt := range parts {
		if page.Manage || a.Acts(pt.ID) {
			page.As = append(page.As, pt)
		}
		if !a.Acts(pt.ID) || page.Manage {
			page.With = append(page.With, pt)
		}
		if pt.Roles.Has(cases.RoleCoordinator) && pt.ID != page.Mediation.Participant {
			page.Coordinators = append(page.Coordinators, pt)
		}
	}
	return page, nil
}

func (s *Web) caseDisputes(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.loadCaseDisputes(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "dispute_case", page)
}

// caseDisputesAgain shows the case's disputes with form name's error.
func (s *Web) caseDisputesAgain(w http.ResponseWriter, r *http.Request, v *visitor, name string, err error) {
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	page, lerr := s.loadCaseDisputes(r, v)
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	page.refused(name, r, err)
	s.render(w, r, formStatus(err), "dispute_case", page)
}

// formIDs reads a form's repeated ID field.
func formIDs(r *http.Request, name string) ([]int64, error) {
	var out []int64
	for _, v := range r.PostForm[name] {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || id <= 0 {
			return nil, errs.Field(name, "is not a participant of this case")
		}
		out = append(out, id)
	}
	return out, nil
}

// formID reads an optional ID field; empty is 0.
func formID(r *http.Request, name string) (int64, error) {
	v := strings.TrimSpace(r.PostFormValue(name))
	if v == "" {
		return 0, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.Field(name, "is not a participant of this case")
	}
	return id, nil
}

func (s *Web) disputeOpen(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	nd := disputes.NewDispute{Topic: disputes.Topic(r.PostFormValue("topic")), Title: r.PostFormValue("title"),
		Position: r.PostFormValue("position"), Visibility: disputes.Visibility(visibilityOf(r))}
	if nd.Topic == disputes.TopicExtension {
		nd.Until, nd.Zone = strings.TrimSpace(r.PostFormValue("until")), strings.TrimSpace(r.PostFormValue("zone"))
	}
	if nd.With, err = formIDs(r, "with"); err == nil {
		nd.As, err = formID(r, "as")
	}
	var d disputes.Dispute
	if err == nil {
		d, err = s.Disputes.Create(r.Context(), v.P, c.ID, nd)
	}
	if err != nil {
		s.caseDisputesAgain(w, r, v, "open", err)
		return
	}
	s.Wake()
	redirect(w, r, "/cases/"+c.Key+"/disputes/"+itoa(d.ID), "Dispute opened. The mediator and the other parties are told.")
}

// visibilityOf reads the "private" box: a position for the mediator only.
func visibilityOf(r *http.Request) string {
	if r.PostFormValue("private") != "" {
		return string(disputes.VisibleToCoordinator)
	}
	return string(disputes.VisibleToParties)
}

func (s *Web) disputeHandOver(w http.ResponseWriter, r *http.Request, v *visitor) {
	c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	to, err := formID(r, "participant")
	var m disputes.Mediation
	if err == nil {
		m, err = s.Disputes.HandOver(r.Context(), v.P, c.ID, to, r.PostFormValue("reason"))
	}
	if err != nil {
		s.caseDisputesAgain(w, r, v, "handover", err)
		return
	}
	s.Wake()
	redirect(w, r, "/cases/"+c.Key+"/disputes", "The case's disputes are now mediated by "+m.Name+".")
}
