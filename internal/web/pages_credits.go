package web

import (
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/errs"
)

// Credits at /cases/{key}/credits (the credits as the visitor may see
// them, and the managers' forms to propose, edit and withdraw), and the
// visitor's own credits at /credits, to accept or decline.
func (s *Web) creditRoutes() []route {
	return []route{
		{"GET /cases/{key}/credits", signedIn, s.creditsPage},
		{"POST /cases/{key}/credits", signedIn, s.creditPropose},
		{"POST /cases/{key}/credits/{id}", signedIn, s.creditEdit},
		{"POST /cases/{key}/credits/{id}/withdraw", signedIn, s.creditWithdraw},
		{"GET /credits", signedIn, s.myCreditsPage},
		{"POST /credits/{id}/answer", signedIn, s.creditAnswer},
	}
}

// creditEntry is the managers' form as typed.
type creditEntry struct {
	Type, Name, Email, Organisation string
	UserID, Vulnerability           int64
}

// creditsPage is a case's credits as one visitor sees them.
type creditsPage struct {
	Layout
	Case     cases.Case
	Manage   bool
	Credits  []credits.Credit
	Types    []credits.Type
	Entry    creditEntry
	Form     Form
	FormName string // "entry", or "edit-ID" for an edit refused
}

// Err is the error of form about field, if it shows one.
func (p creditsPage) Err(form, field string) string {
	if p.FormName == form && p.Form.Field == field {
		return p.Form.Error
	}
	return ""
}

// Attrs marks a field of form invalid and points at its error.
func (p creditsPage) Attrs(form, field string) template.HTMLAttr {
	if p.Err(form, field) == "" {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="` + form + `-` + fieldID(field) + `-err"`)
}

// General is a form's error when none of its fields shows it.
func (p creditsPage) General(form string) string {
	if p.FormName != form {
		return ""
	}
	switch p.Form.Field {
	case "type", "name", "email", "organisation", "user_id", "vulnerability_id", "status", "reason":
		return ""
	}
	return p.Form.Error
}

// EditForm names the edit form of credit id.
func (p creditsPage) EditForm(id int64) string { return "edit-" + itoa(id) }

// VulnLabel names vulnerability id of the case.
func (p creditsPage) VulnLabel(id int64) string {
	for _, v := range p.Case.Vulnerabilities {
		if v.ID == id {
			if v.CVE != "" {
				return v.CVE + " " + v.Title
			}
			return v.Title
		}
	}
	return "the case as a whole"
}

func (s *Web) creditsPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCredits(w, r, v)
	if ok {
		s.render(w, r, http.StatusOK, "credits", page)
	}
}

func (s *Web) loadCredits(w http.ResponseWriter, r *http.Request, v *visitor) (creditsPage, bool) {
	ctx := r.Context()
	c, err := s.Cases.GetByKey(ctx, v.P, r.PathValue("key"))
	page := creditsPage{Layout: s.layout(v, c.Key+": credits", "cases"), Case: c, Types: credits.Types, Entry: creditEntry{Type: string(credits.Finder)}}
	if err == nil {
		page.Credits, err = s.Credits.List(ctx, v.P, c.ID)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return page, false
	}
	page.Manage = s.Credits.Manages(ctx, v.P, c.ID)
	return page, true
}

func (s *Web) creditPropose(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	e := creditEntry{Type: r.PostFormValue("type"), Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Organisation: r.PostFormValue("organisation"), UserID: postedID(r, "user_id"), Vulnerability: postedID(r, "vulnerability_id")}
	if err == nil {
		_, err = s.Credits.Propose(r.Context(), v.P, id, credits.NewCredit{Type: credits.Type(e.Type), UserID: e.UserID, Name: e.Name,
			Email: e.Email, Organisation: e.Organisation, VulnerabilityID: e.Vulnerability})
	}
	s.creditDone(w, r, v, "entry", e, err, "The credit is proposed.")
}

func (s *Web) creditEdit(w http.ResponseWriter, r *http.Request, v *visitor) {
	caseID, err := s.caseID(r, v)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	typ, org, vuln := credits.Type(r.PostFormValue("type")), r.PostFormValue("organisation"), postedID(r, "vulnerability_id")
	patch := credits.Patch{Version: version, Type: &typ, Organisation: &org, VulnerabilityID: &vuln}
	if st := r.PostFormValue("status"); st != "" {
		status, anonymous, printed := credits.Status(st), r.PostFormValue("anonymous") != "", r.PostFormValue("printed_name")
		patch.Status, patch.Anonymous, patch.PrintedName, patch.Reason = &status, &anonymous, &printed, r.PostFormValue("reason")
	}
	if err == nil {
		_, err = s.Credits.Edit(r.Context(), v.P, caseID, id, patch)
	}
	s.creditDone(w, r, v, "edit-"+itoa(id), creditEntry{}, err, "The credit is changed.")
}

func (s *Web) creditWithdraw(w http.ResponseWriter, r *http.Request, v *visitor) {
	caseID, err := s.caseID(r, v)
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if err == nil {
		err = s.Credits.Withdraw(r.Context(), v.P, caseID, id, version)
	}
	s.creditDone(w, r, v, "edit-"+itoa(id), creditEntry{}, err, "The credit is withdrawn.")
}

// creditDone goes back to the page after a change, or shows it again with
// the form's error; refusals a form cannot fix show the error page.
func (s *Web) creditDone(w http.ResponseWriter, r *http.Request, v *visitor, form string, e creditEntry, err error, msg string) {
	if err == nil {
		redirect(w, r, "/cases/"+r.PathValue("key")+"/credits", msg)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	page, ok := s.loadCredits(w, r, v)
	if !ok {
		return
	}
	page.Form, page.FormName = formOf(err), form
	if form == "entry" {
		page.Entry = e
	}
	s.render(w, r, formStatus(err), "credits", page)
}

// myCreditsPage is the visitor's own credits.
type myCreditsPage struct {
	Layout
	Credits []credits.Credit
	Form    Form
	FormID  int64 // the credit whose answer was refused
}

// Err is the answer form's error about field for credit id.
func (p myCreditsPage) Err(id int64, field string) string {
	if p.FormID == id && p.Form.Field == field {
		return p.Form.Error
	}
	return ""
}

// Attrs marks a field of credit id's answer invalid.
func (p myCreditsPage) Attrs(id int64, field string) template.HTMLAttr {
	if p.Err(id, field) == "" {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="answer-` + itoa(id) + `-` + fieldID(field) + `-err"`)
}

