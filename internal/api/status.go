package api

import (
	"net/http"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/status"
)

// Vendor status (VEX) under /api/v1/cases/{key}/status: each vendor's
// statements per vulnerability and product, their approval by the
// coordinators, and the case's OpenVEX document of the approved ones.
func (a *API) statusRoutes() []Route {
	const one = "/api/v1/cases/{key}/status/{id}"
	return []Route{
		{"GET", "/api/v1/cases/{key}/status", a.listStatements},
		{"POST", "/api/v1/cases/{key}/status", caseAction(a, http.StatusCreated, a.createStatement)},
		{"GET", one, a.getStatement},
		{"PATCH", one, caseAction(a, http.StatusOK, a.updateStatement)},
		{"POST", one + "/approve", caseAction(a, http.StatusOK, a.approveStatement(true))},
		{"POST", one + "/unapprove", caseAction(a, http.StatusOK, a.approveStatement(false))},
		{"GET", "/api/v1/cases/{key}/vex", a.caseVEX},
	}
}

// statementFilter reads the list's query: vendor, vulnerability, status,
// approval, cursor and limit.
func statementFilter(r *http.Request) (status.Filter, error) {
	q := r.URL.Query()
	f := status.Filter{Status: status.Status(q.Get("status")), Approval: status.Approval(q.Get("approval"))}
	var err error
	if f.Page, err = pageOf(r); err != nil {
		return f, err
	}
	for name, dst := range map[string]*int64{"vendor": &f.Vendor, "vulnerability": &f.Vulnerability} {
		if v := q.Get(name); v != "" {
			if *dst, err = strconv.ParseInt(v, 10, 64); err != nil || *dst <= 0 {
				return f, errs.Field(name, "must be an ID")
			}
		}
	}
	return f, nil
}

func (a *API) listStatements(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var f status.Filter
	if err == nil {
		f, err = statementFilter(r)
	}
	var list []status.Statement
	if err == nil {
		list, err = a.Status.List(r.Context(), p, caseID, f)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[VendorStatement]{Items: []VendorStatement{}}
	for _, st := range list {
		out.Items = append(out.Items, statementOut(st))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(f.Page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) getStatement(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var id int64
	if err == nil {
		id, err = subID(r, "id", "statement")
	}
	var st status.Statement
	if err == nil {
		st, err = a.Status.Get(r.Context(), p, caseID, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, statementOut(st))
}

func (a *API) createStatement(r *http.Request, p auth.Principal, caseID int64, in VendorStatementInput) (VendorStatement, error) {
	st, err := a.Status.Create(r.Context(), p, caseID, in.fields())
	return statementOut(st), err
}

func (a *API) updateStatement(r *http.Request, p auth.Principal, caseID int64, in VendorStatementPatch) (VendorStatement, error) {
	id, err := subID(r, "id", "statement")
	if err != nil {
		return VendorStatement{}, err
	}
	st, err := a.Status.Update(r.Context(), p, caseID, id, in.patch())
	return statementOut(st), err
}

func (a *API) approveStatement(approve bool) func(*http.Request, auth.Principal, int64, VersionInput) (VendorStatement, error) {
	return func(r *http.Request, p auth.Principal, caseID int64, in VersionInput) (VendorStatement, error) {
		id, err := subID(r, "id", "statement")
		if err != nil {
			return VendorStatement{}, err
		}
		st, err := a.Status.Approve(r.Context(), p, caseID, id, in.Version, approve)
		return statementOut(st), err
	}
}

// caseVEX answers with the OpenVEX document as the status package writes
// it (it is checked against OpenVEX's schema there).
func (a *API) caseVEX(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var doc []byte
	if err == nil {
		doc, err = a.Status.OpenVEX(r.Context(), p, caseID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(doc)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(doc)
}
