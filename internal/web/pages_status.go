package web

import (
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	vendorstatus "github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/store"
)

// Vendor status (VEX) at /cases/{key}/status: a vendor's form to state its
// status per vulnerability and product, and the table of the statements the
// visitor reads, where the coordinators approve them.
func (s *Web) statusRoutes() []route {
	return []route{
		{"GET /cases/{key}/status", signedIn, s.statusPage},
		{"POST /cases/{key}/status", signedIn, s.statusCreate},
		{"POST /cases/{key}/status/{id}", signedIn, s.statusUpdate},
		{"POST /cases/{key}/status/{id}/approve", signedIn, s.statusApprove(true)},
		{"POST /cases/{key}/status/{id}/unapprove", signedIn, s.statusApprove(false)},
	}
}

// statusEntry is the vendor's form as typed: a new statement (ID 0) or an
// edit of one read at Version.
type statusEntry struct {
	ID, Participant, Vulnerability                     int64
	Version                                            int
	Product, PURL, CPE, Versions, FixedVersion, Status string
	Justification, Action, Text, References            string
	Shared                                             bool
}

func entryOf(st vendorstatus.Statement) statusEntry {
	return statusEntry{ID: st.ID, Participant: st.Participant, Vulnerability: st.Vulnerability, Version: st.Version, Product: st.Product,
		PURL: st.PURL, CPE: st.CPE, Versions: st.Versions, FixedVersion: st.FixedVersion, Status: string(st.Status),
		Justification: string(st.Justification), Action: st.Action, Text: st.Text, References: strings.Join(st.References, "\n"),
		Shared: st.Shared}
}

func postedEntry(r *http.Request) statusEntry {
	v := r.PostFormValue
	version, _ := strconv.Atoi(v("version"))
	return statusEntry{Participant: postedID(r, "participant_id"), Vulnerability: postedID(r, "vulnerability_id"), Version: version,
		Product: v("product"), PURL: v("purl"), CPE: v("cpe"), Versions: v("versions"), FixedVersion: v("fixed_version"),
		Status: v("status"), Justification: v("justification"), Action: v("action_statement"), Text: v("statement"),
		References: v("references"), Shared: v("shared") != ""}
}

func (e statusEntry) fields() vendorstatus.Fields {
	return vendorstatus.Fields{Participant: e.Participant, Vulnerability: e.Vulnerability, Product: e.Product, PURL: e.PURL, CPE: e.CPE,
		Versions: e.Versions, FixedVersion: e.FixedVersion, Status: vendorstatus.Status(e.Status),
		Justification: vendorstatus.Justification(e.Justification), Action: e.Action, Text: e.Text,
		References: strings.Split(e.References, "\n"), Shared: e.Shared}
}

// patch is the whole form as a change: every field as typed.
func (e statusEntry) patch() vendorstatus.Patch {
	f := e.fields()
	return vendorstatus.Patch{Product: &f.Product, PURL: &f.PURL, CPE: &f.CPE, Versions: &f.Versions, FixedVersion: &f.FixedVersion,
		Status: &f.Status, Justification: &f.Justification, Action: &f.Action, Text: &f.Text, References: &f.References,
		Shared: &f.Shared, Version: e.Version}
}

// statusPage is a case's statements as one visitor reads them, with the
// forms the visitor may use.
type statusPage struct {
	Layout
	Case       cases.Case
	Manage     bool
	Mine       []cases.Participant // the vendors the visitor states for
	Vendors    []cases.Participant // whose statements the visitor reads
	Statements []vendorstatus.Statement
	Query      url.Values // the filters as given
	Next       string
	Entry      statusEntry // the vendor's form
	Form       Form
	FormName   string // "entry", or "approve" for an approval refused
	Statuses   []vendorstatus.Status
	Reasons    []vendorstatus.Justification
}

// Owns tells whether the visitor states for st's vendor.
func (p statusPage) Owns(st vendorstatus.Statement) bool {
	for _, pt := range p.Mine {
		if pt.ID == st.Participant {
			return true
		}
	}
	return false
}

// Err is the entry form's error about field (references[3] counts as
// references).
func (p statusPage) Err(field string) string {
	if p.FormName != "entry" {
		return ""
	}
	if f := p.Form.Field; f == field || (field == "references" && strings.HasPrefix(f, "references[")) {
		return p.Form.Error
	}
	return ""
}

// Attrs marks an entry field invalid and points at its error.
func (p statusPage) Attrs(field string) template.HTMLAttr {
	if p.Err(field) == "" {
		return ""
	}
	return template.HTMLAttr(` aria-invalid="true" aria-describedby="st-` + fieldID(field) + `-err"`)
}

// General is a form's error when no field of the form shows it.
func (p statusPage) General(form string) string {
	if p.FormName != form {
		return ""
	}
	if form == "entry" && slices.Contains(entryFields, strings.Split(p.Form.Field, "[")[0]) {
		return "" // shown by its field
	}
	return p.Form.Error
}

