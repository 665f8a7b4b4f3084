package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleycvd/parley/internal/store/storetest"
)

func newHandler(t *testing.T, tls bool) http.Handler {
	db := storetest.New(t)
	return New(Deps{DB: db, Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(), TLS: tls,
		Register: []func(*http.ServeMux){func(m *http.ServeMux) {
			m.HandleFunc("GET /boom", func(http.ResponseWriter, *http.Request) { panic("boom") })
			m.HandleFunc("POST /login", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "tried") })
		}}})
}

func get(h http.Handler, method, path string, hdr map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, nil)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestOperationsEndpoints(t *testing.T) {
	h := newHandler(t, false)
	for _, c := range []struct {
		path string
		want string
	}{{"/healthz", "ok"}, {"/readyz", "ready"}} {
		if w := get(h, "GET", c.path, nil); w.Code != 200 || !strings.Contains(w.Body.String(), c.want) {
			t.Errorf("%s: %d %q", c.path, w.Code, w.Body.String())
		}
	}
	get(h, "GET", "/healthz", nil)
	w := get(h, "GET", "/metrics", nil)
	if !strings.Contains(w.Body.String(), `parley_http_requests_total{code="200",method="GET",route="GET /healthz"}`) {
		t.Errorf("metrics lack the request counter:\n%.2000s", w.Body.String())
	}
}

func TestSecurityHeaders(t *testing.T) {
	w := get(newHandler(t, false), "GET", "/healthz", nil)
	if w.Header().Get("Content-Security-Policy") != ContentSecurityPolicy || w.Header().Get("X-Frame-Options") != "DENY" {
		t.Errorf("headers %v", w.Header())
	}
	if w.Header().Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent without TLS")
	}
	if w := get(newHandler(t, true), "GET", "/healthz", nil); !strings.Contains(w.Header().Get("Strict-Transport-Security"), "max-age=") {
		t.Error("no HSTS on TLS")
	}
}

func TestPanicIsA500(t *testing.T) {
	if w := get(newHandler(t, false), "GET", "/boom", nil); w.Code != 500 {
		t.Fatalf("panic gave %d", w.Code)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	h := newHandler(t, false)
	if w := get(h, "POST", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}); w.Code != http.StatusForbidden {
		t.Fatalf("cross-site POST: %d", w.Code)
	}
	if w := get(h, "POST", "/login", map[string]string{"Sec-Fetch-Site": "same-origin"}); w.Code != 200 {
		t.Fatalf("same-origin POST: %d", w.Code)
	}
}

func TestSignInRateLimit(t *testing.T) {
	l := newLimiter(10, time.Minute, "sign-in attempts", signInRoutes...)
	now := time.Now()
	for i := range 10 {
		if !l.allow("192.0.2.1", now) {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if l.allow("192.0.2.1", now) {
		t.Fatal("11th attempt in a minute allowed")
	}
	if !l.allow("192.0.2.2", now) {
		t.Fatal("another address was limited")
	}
	if !l.allow("192.0.2.1", now.Add(7*time.Second)) {
		t.Fatal("no attempt allowed after the bucket refilled")
	}
	h := newHandler(t, false)
	var last int
	for range 12 {
		last = get(h, "POST", "/login", nil).Code
	}
	if last != http.StatusTooManyRequests {
		t.Fatalf("12th sign-in POST: %d", last)
	}
}

func TestReportRateLimit(t *testing.T) {
	h := newHandler(t, false)
	var codes []int
	for range 21 {
		codes = append(codes, get(h, "POST", "/report", nil).Code)
	}
	if codes[19] == http.StatusTooManyRequests || codes[20] != http.StatusTooManyRequests {
		t.Fatalf("anonymous report POSTs: %v", codes)
	}
	if c := get(h, "POST", "/report", map[string]string{"Authorization": "Bearer parley_x"}).Code; c == http.StatusTooManyRequests {
		t.Fatal("a caller with a token is held to the anonymous limit")
	}
}

// TestSecretPathsStayOutOfLogs: a calendar feed's URL is its password.
func TestSecretPathsStayOutOfLogs(t *testing.T) {
	var logs strings.Builder
	h := New(Deps{DB: storetest.New(t), Logger: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Registry: prometheus.NewRegistry(), Register: []func(*http.ServeMux){func(m *http.ServeMux) {
			m.HandleFunc("GET /calendar/{secret}", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusInternalServerError) })
		}}})
	get(h, "GET", "/calendar/s3cr3t-feed.ics", nil)
	if strings.Contains(logs.String(), "s3cr3t") || !strings.Contains(logs.String(), "/calendar/") {
		t.Fatalf("logs:\n%s", logs.String())
	}
}