// General is the answer form's error when no field shows it.
func (p myCreditsPage) General(id int64) string {
	if p.FormID != id || p.Form.Field == "printed_name" || p.Form.Field == "anonymous" {
		return ""
	}
	return p.Form.Error
}

func (s *Web) myCreditsPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.renderMyCredits(w, r, v, http.StatusOK, 0, nil)
}

func (s *Web) renderMyCredits(w http.ResponseWriter, r *http.Request, v *visitor, status int, id int64, ferr error) {
	list, err := s.Credits.Mine(r.Context(), v.P)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page := myCreditsPage{Layout: s.layout(v, "Your credits", "credits"), Credits: list, FormID: id}
	if ferr != nil {
		page.Form = formOf(ferr)
	}
	s.render(w, r, status, "credits_mine", page)
}

func (s *Web) creditAnswer(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	ans := credits.Answer{Accept: r.PostFormValue("answer") == "accept", Anonymous: r.PostFormValue("anonymous") != "",
		PrintedName: strings.TrimSpace(r.PostFormValue("printed_name")), Version: version}
	if !ans.Accept {
		ans.Anonymous, ans.PrintedName = false, "" // what goes with an acceptance
	}
	var err error
	if a := r.PostFormValue("answer"); a != "accept" && a != "decline" {
		err = errs.Field("answer", "choose accept or decline")
	}
	if err == nil {
		_, err = s.Credits.Answer(r.Context(), v.P, id, ans)
	}
	if err == nil {
		msg := map[bool]string{true: "You accepted the credit.", false: "You declined the credit."}[ans.Accept]
		redirect(w, r, "/credits", msg)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	s.renderMyCredits(w, r, v, formStatus(err), id, err)
}
