package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

// Saved vendor lists, and adding one to a case.
func (a *API) listRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/vendor-lists", a.vendorLists},
		{"POST", "/api/v1/vendor-lists", a.saveVendorList},
		{"GET", "/api/v1/vendor-lists/{id}", a.vendorList},
		{"PUT", "/api/v1/vendor-lists/{id}", a.saveVendorList},
		{"DELETE", "/api/v1/vendor-lists/{id}", a.deleteVendorList},
		{"POST", "/api/v1/cases/{key}/participants/from-list", caseAction(a, http.StatusCreated, a.addFromList)},
	}
}

// VendorList is a saved set of organisations and nested lists.
type VendorList struct {
	ID          int64        `json:"id"`
	Name        string       `json:"name"`
	Description string       `json:"description"`
	Orgs        []Org        `json:"orgs"`
	Sublists    []VendorList `json:"sublists"`
	Version     int          `json:"version"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
}

func vendorListOut(l org.VendorList) VendorList {
	out := VendorList{ID: l.ID, Name: l.Name, Description: l.Description, Orgs: []Org{}, Sublists: []VendorList{}, Version: l.Version,
		CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
	for _, o := range l.Orgs {
		out.Orgs = append(out.Orgs, orgOut(o))
	}
	for _, sub := range l.Sublists {
		out.Sublists = append(out.Sublists, vendorListOut(sub))
	}
	return out
}

// VendorListInput creates or replaces a list; version is the version read
// when replacing.
type VendorListInput struct {
	Name        string  `json:"name"`
	Description string  `json:"description"`
	Orgs        []int64 `json:"orgs"`
	Sublists    []int64 `json:"sublists"`
	Version     int     `json:"version"`
}

// FromListInput adds a saved list's organisations to a case.
type FromListInput struct {
	VendorList int64    `json:"vendor_list"`
	Roles      []string `json:"roles"`
}

func listID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "no such vendor list")
	}
	return id, nil
}

func (a *API) vendorLists(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	list, err := a.Orgs.Lists(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[VendorList]{Items: []VendorList{}}
	for _, l := range list {
		out.Items = append(out.Items, vendorListOut(l))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) vendorList(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := listID(r)
	var l org.VendorList
	if err == nil {
		l, err = a.Orgs.List1(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, vendorListOut(l))
}

// saveVendorList creates (POST) or replaces (PUT, with version) a list.
func (a *API) saveVendorList(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var id int64
	var err error
	status := http.StatusCreated
	if r.Method == http.MethodPut {
		id, err = listID(r)
		status = http.StatusOK
	}
	var in VendorListInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var l org.VendorList
	if err == nil {
		l, err = a.Orgs.SaveList(r.Context(), p, id, in.Version, org.ListFields{Name: in.Name, Description: in.Description, Orgs: in.Orgs, Sublists: in.Sublists})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, status, vendorListOut(l))
}

func (a *API) deleteVendorList(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := listID(r)
	if err == nil {
		err = a.Orgs.DeleteList(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// addFromList adds every organisation of a saved list (nested lists
// included) that is not in the case yet.
func (a *API) addFromList(r *http.Request, p auth.Principal, caseID int64, in FromListInput) (List[CaseParticipant], error) {
	out := List[CaseParticipant]{Items: []CaseParticipant{}}
	if in.VendorList <= 0 {
		return out, errs.Field("vendor_list", "is required: the ID of a saved vendor list")
	}
	if len(in.Roles) == 0 {
		in.Roles = []string{string(cases.RoleVendor)}
	}
	ids, err := a.Orgs.Expand(r.Context(), p, in.VendorList)
	if err != nil {
		return out, err
	}
	roles := make([]cases.Role, len(in.Roles))
	for i, ro := range in.Roles {
		roles[i] = cases.Role(ro)
	}
	added, err := a.Cases.AddOrgs(r.Context(), p, caseID, ids, roles)
	for _, pt := range added {
		out.Items = append(out.Items, participantOut(pt))
	}
	return out, err
}
