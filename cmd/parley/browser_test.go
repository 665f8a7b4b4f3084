package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// chromium finds Debian's chromium, or skips (fails in CI, where
// PARLEY_TEST_REQUIRE is set) with how to enable the browser tests.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "browser tests need Chromium: apt-get install -y chromium"
	if os.Getenv("PARLEY_TEST_REQUIRE") != "" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// formAnswer is the browser's note on a form shown again with its error:
// expected, unlike a missing resource or a script error.
var formAnswer = regexp.MustCompile(`status of (401|409|422) `)

// page is a headless Chromium tab that records console errors and
// uncaught exceptions, which include Content-Security-Policy violations.
type page struct {
	ctx    context.Context
	mu     sync.Mutex
	errors []string
}

func newPage(t *testing.T) *page {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-quic", true))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelTab := chromedp.NewContext(actx)
	p := &page{ctx: ctx}
	messages := chromedp.Console(ctx)
	watching := make(chan struct{})
	go func() {
		defer close(watching)
		for m, err := range messages {
			if err != nil {
				return
			}
			if (m.Type == chromedp.ConsoleError || m.IsException()) && !formAnswer.MatchString(m.Text) {
				p.mu.Lock()
				p.errors = append(p.errors, m.String())
				p.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { cancelTab(); cancelAlloc(); <-watching })
	return p
}

// do runs steps, failing the test with where the browser was.
func (p *page) do(t *testing.T, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(p.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(p.ctx, chromedp.Location())
		html, _ := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector("main")||document.body).innerHTML`))
		t.Fatalf("%s: %v (at %s)\n%s", what, err, loc, html)
	}
}

func (p *page) text(t *testing.T, sel string) string {
	t.Helper()
	p.do(t, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	s, err := chromedp.Run(p.ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("read %s: %v", sel, err)
	}
	return strings.TrimSpace(s)
}

// expect waits until the element sel shows want (the page after a click
// may take a moment to replace the one before).
func (p *page) expect(t *testing.T, sel, want string) {
	t.Helper()
	var got string
	for range 300 { // 30 s: CI runs these under the race detector
		s, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`(document.querySelector(`+strconvQuote(sel)+`)||{}).textContent||""`))
		if got = strings.TrimSpace(s); err == nil && strings.Contains(got, want) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	loc, _ := chromedp.Run(p.ctx, chromedp.Location())
	t.Fatalf("%s at %s shows %q, want %q", sel, loc, got, want)
}

// clickText clicks the first element matching sel whose text contains text.
func (p *page) clickText(t *testing.T, sel, text string) {
	t.Helper()
	ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { const e = Array.from(document.querySelectorAll(`+strconvQuote(sel)+
		`)).find(e => e.textContent.includes(`+strconvQuote(text)+`)); if (!e) return false; e.click(); return true })()`))
	if err != nil || !ok {
		t.Fatalf("no %s with %q to click (%v)", sel, text, err)
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

func (p *page) noErrors(t *testing.T) {
	t.Helper()
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.errors) > 0 {
		t.Fatalf("the browser reported errors:\n%s", strings.Join(p.errors, "\n"))
	}
}

// fill sets the fields named by CSS selector in the form, then submits it
// with its button.
func fill(form string, fields map[string]string) chromedp.Action[chromedp.Void] {
	steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(form))}
	for f, v := range fields {
		steps = append(steps, chromedp.SetValue(chromedp.CSS(f), v))
	}
	return chromedp.Steps(append(steps, chromedp.Click(chromedp.CSS(form+" button")))...)
}

// TestBrowserAdministrator drives a fresh instance in headless Chromium as
// its first administrator: set-up link, TOTP enrolment, sign-in with a
// second factor, an API token, and organisation management.
func TestBrowserAdministrator(t *testing.T) {
	p := newPage(t)
	env := map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": storetest.DSN(t), "PARLEY_ADDR": "127.0.0.1:0",
		"PARLEY_LOG_LEVEL": "warn"}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	base := waitForURL(t, &out)
	var setup string
	for i := 0; i < 100 && setup == ""; i++ {
		if setup = regexp.MustCompile(`/setup\?token=\S+`).FindString(out.String()); setup == "" {
			time.Sleep(20 * time.Millisecond)
		}
	}
	if setup == "" {
		t.Fatalf("no set-up link printed:\n%s", out.String())
	}

	p.do(t, "set up", chromedp.Navigate(base+setup), fill("form[action='/setup']", map[string]string{
		"#name": "Root", "#email": "root@cert.example", "#password": "correct horse battery", "#password2": "correct horse battery",
	}))
	secret := p.text(t, "#totp-secret")
	code, _ := auth.TOTPCode(secret, time.Now())
	p.do(t, "enrol TOTP", fill("form[action='/account/totp']", map[string]string{"#code": code}))
	p.expect(t, ".flash", "Two-factor authentication is on")
	if htmx, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`typeof htmx === "object"`)); err != nil || !htmx {
		t.Fatal("htmx did not load")
	}

	p.do(t, "sign out", chromedp.Click(chromedp.CSS("form.logout button")), chromedp.WaitVisible(chromedp.CSS(`a[href="/login"]`)))
	p.do(t, "sign in", chromedp.Navigate(base+"/login"), fill("form[action='/login']", map[string]string{
		"#email": "root@cert.example", "#password": "correct horse battery"}))
	p.do(t, "wrong code", fill("form[action='/login/totp']", map[string]string{"#code": "000000"}))
	p.expect(t, "#code-err", "code")
	code, _ = auth.TOTPCode(secret, time.Now().Add(30*time.Second)) // the enrolment used this step's code
	p.do(t, "right code", fill("form[action='/login/totp']", map[string]string{"#code": code}))
	p.expect(t, "main h1", "Hello, Root")

	p.do(t, "create a token", chromedp.Navigate(base+"/account"), fill("form[action='/account/tokens']", map[string]string{
		"#token-name": "tracker", "#token-scope": "write"}))
	p.expect(t, "#new-token", "parley_")
	token := p.text(t, "#new-token")
	checkToken(t, base, token)

	p.do(t, "new organisation", chromedp.Navigate(base+"/orgs/new"), fill("form[action='/orgs/new']", map[string]string{
		"#name": "Acme Routers", "#kind": "vendor", "#security_email": "psirt@acme.example"}))
	p.expect(t, "main h1", "Acme Routers")
	p.do(t, "add a member", fill("form[action$='/members']", map[string]string{
		"#member-email": "lee@acme.example", "#member-name": "Lee", "#member-role": "admin"}))
	p.expect(t, ".flash", "lee@acme.example is invited")
	p.do(t, "edit", chromedp.Click(chromedp.CSS(`a[href$="/edit"]`)), fill("form[action$='/edit']", map[string]string{
		"#description": "Home and office routers"}))
	p.expect(t, ".prose", "Home and office routers")
	p.do(t, "duplicate", chromedp.Navigate(base+"/orgs/new"), fill("form[action='/orgs/new']", map[string]string{
		"#name": "ACME routers", "#kind": "vendor"}))
	p.expect(t, "#name-err", "exists already")
	p.noErrors(t)
}

// checkToken uses the token the page showed against the API.
func checkToken(t *testing.T, base, token string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var me struct{ Email string }
	if err := json.NewDecoder(res.Body).Decode(&me); err != nil || res.StatusCode != 200 || me.Email != "root@cert.example" {
		t.Fatalf("token from the page: status %d, %+v, %v", res.StatusCode, me, err)
	}
}
