package api

import (
	"net/http"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/store"
)

// pageOf reads ?cursor= and ?limit=.
func pageOf(r *http.Request) (store.Page, error) {
	after, err := store.DecodeCursor(r.URL.Query().Get("cursor"))
	if err != nil {
		return store.Page{}, err
	}
	limit := 0
	if l := r.URL.Query().Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 {
			return store.Page{}, errLimit
		}
	}
	return store.Page{After: after, Limit: limit}, nil
}

// nextCursor is set when the page came back full.
func nextCursor(page store.Page, n int, lastID int64) string {
	if n < page.Size() {
		return ""
	}
	return store.EncodeCursor(lastID)
}

func (a *API) listUsers(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.Users.Users(r.Context(), p, page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[User]{Items: []User{}}
	for _, u := range list {
		out.Items = append(out.Items, userOut(u))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

type userInput struct {
	Email    string `json:"email"`
	Name     string `json:"name"`
	Password string `json:"password"`
	Admin    bool   `json:"admin"`
	Staff    bool   `json:"staff"`
}

func (a *API) createUser(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in userInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	u, err := a.Users.CreateUser(r.Context(), p, auth.NewUser{Email: in.Email, Name: in.Name, Password: in.Password, Admin: in.Admin, Staff: in.Staff})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusCreated, userOut(u))
}

func (a *API) getUser(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var u auth.User
	if err == nil {
		u, err = a.Users.User(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, userOut(u))
}

type userPatch struct {
	Name     *string `json:"name"`
	Admin    *bool   `json:"admin"`
	Staff    *bool   `json:"staff"`
	Disabled *bool   `json:"disabled"`
	Version  int     `json:"version"`
}

func (a *API) updateUser(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	var in userPatch
	if err == nil {
		err = decode(w, r, &in)
	}
	var u auth.User
	if err == nil {
		u, err = a.Users.UpdateUser(r.Context(), p, id, auth.UserPatch{Name: in.Name, Admin: in.Admin, Staff: in.Staff, Disabled: in.Disabled, Version: in.Version})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, userOut(u))
}
