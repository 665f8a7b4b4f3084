package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
)

const orgsPerPage = 50

type orgListPage struct {
	Layout
	Orgs      []org.Org
	Kinds     []org.Kind
	Kind      string
	Query     string
	Next      string // the URL of the next page, if there is one
	CanCreate bool
	Form      Form
}

func (s *Web) orgList(w http.ResponseWriter, r *http.Request, v *visitor) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page := orgListPage{Layout: s.layout(v, "Organisations", "orgs"), Kinds: org.Kinds, Kind: q.Get("kind"),
		Query: strings.TrimSpace(q.Get("q")), CanCreate: org.CanCreate(v.P) == nil}
	list, err := s.Orgs.List(r.Context(), v.P, org.Filter{Kind: org.Kind(page.Kind), Query: page.Query,
		Page: store.Page{After: after, Limit: orgsPerPage}})
	if errs.FieldOf(err) == "kind" {
		page.Form = formOf(err)
		s.render(w, r, http.StatusUnprocessableEntity, "orgs", page)
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.Orgs = list
	if len(list) == orgsPerPage {
		next := url.Values{"after": {itoa(list[len(list)-1].ID)}, "kind": {page.Kind}, "q": {page.Query}}
		page.Next = "/orgs?" + next.Encode()
	}
	s.render(w, r, http.StatusOK, "orgs", page)
}

type orgFormPage struct {
	Layout
	Org    org.Org // ID zero for a new one
	Kinds  []org.Kind
	Form   Form
	Action string
}

func fieldsFrom(r *http.Request) org.Fields {
	return org.Fields{Name: r.PostFormValue("name"), Kind: org.Kind(r.PostFormValue("kind")), Description: r.PostFormValue("description"),
		Website: r.PostFormValue("website"), SecurityEmail: r.PostFormValue("security_email")}
}

func (s *Web) orgNewForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := org.CanCreate(v.P); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_form", orgFormPage{Layout: s.layout(v, "New organisation", "orgs"), Kinds: org.Kinds,
		Org: org.Org{Kind: org.Vendor}, Action: "/orgs/new"})
}

func (s *Web) orgCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	f := fieldsFrom(r)
	o, err := s.Orgs.Create(r.Context(), v.P, f)
	if err != nil {
		if errs.Is(err, errs.Forbidden) {
			s.fail(w, r, v, err)
			return
		}
		page := orgFormPage{Layout: s.layout(v, "New organisation", "orgs"), Kinds: org.Kinds, Action: "/orgs/new",
			Org: org.Org{Name: f.Name, Kind: f.Kind, Description: f.Description, Website: f.Website, SecurityEmail: f.SecurityEmail}, Form: formOf(err)}
		s.render(w, r, formStatus(err), "org_form", page)
		return
	}
	redirect(w, r, "/orgs/"+itoa(o.ID), "Organisation "+o.Name+" created.")
}

func (s *Web) orgEditForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such organisation"))
		return
	}
	o, err := s.Orgs.Get(r.Context(), v.P, id)
	if err == nil {
		err = org.CanManage(v.P, id)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "org_form", orgFormPage{Layout: s.layout(v, "Edit "+o.Name, "orgs"), Kinds: org.Kinds, Org: o,
		Action: "/orgs/" + itoa(id) + "/edit"})
}

func (s *Web) orgUpdate(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such organisation"))
		return
	}
	f := fieldsFrom(r)
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	o, err := s.Orgs.Update(r.Context(), v.P, id, f, version)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Forbidden || k == errs.NotFound {
			s.fail(w, r, v, err)
			return
		}
		page := orgFormPage{Layout: s.layout(v, "Edit organisation", "orgs"), Kinds: org.Kinds, Action: "/orgs/" + itoa(id) + "/edit",
			Org:  org.Org{ID: id, Name: f.Name, Kind: f.Kind, Description: f.Description, Website: f.Website, SecurityEmail: f.SecurityEmail, Version: version},
			Form: formOf(err)}
		s.render(w, r, formStatus(err), "org_form", page)
		return
	}
	redirect(w, r, "/orgs/"+itoa(o.ID), "Saved.")
}

type orgPage struct {
	Layout
	Org         org.Org
	Members     []org.Member
	SeeMembers  bool
	CanManage   bool
	Roles       []auth.OrgRole
	Form        Form
	MemberEmail string
	MemberName  string
}

func (s *Web) orgPage(r *http.Request, v *visitor, id int64) (orgPage, error) {
	o, err := s.Orgs.Get(r.Context(), v.P, id)
	if err != nil {
		return orgPage{}, err
	}
	page := orgPage{Layout: s.layout(v, o.Name, "orgs"), Org: o, Roles: []auth.OrgRole{auth.OrgMember, auth.OrgAdmin},
		SeeMembers: org.CanViewMembers(v.P, id) == nil, CanManage: org.CanManage(v.P, id) == nil}
	if page.SeeMembers {
		page.Members, err = s.Orgs.Members(r.Context(), v.P, id)
	}
	return page, err
}

func (s *Web) orgDetail(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such organisation"))
		return
	}
	page, err := s.orgPage(r, v, id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "org", page)
}

func (s *Web) memberAdd(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such organisation"))
		return
	}
	email, name := strings.TrimSpace(r.PostFormValue("email")), strings.TrimSpace(r.PostFormValue("name"))
	m, err := s.Orgs.AddMember(r.Context(), v.P, id, email, name, auth.OrgRole(r.PostFormValue("role")))
	if err != nil {
		page, perr := s.orgPage(r, v, id)
		if perr != nil || errs.Is(err, errs.Forbidden) {
			s.fail(w, r, v, err)
			return
		}
		page.Form, page.MemberEmail, page.MemberName = formOf(err), email, name
		s.render(w, r, formStatus(err), "org", page)
		return
	}
	s.Wake() // an invitation may be queued
	msg := m.Email + " is now a member."
	if m.Invited {
		msg = m.Email + " is invited: they will receive an e-mail with a link to choose a password."
	}
	redirect(w, r, "/orgs/"+itoa(id), msg)
}

func (s *Web) memberRole(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.memberChange(w, r, v, func(orgID, userID int64) (string, error) {
		role := auth.OrgRole(r.PostFormValue("role"))
		return "Role changed to " + string(role) + ".", s.Orgs.SetRole(r.Context(), v.P, orgID, userID, role)
	})
}

func (s *Web) memberRemove(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.memberChange(w, r, v, func(orgID, userID int64) (string, error) {
		return "Member removed.", s.Orgs.RemoveMember(r.Context(), v.P, orgID, userID)
	})
}

// memberChange runs a change to one membership and shows the organisation.
func (s *Web) memberChange(w http.ResponseWriter, r *http.Request, v *visitor, change func(orgID, userID int64) (string, error)) {
	orgID, ok1 := pathID(r, "id")
	userID, ok2 := pathID(r, "user")
	if !ok1 || !ok2 {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such member"))
		return
	}
	msg, err := change(orgID, userID)
	if err != nil {
		page, perr := s.orgPage(r, v, orgID)
		if perr != nil || errs.Is(err, errs.Forbidden) || errs.Is(err, errs.NotFound) {
			s.fail(w, r, v, err)
			return
		}
		page.Form = Form{Error: errs.Public(err)} // no field of its own on this page
		s.render(w, r, formStatus(err), "org", page)
		return
	}
	redirect(w, r, "/orgs/"+itoa(orgID), msg)
}
