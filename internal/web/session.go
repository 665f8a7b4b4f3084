package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
)

// sessionCookie is shared with the API, which accepts it for pages' calls.
const (
	sessionCookie = "parley_session"
	flashCookie   = "parley_flash"
)

// access is who may reach a page.
type access int

const (
	anyone      access = iota // signed in or not
	pendingTOTP               // password given, second factor owed
	enrolling                 // signed in, even if a second factor must still be set up
	signedIn                  // signed in with everything the policy asks
)

// visitor is who is asking, as a page sees it.
type visitor struct {
	P      auth.Principal
	secret string // the session cookie's value
	flash  string
	ctx    context.Context // the request's, for what the layout reads
}

func (v *visitor) signedIn() bool { return !v.P.Anonymous() }

func (s *Web) guard(a access, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &visitor{flash: takeFlash(w, r), ctx: r.Context()}
		if c, err := r.Cookie(sessionCookie); err == nil {
			v.secret = c.Value
		}
		if a == pendingTOTP {
			if v.secret == "" || !s.Users.Pending(r.Context(), v.secret) {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			h(w, r, v)
			return
		}
		if v.secret != "" {
			p, err := s.Users.Session(r.Context(), v.secret)
			if err == nil {
				p.Orgs, err = s.Orgs.RolesOf(r.Context(), p.UserID)
			}
			if err != nil && a == anyone {
				p = auth.Principal{}
			} else if err != nil && !isUnauthenticated(err) {
				s.fail(w, r, v, err)
				return
			}
			v.P = p
		}
		switch {
		case a >= enrolling && !v.signedIn():
			http.Redirect(w, r, "/login?next="+url.QueryEscape(localPath(r.URL.RequestURI())), http.StatusSeeOther)
		case a == signedIn && v.P.NeedsTOTP:
			setFlash(w, "Set up two-factor authentication before you go on: your role requires it.")
			http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
		default:
			h(w, r, v)
		}
	})
}

// localPath keeps a redirect target on this site.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") {
		return "/"
	}
	return p
}

func (s *Web) setSession(w http.ResponseWriter, secret string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: secret, Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode})
}

func (s *Web) clearSession(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", HttpOnly: true, Secure: s.Secure,
		SameSite: http.SameSiteLaxMode, MaxAge: -1, Expires: time.Unix(1, 0)})
}

// setFlash leaves a one-line message for the next page.
func setFlash(w http.ResponseWriter, msg string) {
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: url.QueryEscape(msg), Path: "/", HttpOnly: true,
		SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

func takeFlash(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(flashCookie)
	if err != nil {
		return ""
	}
	http.SetCookie(w, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1, Expires: time.Unix(1, 0)})
	msg, _ := url.QueryUnescape(c.Value)
	return msg
}

// redirect ends a successful form post: the next page shows msg.
func redirect(w http.ResponseWriter, r *http.Request, to, msg string) {
	if msg != "" {
		setFlash(w, msg)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

func clientOf(r *http.Request) auth.Client {
	return auth.Client{IP: r.RemoteAddr, UserAgent: r.UserAgent()}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// pathID reads a numeric path parameter; a bad one is a missing page.
func pathID(r *http.Request, name string) (int64, bool) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	return n, err == nil && n > 0
}
