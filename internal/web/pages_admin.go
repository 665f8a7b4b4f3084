package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/store"
)

const listSize = 100

type userListPage struct {
	Layout
	Users     []auth.User
	CanManage bool
	Next      string
	Form      Form
	New       auth.NewUser
}

func (s *Web) userListPage(r *http.Request, v *visitor) (userListPage, error) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	page := userListPage{Layout: s.layout(v, "Users", "users"), CanManage: auth.CanManageUsers(v.P) == nil}
	list, err := s.Users.Users(r.Context(), v.P, store.Page{After: after, Limit: listSize})
	page.Users = list
	if len(list) == listSize {
		page.Next = "/admin/users?after=" + itoa(list[len(list)-1].ID)
	}
	return page, err
}

func (s *Web) userList(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.userListPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "users", page)
}

func (s *Web) userCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	nu := auth.NewUser{Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Admin: r.PostFormValue("admin") == "on", Staff: r.PostFormValue("staff") == "on"}
	u, err := s.Users.CreateUser(r.Context(), v.P, nu)
	if err != nil {
		page, perr := s.userListPage(r, v)
		if perr != nil || errs.Is(err, errs.Forbidden) {
			s.fail(w, r, v, err)
			return
		}
		page.Form, page.New = formOf(err), nu
		s.render(w, r, formStatus(err), "users", page)
		return
	}
	s.Wake() // the invitation is queued
	redirect(w, r, "/admin/users", u.Email+" is invited: they will receive an e-mail with a link to choose a password.")
}

type userEditPage struct {
	Layout
	User auth.User
	Form Form
}

func (s *Web) userEditForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such user"))
		return
	}
	u, err := s.Users.User(r.Context(), v.P, id)
	if err == nil {
		err = auth.CanManageUsers(v.P)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "user", userEditPage{Layout: s.layout(v, u.Name, "users"), User: u})
}

func (s *Web) userUpdate(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such user"))
		return
	}
	name := r.PostFormValue("name")
	admin, staff, disabled := r.PostFormValue("admin") == "on", r.PostFormValue("staff") == "on", r.PostFormValue("disabled") == "on"
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	u, err := s.Users.UpdateUser(r.Context(), v.P, id, auth.UserPatch{Name: &name, Admin: &admin, Staff: &staff, Disabled: &disabled, Version: version})
	if err != nil {
		cur, gerr := s.Users.User(r.Context(), v.P, id)
		if gerr != nil || errs.Is(err, errs.Forbidden) || errs.Is(err, errs.NotFound) {
			s.fail(w, r, v, err)
			return
		}
		if !errs.Is(err, errs.Conflict) { // keep what was typed, unless it is stale
			cur.Name, cur.Admin, cur.Staff, cur.Disabled, cur.Version = name, admin, staff, disabled, version
		}
		s.render(w, r, formStatus(err), "user", userEditPage{Layout: s.layout(v, cur.Name, "users"), User: cur, Form: formOf(err)})
		return
	}
	redirect(w, r, "/admin/users", "Saved "+u.Email+".")
}

type mailboxPage struct {
	Layout
	Messages []mail.Stored
	Next     string
}

func (s *Web) mailbox(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := auth.CanAudit(v.P); err != nil {
		s.fail(w, r, v, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	list, err := mail.List(r.Context(), s.DB.Read(), store.Page{After: after, Limit: listSize})
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page := mailboxPage{Layout: s.layout(v, "Mailbox", "mail"), Messages: list}
	if len(list) == listSize {
		page.Next = "/admin/mail?after=" + itoa(list[len(list)-1].ID)
	}
	s.render(w, r, http.StatusOK, "mailbox", page)
}

type journalPage struct {
	Layout
	Entries  []journal.Entry
	Filter   journal.Filter
	Next     string
	Verified bool
	Report   journal.Report
}

func (s *Web) journalPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := auth.CanAudit(v.P); err != nil {
		s.fail(w, r, v, err)
		return
	}
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f := journal.Filter{ObjectType: q.Get("type"), ObjectID: q.Get("id"), ActionPrefix: q.Get("action"), AfterSeq: after, Limit: listSize}
	page := journalPage{Layout: s.layout(v, "Journal", "journal"), Filter: f}
	var err error
	if page.Entries, err = journal.List(r.Context(), s.DB.Read(), f); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if len(page.Entries) == listSize {
		next := q
		next.Set("after", itoa(page.Entries[len(page.Entries)-1].Seq))
		page.Next = "/admin/journal?" + next.Encode()
	}
	if q.Get("verify") == "1" {
		if page.Report, err = journal.Verify(r.Context(), s.DB.Read()); err != nil {
			s.fail(w, r, v, err)
			return
		}
		page.Verified = true
	}
	s.render(w, r, http.StatusOK, "journal", page)
}
