package api

import (
	"net/http"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/reports"
)

// programRoutes: organisations' public disclosure programs. Reading a
// published program needs no token; an organisation's admins (and
// administrators) write its program, and read it before it is published.
func (a *API) programRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/programs", a.listPrograms},
		{"GET", "/api/v1/programs/{slug}", a.getProgram},
		{"PUT", "/api/v1/orgs/{id}/program", a.putProgram},
	}
}

// Program is an organisation's disclosure program. AckBusinessDays is the
// acknowledgement target in force (the program's own, else the
// instance's); AckDays is the program's own setting (0: the instance's).
// Policy is the organisation's disclosure policy, on reads by slug.
type Program struct {
	OrgID           int64     `json:"org_id"`
	OrgName         string    `json:"org_name"`
	OrgKind         string    `json:"org_kind"`
	Slug            string    `json:"slug"`
	Published       bool      `json:"published"`
	ScopeIn         string    `json:"scope_in"`
	ScopeOut        string    `json:"scope_out"`
	SafeHarbour     string    `json:"safe_harbour"`
	AckDays         int       `json:"ack_days"`
	AckBusinessDays int       `json:"ack_business_days"`
	Notes           string    `json:"notes"`
	ReportURL       string    `json:"report_url"`
	Version         int       `json:"version"`
	UpdatedAt       time.Time `json:"updated_at"`
	Policy          *Policy   `json:"policy,omitempty"`
}

// ProgramInput writes a program; version is the version read (0 for an
// organisation's first program).
type ProgramInput struct {
	Slug        string `json:"slug"`
	Published   bool   `json:"published"`
	ScopeIn     string `json:"scope_in"`
	ScopeOut    string `json:"scope_out"`
	SafeHarbour string `json:"safe_harbour"`
	AckDays     int    `json:"ack_days"`
	Notes       string `json:"notes"`
	Version     int    `json:"version"`
}

// instanceAckDays is the acknowledgement target of the instance's
// reports policy.
func (a *API) instanceAckDays() int {
	if a.Reports != nil {
		return a.Reports.Policy().AckBusinessDays
	}
	return reports.DefaultPolicy().AckBusinessDays
}

func (a *API) programOut(g org.Program) Program {
	out := Program{OrgID: g.OrgID, OrgName: g.OrgName, OrgKind: string(g.OrgKind), Slug: g.Slug, Published: g.Published,
		ScopeIn: g.ScopeIn, ScopeOut: g.ScopeOut, SafeHarbour: g.SafeHarbour, AckDays: g.AckDays, AckBusinessDays: g.AckDays,
		Notes: g.Notes, ReportURL: "/report?program=" + g.Slug, Version: g.Version, UpdatedAt: g.UpdatedAt}
	if out.AckBusinessDays == 0 {
		out.AckBusinessDays = a.instanceAckDays()
	}
	return out
}

func (a *API) listPrograms(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	page, err := pageOf(r)
	var list []org.Program
	if err == nil {
		list, err = a.Orgs.Programs(r.Context(), page)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Program]{Items: []Program{}}
	for _, g := range list {
		out.Items = append(out.Items, a.programOut(g))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].OrgID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) getProgram(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	g, err := a.Orgs.ProgramBySlug(r.Context(), p, r.PathValue("slug"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := a.programOut(g)
	pol, err := a.Cases.PolicyOf(r.Context(), g.OrgID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	po := policyOut(pol)
	out.Policy = &po
	writeJSON(w, http.StatusOK, out)
}

func (a *API) putProgram(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := orgIDOf(r)
	var in ProgramInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var g org.Program
	if err == nil {
		g, err = a.Orgs.SaveProgram(r.Context(), p, id, org.ProgramFields{Slug: in.Slug, Published: in.Published, ScopeIn: in.ScopeIn,
			ScopeOut: in.ScopeOut, SafeHarbour: in.SafeHarbour, AckDays: in.AckDays, Notes: in.Notes, Version: in.Version})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a.programOut(g))
}
