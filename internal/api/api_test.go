package api_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/server"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

const pw = "correct horse battery"

type env struct {
	srv    *httptest.Server
	db     *store.DB
	users  *auth.Service
	orgs   *org.Service
	tokens map[string]string // who -> token secret
	ids    map[string]int64  // names -> IDs
	clock  *time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	db := storetest.New(t)
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	e := &env{db: db, tokens: map[string]string{}, ids: map[string]int64{}, clock: &now}
	clock := func() time.Time { return *e.clock }
	cfg := auth.DefaultConfig()
	cfg.RequireTOTPForStaff = false
	e.users = auth.NewService(db, clock, cfg)
	e.orgs = org.NewService(db, clock, e.users)
	reg, err := ssvc.New()
	if err != nil {
		t.Fatal(err)
	}
	a := api.New(api.Deps{DB: db, Users: e.users, Orgs: e.orgs, SSVC: reg, Now: clock, Logger: slog.New(slog.DiscardHandler)})
	e.srv = httptest.NewServer(server.New(server.Deps{DB: db, Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(),
		Register: []func(*http.ServeMux){a.Register}}))
	t.Cleanup(e.srv.Close)
	ctx := context.Background()
	admin, err := e.users.CreateAdmin(ctx, auth.NewUser{Email: "admin@cert.example", Name: "Admin", Password: pw, Admin: true, Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	ap := auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	acme, _ := e.orgs.Create(ctx, ap, org.Fields{Name: "Acme", Kind: org.Vendor})
	globex, _ := e.orgs.Create(ctx, ap, org.Fields{Name: "Globex", Kind: org.Vendor})
	e.ids["acme"], e.ids["globex"], e.ids["admin"] = acme.ID, globex.ID, admin.ID
	for _, u := range []struct{ email, org string }{{"psirt@acme.example", "acme"}, {"dev@globex.example", "globex"}} {
		if _, err := e.users.CreateUser(ctx, ap, auth.NewUser{Email: u.email, Name: u.email, Password: pw}); err != nil {
			t.Fatal(err)
		}
		m, err := e.orgs.AddMember(ctx, ap, e.ids[u.org], u.email, "", auth.OrgAdmin)
		if err != nil {
			t.Fatal(err)
		}
		e.ids[u.email] = m.UserID
	}
	for who, email := range map[string]string{"admin": "admin@cert.example", "acme": "psirt@acme.example", "globex": "dev@globex.example"} {
		login(t, e.users, e.tokens, who, email, true)
	}
	return e
}

type call struct {
	as      string
	method  string
	path    string
	body    string
	headers map[string]string
}

func (e *env) do(t *testing.T, c call) (int, map[string]any, http.Header) {
	t.Helper()
	path := strings.NewReplacer("{acme}", itoa(e.ids["acme"]), "{globex}", itoa(e.ids["globex"]),
		"{admin}", itoa(e.ids["admin"]), "{acmeuser}", itoa(e.ids["psirt@acme.example"])).Replace(c.path)
	req, _ := http.NewRequest(c.method, e.srv.URL+path, strings.NewReader(c.body))
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok, ok := e.tokens[c.as]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	} else if c.as != "" {
		req.Header.Set("Authorization", "Bearer "+c.as)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, resp.Header
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func errField(m map[string]any) (code, field string) {
	e, _ := m["error"].(map[string]any)
	code, _ = e["code"].(string)
	field, _ = e["field"].(string)
	return code, field
}

func TestScenarios(t *testing.T) {
	e := newEnv(t)
	cases := []struct {
		name      string
		call      call
		status    int
		code      string
		field     string
		bodyCheck func(map[string]any) bool
	}{
		{"anonymous me", call{method: "GET", path: "/api/v1/me"}, 401, "unauthenticated", "", nil},
		{"garbage token", call{as: "parley_nope", method: "GET", path: "/api/v1/me"}, 401, "unauthenticated", "", nil},
		{"basic auth header", call{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Basic eDp5"}}, 401, "unauthenticated", "", nil},
		{"me", call{as: "acme", method: "GET", path: "/api/v1/me"}, 200, "", "", func(m map[string]any) bool {
			orgs, _ := m["orgs"].([]any)
			return m["email"] == "psirt@acme.example" && len(orgs) == 1
		}},
		{"list orgs", call{as: "globex-ro", method: "GET", path: "/api/v1/orgs?limit=1"}, 200, "", "", func(m map[string]any) bool {
			items, _ := m["items"].([]any)
			return len(items) == 1 && m["next_cursor"] != ""
		}},
		{"bad cursor", call{as: "acme", method: "GET", path: "/api/v1/orgs?cursor=zzz"}, 422, "invalid", "cursor", nil},
		{"bad limit", call{as: "acme", method: "GET", path: "/api/v1/orgs?limit=-1"}, 422, "invalid", "limit", nil},
		{"bad kind filter", call{as: "acme", method: "GET", path: "/api/v1/orgs?kind=bank"}, 422, "invalid", "kind", nil},
		{"vendor creates org", call{as: "acme", method: "POST", path: "/api/v1/orgs", body: `{"name":"X","kind":"vendor"}`}, 403, "forbidden", "", nil},
		{"read token writes", call{as: "admin-ro", method: "POST", path: "/api/v1/orgs", body: `{"name":"X","kind":"vendor"}`}, 403, "forbidden", "", nil},
		{"malformed JSON", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":`}, 422, "invalid", "", nil},
		{"not an object", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `[1]`}, 422, "invalid", "", nil},
		{"unknown field", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"X","kind":"vendor","colour":"red"}`}, 422, "invalid", "colour", nil},
		{"wrong type", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":5,"kind":"vendor"}`}, 422, "invalid", "name", nil},
		{"trailing data", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"X","kind":"vendor"} {}`}, 422, "invalid", "", nil},
		{"oversized body", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"` + strings.Repeat("a", api.MaxBody) + `","kind":"vendor"}`}, 413, "too_large", "", nil},
		{"bad security e-mail", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"X","kind":"vendor","security_email":"x@"}`}, 422, "invalid", "security_email", nil},
		{"duplicate name", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"ACME","kind":"vendor"}`}, 409, "conflict", "name", nil},
		{"create org", call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"Initech","kind":"deployer"}`}, 201, "", "", func(m map[string]any) bool {
			return m["name"] == "Initech" && m["version"] == 1.0
		}},
		{"stale version", call{as: "acme", method: "PATCH", path: "/api/v1/orgs/{acme}", body: `{"name":"Acme","kind":"vendor","version":7}`}, 409, "conflict", "", nil},
		{"missing version", call{as: "acme", method: "PATCH", path: "/api/v1/orgs/{acme}", body: `{"name":"Acme","kind":"vendor"}`}, 422, "invalid", "version", nil},
		{"org admin updates own", call{as: "acme", method: "PATCH", path: "/api/v1/orgs/{acme}", body: `{"name":"Acme Inc","kind":"vendor","version":1}`}, 200, "", "", nil},
		{"org admin updates other", call{as: "acme", method: "PATCH", path: "/api/v1/orgs/{globex}", body: `{"name":"G","kind":"vendor","version":1}`}, 403, "forbidden", "", nil},
		{"outsider lists members", call{as: "globex", method: "GET", path: "/api/v1/orgs/{acme}/members"}, 403, "forbidden", "", nil},
		{"member lists members", call{as: "acme-ro", method: "GET", path: "/api/v1/orgs/{acme}/members"}, 200, "", "", nil},
		{"add member bad e-mail", call{as: "acme", method: "POST", path: "/api/v1/orgs/{acme}/members", body: `{"email":"nope"}`}, 422, "invalid", "email", nil},
		{"add member bad role", call{as: "acme", method: "POST", path: "/api/v1/orgs/{acme}/members", body: `{"email":"a@acme.example","role":"owner"}`}, 422, "invalid", "role", nil},
		{"add member", call{as: "acme", method: "POST", path: "/api/v1/orgs/{acme}/members", body: `{"email":"new@acme.example","name":"New"}`}, 201, "", "", func(m map[string]any) bool {
			return m["invited"] == true && m["role"] == "member"
		}},
		{"no such org", call{as: "acme", method: "GET", path: "/api/v1/orgs/99999"}, 404, "not_found", "", nil},
		{"non-numeric id", call{as: "acme", method: "GET", path: "/api/v1/orgs/abc"}, 404, "not_found", "", nil},
		{"unknown endpoint", call{as: "acme", method: "GET", path: "/api/v1/nothing"}, 404, "not_found", "", nil},
		{"vendor lists users", call{as: "acme", method: "GET", path: "/api/v1/users"}, 403, "forbidden", "", nil},
		{"vendor sees self", call{as: "acme", method: "GET", path: "/api/v1/users/{acmeuser}"}, 200, "", "", nil},
		{"vendor sees admin", call{as: "acme", method: "GET", path: "/api/v1/users/{admin}"}, 404, "not_found", "", nil},
		{"create user bad e-mail", call{as: "admin", method: "POST", path: "/api/v1/users", body: `{"email":"a b@c.d","name":"x"}`}, 422, "invalid", "email", nil},
		{"create user short password", call{as: "admin", method: "POST", path: "/api/v1/users", body: `{"email":"u@x.example","name":"x","password":"short"}`}, 422, "invalid", "password", nil},
		{"create duplicate user", call{as: "admin", method: "POST", path: "/api/v1/users", body: `{"email":"PSIRT@acme.example","name":"x"}`}, 409, "conflict", "email", nil},
		{"token login wrong password", call{method: "POST", path: "/api/v1/auth/token", body: `{"email":"psirt@acme.example","password":"nope nope nope"}`}, 401, "unauthenticated", "", nil},
		{"token login bad scope", call{method: "POST", path: "/api/v1/auth/token", body: `{"email":"psirt@acme.example","password":"` + pw + `","scope":"root"}`}, 422, "invalid", "scope", nil},
		{"ssvc trees", call{as: "acme-ro", method: "GET", path: "/api/v1/ssvc/trees"}, 200, "", "", func(m map[string]any) bool {
			items, _ := m["items"].([]any)
			return len(items) == 4
		}},
		{"ssvc evaluate", call{as: "acme-ro", method: "POST", path: "/api/v1/ssvc/trees/coordinator-publish/evaluate",
			body: `{"values":{"Supplier Involvement":"fix ready","Exploitation":"public poc","Public Value Added":"limited"},"target_ids":["PAR-1"]}`}, 200, "", "", func(m map[string]any) bool {
			return m["outcome"] == "Do Not Publish" && m["selection_list"] != nil
		}},
		{"ssvc bad value", call{as: "acme-ro", method: "POST", path: "/api/v1/ssvc/trees/supplier/evaluate", body: `{"values":{"Exploitation":"lots"}}`}, 422, "invalid", "values", nil},
		{"ssvc unknown tree", call{as: "acme-ro", method: "POST", path: "/api/v1/ssvc/trees/cisa/evaluate", body: `{"values":{}}`}, 404, "not_found", "", nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body, _ := e.do(t, c.call)
			code, field := errField(body)
			if status != c.status || code != c.code || field != c.field {
				t.Fatalf("got %d %s/%s %v; want %d %s/%s", status, code, field, body, c.status, c.code, c.field)
			}
			if c.bodyCheck != nil && !c.bodyCheck(body) {
				t.Fatalf("unexpected body %v", body)
			}
		})
	}
}

func TestRefusedChangesStoreNothing(t *testing.T) {
	e := newEnv(t)
	before := e.count(t, "SELECT COUNT(*) FROM organisations") + e.count(t, "SELECT COUNT(*) FROM journal")
	for _, body := range []string{`{"name":`, `{"name":"X","kind":"bank"}`, `{"name":"ACME","kind":"vendor"}`, `{"name":"X","kind":"vendor","x":1}`} {
		if s, _, _ := e.do(t, call{as: "admin", method: "POST", path: "/api/v1/orgs", body: body}); s < 400 {
			t.Fatalf("%s accepted", body)
		}
	}
	if after := e.count(t, "SELECT COUNT(*) FROM organisations") + e.count(t, "SELECT COUNT(*) FROM journal"); after != before {
		t.Fatalf("refused requests changed the database: %d rows before, %d after", before, after)
	}
}

func (e *env) count(t *testing.T, q string) int {
	var n int
	if err := e.db.Read().QueryRowContext(context.Background(), q).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestIdempotencyKey(t *testing.T) {
	e := newEnv(t)
	post := call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"Once","kind":"vendor"}`, headers: map[string]string{"Idempotency-Key": "k1"}}
	s1, b1, _ := e.do(t, post)
	s2, b2, h2 := e.do(t, post)
	if s1 != 201 || s2 != 201 || b1["id"] != b2["id"] || h2.Get("Idempotent-Replayed") != "true" {
		t.Fatalf("first %d %v, second %d %v %v", s1, b1, s2, b2, h2)
	}
	if n := e.count(t, "SELECT COUNT(*) FROM organisations WHERE name = 'Once'"); n != 1 {
		t.Fatalf("%d organisations made", n)
	}
	post.body = `{"name":"Other","kind":"vendor"}`
	if s, b, _ := e.do(t, post); s != 422 {
		t.Fatalf("same key, other body: %d %v", s, b)
	}
}

