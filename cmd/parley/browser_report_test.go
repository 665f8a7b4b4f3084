package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestBrowserReport files an anonymous report in headless Chromium, as a
// first-time reporter would: the form's check lists what is missing, the
// report goes in anyway, the receipt gives a tracking ID and a follow-up
// link, and the follow-up page shows the report. The proof-of-work script
// runs under the Content-Security-Policy without errors.
func TestBrowserReport(t *testing.T) {
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

	p.do(t, "fill the form", chromedp.Navigate(base+"/report"), chromedp.WaitVisible(chromedp.CSS("#report-form")),
		chromedp.SetValue(chromedp.CSS("#title"), "Stack overflow in the AR-100 web UI"),
		chromedp.SetValue(chromedp.CSS("#description"), "A long Host header overflows a stack buffer in the admin web server."),
		chromedp.Click(chromedp.CSS("#ai-none")),
		chromedp.Click(chromedp.CSS(`#report-form button[type=submit]:not([name])`)))
	p.expect(t, "#gaps-h", "your report could say more")
	p.do(t, "submit anyway", chromedp.Click(chromedp.CSS(`button[name=confirm]`)))
	p.expect(t, "#tracking-id", "RPT-")
	p.do(t, "open the follow-up page", chromedp.Click(chromedp.CSS(`a[href*="/report/follow-up"]`)))
	p.expect(t, "main", "Stack overflow in the AR-100 web UI")
	p.noErrors(t)

	// A coordinator finds it in the queue, acknowledges and validates it
	// and replies; the reporter reads the reply on the follow-up page.
	followUp, err := chromedp.Run(p.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	staff := newPage(t)
	e := &e2e{t: t, env: env}
	e.must("correct horse battery\n", "admin", "create-user", "--admin", "--email", "desk@cert.example", "--name", "Desk")
	staff.do(t, "sign in", chromedp.Navigate(base+"/login?next=/triage"), fill("form[action='/login']", map[string]string{
		"#email": "desk@cert.example", "#password": "correct horse battery"}))
	// Staff enrol a second factor first; this instance requires it.
	secret := staff.text(t, "#totp-secret")
	code, _ := auth.TOTPCode(secret, time.Now())
	staff.do(t, "enrol", fill("form[action='/account/totp']", map[string]string{"#code": code}))
	staff.expect(t, ".flash", "Two-factor authentication is on")
	staff.do(t, "open the queue", chromedp.Navigate(base+"/triage"))
	staff.expect(t, "main table", "Stack overflow in the AR-100 web UI")
	staff.do(t, "open the report", chromedp.Click(chromedp.CSS(`a[href^="/triage/"]`)))
	staff.expect(t, "main h1", "Stack overflow")
	staff.do(t, "acknowledge", chromedp.Click(chromedp.CSS(`form[action$="/acknowledge"] button`)))
	staff.expect(t, ".flash", "cknowledge")
	staff.do(t, "validate", chromedp.Click(chromedp.CSS(`form[action$="/validate"] button`)))
	staff.expect(t, ".flash", "Validated")
	staff.do(t, "reply", fill(`form[action$="/reply"]`, map[string]string{"#reply-body": "Thanks: we could reproduce it and are contacting Acme."}))
	staff.expect(t, "main", "we could reproduce it")
	p.do(t, "reload the follow-up page", chromedp.Navigate(followUp))
	p.expect(t, "main", "we could reproduce it")
	staff.noErrors(t)
	p.noErrors(t)
}
