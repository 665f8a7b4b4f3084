package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

type homePage struct {
	Layout
	Orgs       []org.Org
	NeedsSetup bool
}

func (s *Web) home(w http.ResponseWriter, r *http.Request, v *visitor) {
	page := homePage{Layout: s.layout(v, "Welcome", "")}
	if v.signedIn() {
		mine, err := s.Orgs.Mine(r.Context(), v.P)
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		page.Orgs = mine
	} else {
		page.NeedsSetup, _ = s.Users.NeedsSetup(r.Context())
	}
	s.render(w, r, http.StatusOK, "home", page)
}

type setupPage struct {
	Layout
	Token, Email, Name string
	Form               Form
}

func (s *Web) setupForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	token := r.URL.Query().Get("token")
	if kind, _, err := s.Users.LinkKind(r.Context(), token); err != nil || kind != "setup" {
		s.fail(w, r, v, errs.E(errs.NotFound, "this set-up link is not valid (it may have been used or have expired): run 'parley serve' again for a new one"))
		return
	}
	s.render(w, r, http.StatusOK, "setup", setupPage{Layout: s.layout(v, "Set up Parley", ""), Token: token})
}

func (s *Web) setup(w http.ResponseWriter, r *http.Request, v *visitor) {
	page := setupPage{Layout: s.layout(v, "Set up Parley", ""), Token: r.PostFormValue("token"),
		Email: r.PostFormValue("email"), Name: r.PostFormValue("name")}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		page.Form = Form{Field: "password2", Error: "the two passwords differ"}
		s.render(w, r, http.StatusUnprocessableEntity, "setup", page)
		return
	}
	u, err := s.Users.CompleteSetup(r.Context(), page.Token, auth.NewUser{Email: page.Email, Name: page.Name, Password: pw})
	if err != nil {
		page.Form = formOf(err)
		s.render(w, r, formStatus(err), "setup", page)
		return
	}
	res, err := s.Users.Login(r.Context(), u.Email, pw, clientOf(r))
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.setSession(w, res.Session)
	redirect(w, r, "/account/totp", "Your administrator account is ready. Now set up two-factor authentication.")
}

type loginPage struct {
	Layout
	Email, Next string
	Form        Form
}

func (s *Web) loginForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	next := localPath(r.URL.Query().Get("next"))
	if v.signedIn() {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", loginPage{Layout: s.layout(v, "Sign in", ""), Next: next})
}

func (s *Web) login(w http.ResponseWriter, r *http.Request, v *visitor) {
	page := loginPage{Layout: s.layout(v, "Sign in", ""), Email: r.PostFormValue("email"), Next: localPath(r.PostFormValue("next"))}
	res, err := s.Users.Login(r.Context(), page.Email, r.PostFormValue("password"), clientOf(r))
	if err != nil {
		if errs.KindOf(err) == errs.Internal {
			s.fail(w, r, v, err)
			return
		}
		s.Wake() // a lockout queues a notice
		page.Form = Form{Error: errs.Public(err)}
		s.render(w, r, formStatus(err), "login", page)
		return
	}
	s.setSession(w, res.Session)
	if res.NeedTOTP {
		http.Redirect(w, r, "/login/totp?next="+url.QueryEscape(page.Next), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

type totpPage struct {
	Layout
	Next string
	Form Form
}

func (s *Web) totpForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.render(w, r, http.StatusOK, "totp", totpPage{Layout: s.layout(v, "Two-factor code", ""), Next: localPath(r.URL.Query().Get("next"))})
}

func (s *Web) totp(w http.ResponseWriter, r *http.Request, v *visitor) {
	page := totpPage{Layout: s.layout(v, "Two-factor code", ""), Next: localPath(r.PostFormValue("next"))}
	secret, err := s.Users.VerifyTOTP(r.Context(), v.secret, strings.TrimSpace(r.PostFormValue("code")), clientOf(r))
	if err != nil {
		page.Form = Form{Field: "code", Error: errs.Public(err)}
		s.render(w, r, formStatus(err), "totp", page)
		return
	}
	s.setSession(w, secret)
	http.Redirect(w, r, page.Next, http.StatusSeeOther)
}

func (s *Web) logout(w http.ResponseWriter, r *http.Request, v *visitor) {
	if v.secret != "" {
		_ = s.Users.Logout(r.Context(), v.secret) // an ended session is signed out already
	}
	s.clearSession(w)
	redirect(w, r, "/", "You are signed out.")
}

type resetPage struct {
	Layout
	Sent bool
}

func (s *Web) resetForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.render(w, r, http.StatusOK, "reset", resetPage{Layout: s.layout(v, "Reset your password", "")})
}

func (s *Web) reset(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := s.Users.RequestReset(r.Context(), strings.TrimSpace(r.PostFormValue("email"))); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.Wake()
	s.render(w, r, http.StatusOK, "reset", resetPage{Layout: s.layout(v, "Reset your password", ""), Sent: true})
}

type linkPage struct {
	Layout
	Token, Kind, Email string
	Form               Form
}

func (s *Web) linkForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	token := r.URL.Query().Get("token")
	kind, email, err := s.Users.LinkKind(r.Context(), token)
	if err == nil && kind == "setup" {
		http.Redirect(w, r, "/setup?token="+url.QueryEscape(token), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "link", linkPage{Layout: s.layout(v, "Choose your password", ""), Token: token, Kind: kind, Email: email})
}

func (s *Web) link(w http.ResponseWriter, r *http.Request, v *visitor) {
	token := r.PostFormValue("token")
	kind, email, err := s.Users.LinkKind(r.Context(), token)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page := linkPage{Layout: s.layout(v, "Choose your password", ""), Token: token, Kind: kind, Email: email}
	pw := r.PostFormValue("password")
	if pw != r.PostFormValue("password2") {
		page.Form = Form{Field: "password2", Error: "the two passwords differ"}
		s.render(w, r, http.StatusUnprocessableEntity, "link", page)
		return
	}
	if _, err := s.Users.SetPassword(r.Context(), token, pw); err != nil {
		page.Form = formOf(err)
		s.render(w, r, formStatus(err), "link", page)
		return
	}
	redirect(w, r, "/login", "Your password is set. Sign in with it now.")
}
