package api_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/org"
)

// deadlineEnv is a case led by CERT (whose member is staff) with two
// vendors, Acme and Globex, each owing a response, and the embargo's end
// for the whole case; Initech takes part in nothing.
type deadlineEnv struct {
	srv    *httptest.Server
	dl     *deadlines.Service
	tokens map[string]string
	key    string
	ids    map[string]int64 // deadline IDs: acme, globex, embargo
}

// newDeadlineEnv signs its people up itself: each org is named after who,
// its admin is who@example.org, and the administrator's account is not
// flagged admin (only the principal it acts as is).
func newDeadlineEnv(t *testing.T) *deadlineEnv {
	t.Helper()
	e := &deadlineEnv{ids: map[string]int64{}}
	f := newFixture(t, may1, func(f *fixture, d *api.Deps) {
		e.dl = deadlines.NewService(f.db, f.clock, deadlines.Config{BaseURL: "https://parley.test"})
		d.Deadlines = e.dl
	})
	e.srv, e.tokens = f.srv, f.tokens
	ctx := context.Background()
	admin, err := f.users.CreateAdmin(ctx, auth.NewUser{Email: "admin@cert.example", Name: "Admin", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	for _, pp := range []struct {
		who  string
		kind org.Kind
	}{{"staff", org.Coordinator}, {"acme", org.Vendor}, {"globex", org.Vendor}, {"initech", org.Vendor}} {
		o, err := f.orgs.Create(ctx, f.admin, org.Fields{Name: pp.who, Kind: pp.kind})
		if err != nil {
			t.Fatal(err)
		}
		f.orgIDs[pp.who] = o.ID
		email := pp.who + "@example.org"
		if _, err := f.users.CreateUser(ctx, f.admin, auth.NewUser{Email: email, Name: pp.who, Password: pw, Staff: pp.who == "staff"}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.orgs.AddMember(ctx, f.admin, o.ID, email, "", auth.OrgAdmin); err != nil {
			t.Fatal(err)
		}
		login(t, f.users, f.tokens, pp.who, email, true)
	}
	c, parts := f.openCase(t, cases.NewCase{Title: "Overflow in a router"}, "acme", "globex")
	e.key = c.Key
	now := f.now
	err = f.db.Tx(ctx, func(tx *sql.Tx) error {
		list, err := deadlines.SetMany(ctx, tx, now, []deadlines.Deadline{
			{CaseID: c.ID, ParticipantID: parts[0].ID, Kind: deadlines.VendorResponse, DueAt: now.Add(5 * 24 * time.Hour)},
			{CaseID: c.ID, ParticipantID: parts[1].ID, Kind: deadlines.VendorResponse, DueAt: now.Add(-24 * time.Hour), Zone: "Asia/Tokyo"},
			{CaseID: c.ID, Kind: deadlines.EmbargoEnd, DueAt: now.Add(45 * 24 * time.Hour), Zone: "Europe/Berlin"},
		})
		for i, name := range []string{"acme", "globex", "embargo"} {
			if err == nil {
				e.ids[name] = list[i].ID
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (e *deadlineEnv) do(t *testing.T, who, method, path string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, e.srv.URL+strings.ReplaceAll(path, "{key}", e.key), nil)
	if tok, ok := e.tokens[who]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s %s: %v in %s", method, path, err, b)
	}
	return resp.StatusCode, m
}

// itemIDs are the deadline IDs of a list answer, by name.
func (e *deadlineEnv) itemIDs(m map[string]any) []string {
	var out []string
	items, _ := m["items"].([]any)
	for _, it := range items {
		id := int64(it.(map[string]any)["id"].(float64))
		for name, want := range e.ids {
			if id == want {
				out = append(out, name)
			}
		}
	}
	return out
}

func TestDeadlineScenarios(t *testing.T) {
	e := newDeadlineEnv(t)
	tests := []struct {
		name, as, method, path string
		status                 int
		want                   string // the deadlines listed, in order, or the error field
	}{
		{"anonymous", "", "GET", "/api/v1/me/deadlines", 401, ""},
		{"vendor sees its own and the case's", "acme", "GET", "/api/v1/me/deadlines", 200, "acme,embargo"},
		{"other vendor, overdue", "globex", "GET", "/api/v1/me/deadlines", 200, "globex,embargo"},
		{"coordinator sees all, overdue first", "staff", "GET", "/api/v1/me/deadlines", 200, "globex,acme,embargo"},
		{"outsider", "initech", "GET", "/api/v1/me/deadlines", 200, ""},
		{"limited", "staff", "GET", "/api/v1/me/deadlines?limit=1", 200, "globex"},
		{"bad limit", "staff", "GET", "/api/v1/me/deadlines?limit=0", 422, "limit"},
		{"case as vendor", "acme-ro", "GET", "/api/v1/cases/{key}/deadlines", 200, "acme,embargo"},
		{"case as coordinator", "staff", "GET", "/api/v1/cases/{key}/deadlines", 200, "globex,acme,embargo"},
		{"case page", "staff", "GET", "/api/v1/cases/{key}/deadlines?limit=2", 200, "globex,acme"},
		{"case hidden from outsiders", "initech", "GET", "/api/v1/cases/{key}/deadlines", 404, ""},
		{"no such case", "staff", "GET", "/api/v1/cases/PAR-1999-0001/deadlines", 404, ""},
		{"read-only token makes no feed", "acme-ro", "POST", "/api/v1/me/calendar", 403, ""},
		{"anonymous makes no feed", "", "POST", "/api/v1/me/calendar", 401, ""},
	}
	for _, tt := range tests {
		status, m := e.do(t, tt.as, tt.method, tt.path)
		if status != tt.status {
			t.Errorf("%s: status %d, want %d: %v", tt.name, status, tt.status, m)
			continue
		}
		if status == 200 {
			if got := strings.Join(e.itemIDs(m), ","); got != tt.want {
				t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
			}
		} else if _, field := errField(m); field != tt.want {
			t.Errorf("%s: field %q, want %q", tt.name, field, tt.want)
		}
	}
	_, m := e.do(t, "staff", "GET", "/api/v1/me/deadlines?limit=1")
	if m["more"] != true {
		t.Errorf("a cut list does not say there is more: %v", m)
	}
	_, m = e.do(t, "staff", "GET", "/api/v1/cases/{key}/deadlines?limit=2")
	cursor, _ := m["next_cursor"].(string)
	if _, rest := e.do(t, "staff", "GET", "/api/v1/cases/{key}/deadlines?limit=2&cursor="+cursor); strings.Join(e.itemIDs(rest), ",") != "embargo" {
		t.Errorf("second page: %v", rest)
	}
	_, m = e.do(t, "globex", "GET", "/api/v1/me/deadlines")
	first := m["items"].([]any)[0].(map[string]any)
	if first["overdue"] != true || first["case_key"] != e.key || first["kind"] != "vendor_response" || first["zone"] != "Asia/Tokyo" ||
		first["due_local"] != "2026-04-30T21:00:00+09:00" || first["what"] != "vendor response" {
		t.Errorf("globex's deadline: %v", first)
	}
}

func TestCalendarFeedRotation(t *testing.T) {
	e := newDeadlineEnv(t)
	status, m := e.do(t, "acme", "POST", "/api/v1/me/calendar")
	url, _ := m["url"].(string)
	if status != 201 || !strings.HasPrefix(url, "https://parley.test/calendar/") || !strings.HasSuffix(url, ".ics") {
		t.Fatalf("create: %d %v", status, m)
	}
	secret := strings.TrimSuffix(strings.TrimPrefix(url, "https://parley.test/calendar/"), ".ics")
	if _, err := e.dl.FeedOwner(context.Background(), secret); err != nil {
		t.Fatalf("the new secret does not work: %v", err)
	}
	_, m = e.do(t, "acme", "POST", "/api/v1/me/calendar")
	if m["url"] == url {
		t.Fatal("rotating gave the same URL")
	}
	if _, err := e.dl.FeedOwner(context.Background(), secret); err == nil {
		t.Fatal("the rotated secret still works")
	}
}
