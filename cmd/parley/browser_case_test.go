package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestBrowserCase uses the demo's case in headless Chromium: the
// coordinator sends the report to a vendor, the vendor finds the case,
// sees no other vendor and validates the report, and the coordinator sees
// the answer on the timeline.
func TestBrowserCase(t *testing.T) {
	coord, vendor := newPage(t), newPage(t)
	base := startDemo(t)
	signIn := func(p *page, email string) { p.signIn(t, base, email) }
	signIn(coord, "coordinator@cert.example.org")
	coord.do(t, "open the case", chromedp.Click(chromedp.CSS(`a[href^="/cases/PAR-"]`)))
	coord.expect(t, "main h1", "Out-of-bounds write")
	coord.clickText(t, `form[action$="/send"] button`, "to Acme Routers")
	coord.expect(t, ".flash", "Report sent")

	signIn(vendor, "psirt@acme.example.com")
	vendor.do(t, "open the case", chromedp.Click(chromedp.CSS(`a[href^="/cases/PAR-"]`)))
	vendor.expect(t, "main h1", "Out-of-bounds write")
	if body := vendor.text(t, "section[aria-labelledby=participants-h] table"); strings.Contains(body, "Globex") {
		t.Fatal("a vendor sees another vendor of the case")
	}
	vendor.expect(t, "section[aria-labelledby=participants-h] table", "Received")
	vendor.do(t, "validate", chromedp.SetValue(chromedp.CSS(`form[action$="/rm"] select`), "v"),
		chromedp.Click(chromedp.CSS(`form[action$="/rm"] button`)))
	vendor.expect(t, ".flash", "Report state changed")

	coord.do(t, "reload", chromedp.Navigate(base+"/cases"), chromedp.Click(chromedp.CSS(`a[href^="/cases/PAR-"]`)))
	coord.expect(t, ".timeline", "Acme Routers: report Valid")
	coord.noErrors(t)
	vendor.noErrors(t)
}

// startDemo serves the demo instance (TOTP not required) and returns its
// base URL.
func startDemo(t *testing.T) string {
	t.Helper()
	env := map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": storetest.DSN(t), "PARLEY_ADDR": "127.0.0.1:0",
		"PARLEY_LOG_LEVEL": "warn", "PARLEY_REQUIRE_TOTP": "false"}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve", "--demo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return waitForURL(t, &out)
}

// signIn signs a demo account in and lands on the case list.
func (p *page) signIn(t *testing.T, base, email string) {
	t.Helper()
	p.do(t, "sign in as "+email, chromedp.Navigate(base+"/login?next=/cases"), fill("form[action='/login']", map[string]string{
		"#email": email, "#password": demoPassword}))
	p.expect(t, "main h1", "Cases")
}
