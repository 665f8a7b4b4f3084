package api

import (
	"net/http"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// clientOf describes the caller for the journal and session list.
func clientOf(r *http.Request) auth.Client {
	return auth.Client{IP: r.RemoteAddr, UserAgent: r.UserAgent()}
}

type tokenLogin struct {
	Email         string `json:"email"`
	Password      string `json:"password"`
	Code          string `json:"code"`
	TokenName     string `json:"token_name"`
	Scope         string `json:"scope"`
	ExpiresInDays int    `json:"expires_in_days"`
}

func (a *API) loginForToken(w http.ResponseWriter, r *http.Request, _ auth.Principal) {
	var in tokenLogin
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	if in.Scope == "" {
		in.Scope = string(auth.ScopeWrite)
	}
	if in.TokenName == "" {
		in.TokenName = "parley CLI"
	}
	nt := auth.NewToken{Name: in.TokenName, Scope: auth.Scope(in.Scope), ExpiresIn: time.Duration(in.ExpiresInDays) * 24 * time.Hour}
	t, secret, err := a.Users.LoginForToken(r.Context(), in.Email, in.Password, in.Code, nt, clientOf(r))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusCreated, NewToken{Token: tokenOut(t), Secret: secret})
}

func (a *API) me(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if p.Anonymous() {
		a.fail(w, r, errs.E(errs.Unauthenticated, "sign in first: send Authorization: Bearer <token>"))
		return
	}
	mine, err := a.Orgs.Mine(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	scope := string(p.Scope)
	if scope == "" {
		scope = "session"
	}
	out := Me{ID: p.UserID, Email: p.Email, Name: p.Name, Admin: p.Admin, Staff: p.Staff, Scope: scope, NeedsTOTP: p.NeedsTOTP, Orgs: []Membership{}}
	for _, o := range mine {
		out.Orgs = append(out.Orgs, Membership{ID: o.ID, Name: o.Name, Kind: string(o.Kind), Role: string(p.Orgs[o.ID])})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) listTokens(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	list, err := a.Users.Tokens(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Token]{Items: []Token{}}
	for _, t := range list {
		out.Items = append(out.Items, tokenOut(t))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := pathID(r, "id")
	if err == nil {
		err = a.Users.RevokeToken(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) listSessions(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	list, err := a.Users.Sessions(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Session]{Items: []Session{}}
	for _, s := range list {
		out.Items = append(out.Items, Session{ID: s.ID, Current: s.Current, CreatedAt: s.CreatedAt, LastSeen: s.LastSeen,
			ExpiresAt: s.ExpiresAt, UserAgent: s.UserAgent, IP: s.IP})
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) revokeSession(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if err := a.Users.RevokeSession(r.Context(), p, r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
