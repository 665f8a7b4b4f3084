package web

import (
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"rsc.io/qr"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

type accountPage struct {
	Layout
	User      auth.User
	Tokens    []auth.Token
	Sessions  []auth.SessionInfo
	NewToken  auth.Token
	NewSecret string // shown once, right after creation
	Form      Form
	FormName  string // which form the error belongs to: password or token
}

func (s *Web) accountPage(r *http.Request, v *visitor) (accountPage, error) {
	page := accountPage{Layout: s.layout(v, "Your account", "account")}
	var err error
	if page.User, err = s.Users.Lookup(r.Context(), v.P.UserID); err != nil {
		return page, err
	}
	if page.Tokens, err = s.Users.Tokens(r.Context(), v.P); err != nil {
		return page, err
	}
	page.Sessions, err = s.Users.Sessions(r.Context(), v.P)
	return page, err
}

func (s *Web) account(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.accountPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "account", page)
}

// accountAgain shows the account page with a form's error or result.
func (s *Web) accountAgain(w http.ResponseWriter, r *http.Request, v *visitor, status int, fill func(*accountPage)) {
	page, err := s.accountPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	fill(&page)
	s.render(w, r, status, "account", page)
}

func (s *Web) changePassword(w http.ResponseWriter, r *http.Request, v *visitor) {
	next := r.PostFormValue("new_password")
	var err error
	if next != r.PostFormValue("new_password2") {
		err = errs.Field("new_password2", "the two new passwords differ")
	} else {
		err = s.Users.ChangePassword(r.Context(), v.P, r.PostFormValue("current_password"), next)
	}
	if err != nil {
		if f := errs.FieldOf(err); f == "" || f == "password" {
			err = &errs.Error{Kind: errs.KindOf(err), Field: fieldOr(f, "new_password"), Message: errs.Public(err)}
		}
		s.accountAgain(w, r, v, formStatus(err), func(p *accountPage) { p.Form, p.FormName = formOf(err), "password" })
		return
	}
	redirect(w, r, "/account", "Your password is changed. Your other sessions were ended.")
}

func fieldOr(f, def string) string {
	if f == "" {
		return def
	}
	return f
}

func (s *Web) createToken(w http.ResponseWriter, r *http.Request, v *visitor) {
	days, _ := strconv.Atoi(r.PostFormValue("expires_in_days"))
	nt := auth.NewToken{Name: strings.TrimSpace(r.PostFormValue("name")), Scope: auth.Scope(r.PostFormValue("scope")),
		ExpiresIn: time.Duration(days) * 24 * time.Hour}
	t, secret, err := s.Users.CreateToken(r.Context(), v.P, nt)
	if err != nil {
		s.accountAgain(w, r, v, formStatus(err), func(p *accountPage) { p.Form, p.FormName = formOf(err), "token" })
		return
	}
	s.accountAgain(w, r, v, http.StatusCreated, func(p *accountPage) {
		p.NewToken, p.NewSecret = t, secret
		p.Flash = "Token created. Copy it now: it is not shown again."
	})
}

func (s *Web) revokeToken(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such token"))
		return
	}
	if err := s.Users.RevokeToken(r.Context(), v.P, id); err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/account", "The token is revoked.")
}

func (s *Web) revokeSession(w http.ResponseWriter, r *http.Request, v *visitor) {
	if err := s.Users.RevokeSession(r.Context(), v.P, r.PathValue("id")); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if r.PathValue("id") == v.P.SessionID {
		s.clearSession(w)
		redirect(w, r, "/login", "You ended this session.")
		return
	}
	redirect(w, r, "/account", "The session is ended.")
}

type totpEnrolPage struct {
	Layout
	Enabled bool
	Secret  string
	URL     string       // otpauth://, for the QR code
	QR      template.URL // a data: URL of the PNG
	Form    Form
}

func (s *Web) totpEnrolForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	page := totpEnrolPage{Layout: s.layout(v, "Two-factor authentication", "account")}
	setup, err := s.Users.BeginTOTP(r.Context(), v.P)
	switch {
	case errs.Is(err, errs.Conflict):
		page.Enabled = true
	case err != nil:
		s.fail(w, r, v, err)
		return
	default:
		page.Secret, page.URL = setup.Secret, setup.URL
		if page.QR, err = qrDataURL(setup.URL); err != nil {
			s.fail(w, r, v, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "totp_enrol", page)
}

func (s *Web) totpEnrol(w http.ResponseWriter, r *http.Request, v *visitor) {
	err := s.Users.ConfirmTOTP(r.Context(), v.P, r.PostFormValue("code"), clientOf(r))
	if err == nil {
		redirect(w, r, "/account", "Two-factor authentication is on. You will be asked for a code at every sign-in.")
		return
	}
	// Show the same secret again (the form carried it for display only: the
	// service checks the code against the stored one), so the app need not rescan.
	page := totpEnrolPage{Layout: s.layout(v, "Two-factor authentication", "account"), Secret: r.PostFormValue("secret"),
		URL: r.PostFormValue("url"), Form: Form{Field: "code", Error: errs.Public(err)}}
	if page.QR, err = qrDataURL(page.URL); err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusUnprocessableEntity, "totp_enrol", page)
}

// qrDataURL draws the otpauth URL as a PNG for authenticator apps.
func qrDataURL(text string) (template.URL, error) {
	c, err := qr.Encode(text, qr.M)
	if err != nil {
		return "", err
	}
	c.Scale = 4
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(c.PNG())), nil
}
