package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

// Saved vendor lists (coordinator staff) and adding one to a case.
func (s *Web) listRoutes() []route {
	return []route{
		{"GET /vendor-lists", signedIn, s.vendorLists},
		{"POST /vendor-lists", signedIn, s.vendorListSave},
		{"GET /vendor-lists/{id}", signedIn, s.vendorListEdit},
		{"POST /vendor-lists/{id}", signedIn, s.vendorListSave},
		{"POST /vendor-lists/{id}/delete", signedIn, s.vendorListDelete},
		{"POST /cases/{key}/participants/list", signedIn, s.participantsFromList},
	}
}

type vendorListsPage struct {
	Layout
	Lists   []org.VendorList
	Edit    org.VendorList // the list edited; ID 0 for a new one
	Names   string         // the organisations as typed, one a line
	Nested  map[int64]bool // the sublists checked
	Form    Form
	Editing bool
}

func (s *Web) listsPage(r *http.Request, v *visitor) (vendorListsPage, error) {
	lists, err := s.Orgs.Lists(r.Context(), v.P)
	return vendorListsPage{Layout: s.layout(v, "Vendor lists", "cases"), Lists: lists, Nested: map[int64]bool{}}, err
}

func (s *Web) vendorLists(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.listsPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "vendor_lists", page)
}

func (s *Web) vendorListEdit(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, _ := pathID(r, "id")
	page, err := s.listsPage(r, v)
	if err == nil {
		page.Edit, err = s.Orgs.List1(r.Context(), v.P, id)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.Editing = true
	names := make([]string, len(page.Edit.Orgs))
	for i, o := range page.Edit.Orgs {
		names[i] = o.Name
	}
	page.Names = strings.Join(names, "\n")
	for _, sub := range page.Edit.Sublists {
		page.Nested[sub.ID] = true
	}
	s.render(w, r, http.StatusOK, "vendor_lists", page)
}

// vendorListSave creates (POST /vendor-lists) or replaces a list, the
// organisations given by name as on the case page.
func (s *Web) vendorListSave(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, _ := pathID(r, "id")
	page, err := s.listsPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	page.Edit = org.VendorList{ID: id, Name: r.PostFormValue("name"), Description: r.PostFormValue("description"), Version: version}
	page.Names, page.Editing = r.PostFormValue("names"), id != 0
	f := org.ListFields{Name: page.Edit.Name, Description: page.Edit.Description}
	for _, sub := range r.PostForm["sublists"] {
		if n, err := strconv.ParseInt(sub, 10, 64); err == nil {
			f.Sublists, page.Nested[n] = append(f.Sublists, n), true
		}
	}
	if f.Orgs, err = s.orgIDs(r, v, page.Names); err == nil {
		if f.Orgs == nil {
			f.Orgs = []int64{}
		}
		var l org.VendorList
		if l, err = s.Orgs.SaveList(r.Context(), v.P, id, version, f); err == nil {
			redirect(w, r, "/vendor-lists/"+itoa(l.ID), "Vendor list saved.")
			return
		}
	}
	if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound {
		s.fail(w, r, v, err)
		return
	}
	page.Form = formOf(err)
	s.render(w, r, formStatus(err), "vendor_lists", page)
}

func (s *Web) vendorListDelete(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, _ := pathID(r, "id")
	if err := s.Orgs.DeleteList(r.Context(), v.P, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/vendor-lists", "Vendor list deleted.")
}

// participantsFromList adds a saved list's organisations to the case.
func (s *Web) participantsFromList(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, ok := s.loadCase(w, r, v)
	if !ok {
		return
	}
	listID, _ := strconv.ParseInt(r.PostFormValue("vendor_list"), 10, 64)
	ids, err := s.Orgs.Expand(r.Context(), v.P, listID)
	var added []cases.Participant
	if err == nil {
		added, err = s.Cases.AddOrgs(r.Context(), v.P, page.Case.ID, ids, []cases.Role{cases.Role(r.PostFormValue("role"))})
	}
	if err != nil {
		s.again(w, r, v, page, "participants", err)
		return
	}
	s.Wake()
	redirect(w, r, "/cases/"+page.Case.Key, strconv.Itoa(len(added))+" participants added from the vendor list; vendors are being notified.")
}
