package web

import (
	"context"
	"html/template"
	"net/http"
	"slices"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
)

// programRoutes: organisations' public disclosure programs. The public
// pages need no account and no JavaScript.
func (s *Web) programRoutes() []route {
	return []route{
		{"GET /programs", anyone, s.programIndex},
		{"GET /programs/{slug}", anyone, s.programPage},
		{"GET /orgs/{id}/program", signedIn, s.programEditForm},
		{"POST /orgs/{id}/program", signedIn, s.programSave},
	}
}

// programsPerPage is how many programs the index shows at once.
const programsPerPage = 100

// programIndexPage lists the published programs, and to an
// organisation's admins the programs they edit.
type programIndexPage struct {
	Layout
	Programs []org.Program
	Next     string
	Editable []org.Org // the organisations whose program the visitor edits
}

func (s *Web) programIndex(w http.ResponseWriter, r *http.Request, v *visitor) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	list, err := s.Orgs.Programs(r.Context(), store.Page{After: after, Limit: programsPerPage})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page := programIndexPage{Layout: s.layout(v, "Disclosure programs", "programs"), Programs: list}
	if len(list) == programsPerPage {
		page.Next = "/programs?after=" + itoa(list[len(list)-1].OrgID)
	}
	if page.Editable, err = s.editableOrgs(r.Context(), v.P); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "programs", page)
}

// editableOrgs are the organisations whose program p edits as their
// admin, by name.
func (s *Web) editableOrgs(ctx context.Context, p auth.Principal) ([]org.Org, error) {
	if p.Anonymous() {
		return nil, nil
	}
	mine, err := s.Orgs.Mine(ctx, p)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(mine, func(o org.Org) bool { return org.CanEditProgram(p, o.ID) != nil }), nil
}

// programView is a program as its page shows it: the texts rendered from
// Markdown (sanitised), the disclosure policy and what to expect.
type programView struct {
	org.Program
	ScopeInHTML, ScopeOutHTML template.HTML
	SafeHarbourHTML           template.HTML
	NotesHTML                 template.HTML
	AckDays                   int // the target in force: the program's, else the instance's
	Policy                    cases.Policy
	PolicyHTML                template.HTML
	WaitingDays               int
	ReportURL                 string
}

func (s *Web) programViewOf(ctx context.Context, g org.Program) (programView, error) {
	pol, err := s.Cases.PolicyOf(ctx, g.OrgID)
	if err != nil {
		return programView{}, err
	}
	facts := s.policyFacts()
	pv := programView{Program: g, ScopeInHTML: markdown.Render(g.ScopeIn), ScopeOutHTML: markdown.Render(g.ScopeOut),
		SafeHarbourHTML: markdown.Render(g.SafeHarbour), NotesHTML: markdown.Render(g.Notes), AckDays: g.AckDays,
		Policy: pol, PolicyHTML: markdown.Render(pol.Statement), WaitingDays: facts.WaitingDays,
		ReportURL: "/report?program=" + g.Slug}
	if pv.AckDays == 0 {
		pv.AckDays = facts.AckDays
	}
	return pv, nil
}

// programPageData is the public page of one program.
type programPageData struct {
	Layout
	P       programView
	CanEdit bool
}

func (s *Web) programPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	g, err := s.Orgs.ProgramBySlug(r.Context(), v.P, r.PathValue("slug"))
	var pv programView
	if err == nil {
		pv, err = s.programViewOf(r.Context(), g)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "program", programPageData{Layout: s.layout(v, g.OrgName+": disclosure program", "programs"),
		P: pv, CanEdit: org.CanEditProgram(v.P, g.OrgID) == nil})
}

// programEditPage is the form of an organisation's program.
type programEditPage struct {
	Layout
	Org     org.Program // the program as stored (or the draft)
	Fields  org.ProgramFields
	AckDays int // the instance's target, for the hint
	MaxAck  int
	Form    Form
}

// Attrs describes field's input by its help, and by its error if any.
func (p programEditPage) Attrs(field string) template.HTMLAttr { return fieldAttrs(p.Form, field) }

func (s *Web) loadProgramEdit(w http.ResponseWriter, r *http.Request, v *visitor) (programEditPage, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such organisation"))
		return programEditPage{}, false
	}
	g, err := s.Orgs.Program(r.Context(), v.P, id)
	if err != nil {
		s.fail(w, r, v, err)
		return programEditPage{}, false
	}
	return programEditPage{Layout: s.layout(v, g.OrgName+": disclosure program", "orgs"), Org: g, AckDays: s.policyFacts().AckDays,
		MaxAck: org.MaxAckDays, Fields: org.ProgramFields{Slug: g.Slug, Published: g.Published, ScopeIn: g.ScopeIn,
			ScopeOut: g.ScopeOut, SafeHarbour: g.SafeHarbour, AckDays: g.AckDays, Notes: g.Notes, Version: g.Version}}, true
}

func (s *Web) programEditForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	if page, ok := s.loadProgramEdit(w, r, v); ok {
		s.render(w, r, http.StatusOK, "program_edit", page)
	}
}

func (s *Web) programSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadProgramEdit(w, r, v)
	if !ok {
		return
	}
	ack, _ := strconv.Atoi(r.PostFormValue("ack_days"))
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	f := org.ProgramFields{Slug: r.PostFormValue("slug"), Published: r.PostFormValue("published") != "", ScopeIn: r.PostFormValue("scope_in"),
		ScopeOut: r.PostFormValue("scope_out"), SafeHarbour: r.PostFormValue("safe_harbour"), AckDays: ack,
		Notes: r.PostFormValue("notes"), Version: version}
	g, err := s.Orgs.SaveProgram(r.Context(), v.P, page.Org.OrgID, f)
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
			s.fail(w, r, v, err)
			return
		}
		page.Fields, page.Form = f, formOf(err)
		s.render(w, r, formStatus(err), "program_edit", page)
		return
	}
	msg := "Program saved; it is not published yet: only its editors see it."
	if g.Published {
		msg = "Program published."
	}
	redirect(w, r, "/programs/"+g.Slug, msg)
}
