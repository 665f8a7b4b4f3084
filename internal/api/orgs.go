package api

import (
	"net/http"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

var errLimit = errs.Field("limit", "must be a whole number from 1 to 200")

func (a *API) listOrgs(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	list, err := a.Orgs.List(r.Context(), p, org.Filter{Kind: org.Kind(q.Get("kind")), Query: q.Get("q"), Page: page})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Org]{Items: []Org{}}
	for _, o := range list {
		out.Items = append(out.Items, orgOut(o))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createOrg(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in OrgInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	o, err := a.Orgs.Create(r.Context(), p, in.fields())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, orgOut(o))
}

func (a *API) getOrg(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var o org.Org
	if err == nil {
		o, err = a.Orgs.Get(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgOut(o))
}

func (a *API) updateOrg(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var in OrgInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var o org.Org
	if err == nil {
		o, err = a.Orgs.Update(r.Context(), p, id, in.fields(), in.Version)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, orgOut(o))
}

func (a *API) listMembers(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var list []org.Member
	if err == nil {
		list, err = a.Orgs.Members(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Member]{Items: []Member{}}
	for _, m := range list {
		out.Items = append(out.Items, memberOut(m))
	}
	writeJSON(w, http.StatusOK, out)
}

type memberInput struct {
	Email string `json:"email"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

func (a *API) addMember(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var in memberInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if in.Role == "" {
		in.Role = string(auth.OrgMember)
	}
	var m org.Member
	if err == nil {
		m, err = a.Orgs.AddMember(r.Context(), p, id, in.Email, in.Name, auth.OrgRole(in.Role))
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusCreated, memberOut(m))
}

type roleInput struct {
	Role string `json:"role"`
}

func (a *API) setMemberRole(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var user int64
	if err == nil {
		user, err = pathID(r, "user")
	}
	var in roleInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Orgs.SetRole(r.Context(), p, id, user, auth.OrgRole(in.Role))
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) removeMember(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var user int64
	if err == nil {
		user, err = pathID(r, "user")
	}
	if err == nil {
		err = a.Orgs.RemoveMember(r.Context(), p, id, user)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