func TestExpiredAndRevokedTokens(t *testing.T) {
	e := newEnv(t)
	if s, _, _ := e.do(t, call{as: "acme", method: "GET", path: "/api/v1/me/tokens"}); s != 200 {
		t.Fatalf("list tokens: %d", s)
	}
	_, list, _ := e.do(t, call{as: "acme", method: "GET", path: "/api/v1/me/tokens"})
	items := list["items"].([]any)
	ro := items[0].(map[string]any)["id"].(float64) // newest first: the read token
	if s, _, _ := e.do(t, call{as: "acme", method: "DELETE", path: "/api/v1/me/tokens/" + itoa(int64(ro))}); s != 204 {
		t.Fatalf("revoke: %d", s)
	}
	if s, b, _ := e.do(t, call{as: "acme-ro", method: "GET", path: "/api/v1/me"}); s != 401 || !strings.Contains(b["error"].(map[string]any)["message"].(string), "revoked") {
		t.Fatalf("revoked token: %d %v", s, b)
	}
	*e.clock = e.clock.Add(49 * time.Hour)
	if s, b, _ := e.do(t, call{as: "acme", method: "GET", path: "/api/v1/me"}); s != 401 || !strings.Contains(b["error"].(map[string]any)["message"].(string), "expired") {
		t.Fatalf("expired token: %d %v", s, b)
	}
}

func TestSecurityHeadersAndCrossOrigin(t *testing.T) {
	e := newEnv(t)
	_, _, h := e.do(t, call{as: "acme", method: "GET", path: "/api/v1/me"})
	for _, k := range []string{"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options"} {
		if h.Get(k) == "" {
			t.Errorf("missing %s", k)
		}
	}
	s, _, _ := e.do(t, call{as: "admin", method: "POST", path: "/api/v1/orgs", body: `{"name":"CSRF","kind":"vendor"}`,
		headers: map[string]string{"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}})
	if s != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d, want 403", s)
	}
}
