package web

import (
	"html/template"
	"net/http"
	"strconv"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
	"github.com/parleycvd/parley/internal/org"
)

// policyPage is an organisation's disclosure policy, with the form to
// change it for its admins.
type policyPage struct {
	Layout
	Org       org.Org
	Policy    cases.Policy
	Statement template.HTML // the statement rendered from Markdown
	Presets   []cases.Preset
	CanEdit   bool
	Fields    cases.PolicyFields
	Form      Form
}

func (s *Web) loadPolicy(w http.ResponseWriter, r *http.Request, v *visitor) (policyPage, bool) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such organisation"))
		return policyPage{}, false
	}
	o, err := s.Orgs.Get(r.Context(), v.P, id)
	if err == nil {
		var pol cases.Policy
		if pol, err = s.Cases.PolicyOf(r.Context(), id); err == nil {
			page := policyPage{Layout: s.layout(v, o.Name+": disclosure policy", "orgs"), Org: o, Policy: pol, Presets: cases.Presets(),
				CanEdit: cases.CanSetPolicy(v.P, id) == nil, Statement: markdown.Render(pol.Statement)}
			page.Fields = cases.PolicyFields{Preset: pol.Preset, Days: pol.Days, CountsFrom: pol.CountsFrom,
				Justification: pol.Justification, Statement: pol.Statement, Version: pol.Version}
			return page, true
		}
	}
	s.fail(w, r, v, err)
	return policyPage{}, false
}

func (s *Web) policyPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	if page, ok := s.loadPolicy(w, r, v); ok {
		s.render(w, r, http.StatusOK, "policy", page)
	}
}

func (s *Web) policySave(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadPolicy(w, r, v)
	if !ok {
		return
	}
	days, _ := strconv.Atoi(r.PostFormValue("days"))
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	f := cases.PolicyFields{Preset: r.PostFormValue("preset"), Days: days, CountsFrom: cases.CountsFrom(r.PostFormValue("counts_from")),
		Justification: r.PostFormValue("justification"), Statement: r.PostFormValue("statement"), Version: version}
	if _, err := s.Cases.SetPolicy(r.Context(), v.P, page.Org.ID, f); err != nil {
		if errs.Is(err, errs.Forbidden) {
			s.fail(w, r, v, err)
			return
		}
		page.Fields, page.Form = f, formOf(err)
		s.render(w, r, formStatus(err), "policy", page)
		return
	}
	redirect(w, r, "/orgs/"+itoa(page.Org.ID)+"/policy", "Disclosure policy published.")
}
