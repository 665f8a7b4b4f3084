package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
	"github.com/parleycvd/parley/internal/web"
)

// site is the pages over real services and a real database, with a clock
// the test moves so that TOTP codes are fresh.
type site struct {
	t     testing.TB
	srv   *httptest.Server
	users *auth.Service
	orgs  *org.Service
	cases *cases.Service
	db    *store.DB
	now   time.Time
}

// newSite is the pages with the instance's key, deadlines, reports and
// security.txt.
func newSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(d *web.Deps) {
		d.Keyring = pgp.NewKeyring(d.DB, d.Now, pgp.KeyringConfig{Name: "Parley", Email: "security@cert.example"})
		d.Deadlines = deadlines.NewService(d.DB, d.Now, deadlines.Config{BaseURL: "https://parley.test"})
		d.Reports = reports.NewService(d.DB, d.Now, d.Users, ssvcRegistry(t), reports.Policy{})
		d.Security = web.SecurityTxt{BaseURL: "https://parley.test", Contacts: []string{"mailto:security@cert.example"}, Languages: "en"}
	})
}

// newSiteWith is the pages over a fresh database with the users,
// organisations and cases services on the site's clock (2026-11-23 10:00
// UTC until a test moves it). serve adds to d, which holds these, the
// database, the clock and a silent logger, the other services to serve.
func newSiteWith(t testing.TB, serve func(d *web.Deps)) *site {
	t.Helper()
	db := storetest.New(t)
	s := &site{t: t, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), db: db}
	clock := func() time.Time { return s.now }
	s.users = auth.NewService(db, clock, auth.DefaultConfig())
	s.orgs = org.NewService(db, clock, s.users)
	s.cases = cases.NewService(db, clock, cases.Config{})
	d := web.Deps{DB: db, Users: s.users, Orgs: s.orgs, Cases: s.cases, Now: clock, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	serve(&d)
	w, err := web.New(d)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	w.Register(mux)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// browser is a client with cookies that does not follow redirects, so
// tests see where each form sends them.
type browser struct {
	s *site
	c *http.Client
}

func (s *site) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{s: s, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

type page struct {
	status   int
	location string
	body     string
}

func (b *browser) do(req *http.Request) page {
	b.s.t.Helper()
	res, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(body)}
}

func (b *browser) get(path string) page {
	req, _ := http.NewRequest("GET", b.s.srv.URL+path, nil)
	return b.do(req)
}

func (b *browser) post(path string, form url.Values) page {
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

func (p page) has(t testing.TB, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(p.body, w) {
			t.Fatalf("page (status %d) lacks %q:\n%s", p.status, w, p.body)
		}
	}
}

func (p page) is(t testing.TB, status int, location string) {
	t.Helper()
	if p.status != status || (location != "" && !strings.HasPrefix(p.location, location)) {
		t.Fatalf("got %d to %q, want %d to %q\n%s", p.status, p.location, status, location, p.body)
	}
}

const password = "correct horse battery staple"

// admin sets the instance up through the setup link and enrols TOTP, as a
// first administrator does; it returns the signed-in browser and the secret.
func (s *site) admin() (*browser, string) {
	t := s.t
	token, err := s.users.SetupLink(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := s.browser()
	b.get("/setup?token="+token).has(t, "Create the first administrator")
	b.post("/setup", url.Values{"token": {token}, "name": {"Root"}, "email": {"root@cert.example"}, "password": {password}, "password2": {password}}).
		is(t, http.StatusSeeOther, "/account/totp")
	b.get("/orgs").is(t, http.StatusSeeOther, "/account/totp") // staff must enrol first
	enrol := b.get("/account/totp")
	m := regexp.MustCompile(`id="totp-secret">([A-Z2-7]+)<`).FindStringSubmatch(enrol.body)
	if m == nil {
		t.Fatalf("no secret on the enrolment page:\n%s", enrol.body)
	}
	code, _ := auth.TOTPCode(m[1], s.now)
	b.post("/account/totp", url.Values{"code": {"000000"}, "secret": {m[1]}}).has(t, "aria-invalid", m[1])
	b.post("/account/totp", url.Values{"code": {code}}).is(t, http.StatusSeeOther, "/account")
	return b, m[1]
}

func TestSignInWithTOTP(t *testing.T) {
	s := newSite(t)
	b, secret := s.admin()
	b.post("/logout", nil).is(t, http.StatusSeeOther, "/")
	b.get("/account").is(t, http.StatusSeeOther, "/login?next=%2Faccount")

	b.post("/login", url.Values{"email": {"root@cert.example"}, "password": {"wrong password here"}}).has(t, "form-error")
	b.post("/login", url.Values{"email": {"root@cert.example"}, "password": {password}, "next": {"//evil.example/"}}).
		is(t, http.StatusSeeOther, "/login/totp")
	b.get("/account").is(t, http.StatusSeeOther, "/login") // half signed in is not signed in
	b.post("/login/totp", url.Values{"code": {"123456"}, "next": {"/"}}).has(t, `id="code-err"`)
	s.now = s.now.Add(30 * time.Second)
	code, _ := auth.TOTPCode(secret, s.now)
	b.post("/login/totp", url.Values{"code": {code}, "next": {"//evil.example/"}}).is(t, http.StatusSeeOther, "/")
	b.get("/").has(t, "Hello, Root")
	b.get("/account").has(t, "Two-factor authentication</dt><dd>on")
}

func TestTokensAndSessions(t *testing.T) {
	s := newSite(t)
	b, _ := s.admin()
	b.post("/account/tokens", url.Values{"name": {""}, "scope": {"read"}}).has(t, "aria-invalid")
	created := b.post("/account/tokens", url.Values{"name": {"tracker"}, "scope": {"read"}, "expires_in_days": {"30"}})
	created.is(t, http.StatusCreated, "")
	m := regexp.MustCompile(`id="new-token">(parley_[^<]+)<`).FindStringSubmatch(created.body)
	if m == nil {
		t.Fatalf("no token shown:\n%s", created.body)
	}
	if _, err := s.users.TokenPrincipal(context.Background(), m[1]); err != nil {
		t.Fatalf("the shown token does not work: %v", err)
	}
	if strings.Contains(b.get("/account").body, m[1]) {
		t.Fatal("the secret is shown twice")
	}
	tokens, _ := s.users.Tokens(context.Background(), auth.Principal{UserID: 1})
	b.post("/account/tokens/"+itoa(tokens[0].ID)+"/revoke", nil).is(t, http.StatusSeeOther, "/account")
	if _, err := s.users.TokenPrincipal(context.Background(), m[1]); err == nil {
		t.Fatal("a revoked token still works")
	}
}

func TestOrganisations(t *testing.T) {
	s := newSite(t)
	b, _ := s.admin()
	form := url.Values{"name": {"Acme Routers"}, "kind": {"vendor"}, "security_email": {"psirt@acme.example"}}
	created := b.post("/orgs/new", form)
	created.is(t, http.StatusSeeOther, "/orgs/")
	orgPath := created.location
	b.get(orgPath).has(t, "<h1>Acme Routers</h1>", "psirt@acme.example")
	b.post("/orgs/new", form).has(t, `id="name-err"`, "exists already")
	b.post("/orgs/new", url.Values{"name": {"X"}, "kind": {"bakery"}}).has(t, `id="kind-err"`)

	b.post(orgPath+"/members", url.Values{"email": {"not an address"}, "role": {"member"}}).has(t, `id="member-email-err"`)
	b.post(orgPath+"/members", url.Values{"email": {"lee@acme.example"}, "name": {"Lee"}, "role": {"admin"}}).is(t, http.StatusSeeOther, orgPath)
	b.get(orgPath).has(t, "lee@acme.example", "invited")

	edit := b.get(orgPath + "/edit")
	edit.has(t, `name="version" value="1"`)
	form.Set("description", "Home routers")
	form.Set("version", "1")
	b.post(orgPath+"/edit", form).is(t, http.StatusSeeOther, orgPath)
	b.post(orgPath+"/edit", form).has(t, "changed by someone else") // version 1 is stale now
	b.get("/orgs?q=acme").has(t, "Acme Routers")
	b.get("/orgs?kind=bakery").has(t, `id="kind-err"`)
}

func TestWhoSeesWhat(t *testing.T) {
	s := newSite(t)
	admin, _ := s.admin()
	created := admin.post("/orgs/new", url.Values{"name": {"Acme Routers"}, "kind": {"vendor"}})
	orgPath := created.location
	admin.post(orgPath+"/members", url.Values{"email": {"boss@acme.example"}, "name": {"Boss"}, "role": {"admin"}})
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	if _, err := s.users.CreateUser(context.Background(), root, auth.NewUser{Email: "vic@other.example", Name: "Vic", Password: password}); err != nil {
		t.Fatal(err)
	}
	vic := s.browser()
	vic.post("/login", url.Values{"email": {"vic@other.example"}, "password": {password}, "next": {"/orgs"}}).is(t, http.StatusSeeOther, "/orgs")
	for _, path := range []string{"/admin/journal", "/admin/mail", "/admin/users", "/orgs/new", orgPath + "/edit"} {
		vic.get(path).is(t, http.StatusForbidden, "")
	}
	detail := vic.get(orgPath)
	detail.has(t, "Acme Routers")
	if strings.Contains(detail.body, "boss@acme.example") {
		t.Fatal("an outsider sees the member list")
	}
	vic.post(orgPath+"/members", url.Values{"email": {"vic@other.example"}, "role": {"admin"}}).is(t, http.StatusForbidden, "")
	vic.get("/orgs/999999").is(t, http.StatusNotFound, "")

	anon := s.browser()
	anon.get("/admin/journal").is(t, http.StatusSeeOther, "/login")
	anon.get("/").has(t, "Sign in")
	anon.get("/setup?token=nonsense").is(t, http.StatusNotFound, "")

	admin.get("/admin/journal?verify=1").has(t, "The chain holds", "org.created", "auth.totp_enabled")
	admin.get("/admin/mail").has(t, "<h1>Mailbox</h1>")
	admin.get("/admin/users").has(t, "vic@other.example")
}

// TestInvitationLink follows an invitation from the users page to the
// invited person's first sign-in.
func TestInvitationLink(t *testing.T) {
	s := newSite(t)
	admin, _ := s.admin()
	admin.post("/admin/users", url.Values{"name": {"Nia"}, "email": {"nia@cert.example"}, "staff": {"on"}}).is(t, http.StatusSeeOther, "/admin/users")
	var payload []byte
	err := s.db.Read().QueryRowContext(context.Background(), `SELECT payload FROM jobs WHERE kind = $1`, auth.JobAccountLink).Scan(&payload)
	if err != nil {
		t.Fatal(err)
	}
	var link auth.AccountLink
	if err := json.Unmarshal(payload, &link); err != nil {
		t.Fatal(err)
	}
	nia := s.browser()
	nia.get("/account/link?token="+link.Secret).has(t, "Welcome: choose your password", "nia@cert.example")
	nia.post("/account/link", url.Values{"token": {link.Secret}, "password": {password}, "password2": {"other"}}).has(t, `id="password2-err"`)
	nia.post("/account/link", url.Values{"token": {link.Secret}, "password": {"short"}, "password2": {"short"}}).has(t, `id="password-err"`)
	nia.post("/account/link", url.Values{"token": {link.Secret}, "password": {password}, "password2": {password}}).is(t, http.StatusSeeOther, "/login")
	nia.get("/account/link?token="+link.Secret).is(t, http.StatusNotFound, "") // used up
	nia.post("/login", url.Values{"email": {"nia@cert.example"}, "password": {password}, "next": {"/orgs"}}).is(t, http.StatusSeeOther, "/orgs")
	nia.get("/orgs").is(t, http.StatusSeeOther, "/account/totp") // staff enrol a second factor first
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSecurityTxt(t *testing.T) {
	s := newSite(t)
	b := s.browser()
	txt := b.get("/.well-known/security.txt")
	txt.is(t, http.StatusOK, "")
	for _, want := range []string{"Contact: mailto:security@cert.example\n", "Expires: 2027-10-23T00:00:00Z\n",
		"Encryption: https://parley.test/pgp-key.asc\n", "Canonical: https://parley.test/.well-known/security.txt\n"} {
		if !strings.Contains(txt.body, want) {
			t.Errorf("security.txt lacks %q:\n%s", want, txt.body)
		}
	}
	key := b.get("/pgp-key.asc")
	k, err := pgp.ParseKey([]byte(key.body), s.now)
	if err != nil || !k.HasEmail("security@cert.example") || !k.CanEncrypt {
		t.Fatalf("published key %+v, %v", k, err)
	}
	if again := b.get("/pgp-key.asc"); again.body != key.body {
		t.Fatal("the published key changed between two reads")
	}
}