// entryFields are the fields of the entry form that show their errors.
var entryFields = []string{"participant_id", "vulnerability_id", "product", "versions", "status", "justification", "fixed_version",
	"action_statement", "statement", "references", "purl", "cpe"}

// Selected tells whether the filter name holds value.
func (p statusPage) Selected(name, value string) bool { return p.Query.Get(name) == value }

func (s *Web) statusPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadStatus(w, r, v)
	if !ok {
		return
	}
	if id, _ := strconv.ParseInt(r.URL.Query().Get("edit"), 10, 64); id > 0 {
		st, err := s.Status.Get(r.Context(), v.P, page.Case.ID, id)
		if err == nil && !page.Owns(st) {
			err = errs.E(errs.Forbidden, "you change only your own vendor's statements")
		}
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		page.Entry = entryOf(st)
	}
	s.render(w, r, http.StatusOK, "status", page)
}

// loadStatus reads the case, whom the visitor states for and the
// statements it reads, narrowed by the query's filters.
func (s *Web) loadStatus(w http.ResponseWriter, r *http.Request, v *visitor) (statusPage, bool) {
	ctx := r.Context()
	c, err := s.Cases.GetByKey(ctx, v.P, r.PathValue("key"))
	var a cases.Access
	if err == nil {
		a, err = s.Cases.Access(ctx, v.P, c.ID)
	}
	page := statusPage{Layout: s.layout(v, c.Key+": vendor status", "cases"), Case: c, Manage: cases.Manages(v.P, a),
		Query: r.URL.Query(), Statuses: vendorstatus.Statuses(), Reasons: vendorstatus.Justifications()}
	if err == nil {
		page.Mine, err = s.Status.Mine(ctx, v.P, c.ID)
	}
	if err == nil {
		page.Vendors, err = s.Status.Vendors(ctx, v.P, c.ID)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return page, false
	}
	page.Statements, err = s.Status.List(ctx, v.P, c.ID, statusFilter(page.Query))
	switch {
	case errs.KindOf(err) == errs.Invalid:
		page.Form, page.FormName = formOf(err), "filter"
	case err != nil:
		s.fail(w, r, v, err)
		return page, false
	case len(page.Statements) == casesPerPage:
		q := url.Values{}
		for k, vs := range page.Query {
			q[k] = vs
		}
		q.Set("after", itoa(page.Statements[len(page.Statements)-1].ID))
		page.Next = "/cases/" + c.Key + "/status?" + q.Encode()
	}
	return page, true
}

// statusFilter reads the filters of the page's query.
func statusFilter(q url.Values) vendorstatus.Filter {
	f := vendorstatus.Filter{Status: vendorstatus.Status(q.Get("status")), Approval: vendorstatus.Approval(q.Get("approval"))}
	f.Vendor, _ = strconv.ParseInt(q.Get("vendor"), 10, 64)
	f.Vulnerability, _ = strconv.ParseInt(q.Get("vulnerability"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f.Page = store.Page{After: after, Limit: casesPerPage}
	return f
}

func (s *Web) statusCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, err := s.caseID(r, v)
	e := postedEntry(r)
	if err == nil {
		_, err = s.Status.Create(r.Context(), v.P, id, e.fields())
	}
	s.statusDone(w, r, v, "entry", e, err, "Your statement is recorded as a draft for the coordinators to approve.")
}

func (s *Web) statusUpdate(w http.ResponseWriter, r *http.Request, v *visitor) {
	caseID, err := s.caseID(r, v)
	e := postedEntry(r)
	e.ID, _ = strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		_, err = s.Status.Update(r.Context(), v.P, caseID, e.ID, e.patch())
	}
	s.statusDone(w, r, v, "entry", e, err, "Your statement is changed.")
}

func (s *Web) statusApprove(approve bool) handlerFunc {
	msg := map[bool]string{true: "Approved for publication.", false: "Returned to a draft."}[approve]
	return func(w http.ResponseWriter, r *http.Request, v *visitor) {
		caseID, err := s.caseID(r, v)
		id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
		version, _ := strconv.Atoi(r.PostFormValue("version"))
		if err == nil {
			_, err = s.Status.Approve(r.Context(), v.P, caseID, id, version, approve)
		}
		s.statusDone(w, r, v, "approve", statusEntry{}, err, msg)
	}
}

// statusDone goes back to the page after a change, or shows it again with
// the form's error; refusals a form cannot fix show the error page.
func (s *Web) statusDone(w http.ResponseWriter, r *http.Request, v *visitor, form string, e statusEntry, err error, msg string) {
	if err == nil {
		s.Wake()
		redirect(w, r, "/cases/"+r.PathValue("key")+"/status", msg)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	page, ok := s.loadStatus(w, r, v)
	if !ok {
		return
	}
	page.Form, page.FormName = formOf(err), form
	if form == "entry" {
		page.Entry = e
	}
	s.render(w, r, formStatus(err), "status", page)
}
