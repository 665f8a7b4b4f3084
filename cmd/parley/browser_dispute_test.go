package main

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestBrowserDispute uses the demo's case in headless Chromium: a vendor
// opens a timing dispute with the coordinator and states its position,
// the coordinator finds it among the open disputes, states its own and
// proposes a resolution, the vendor accepts it, and the dispute shows
// resolved, on its page and on the case's timeline.
func TestBrowserDispute(t *testing.T) {
	coord, vendor := newPage(t), newPage(t)
	env := map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": storetest.DSN(t), "PARLEY_ADDR": "127.0.0.1:0",
		"PARLEY_LOG_LEVEL": "warn", "PARLEY_REQUIRE_TOTP": "false"}
	ctx, cancel := context.WithCancel(context.Background())
	var out syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve", "--demo"}, func(k string) string { return env[k] }, strings.NewReader(""), &out, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	base := waitForURL(t, &out)

	signIn := func(p *page, email string) {
		p.do(t, "sign in as "+email, chromedp.Navigate(base+"/login?next=/cases"), fill("form[action='/login']", map[string]string{
			"#email": email, "#password": demoPassword}))
		p.expect(t, "main h1", "Cases")
	}
	signIn(vendor, "psirt@acme.example.com")
	vendor.do(t, "open the case", chromedp.Click(chromedp.CSS(`a[href^="/cases/PAR-"]`)))
	vendor.expect(t, "main h1", "Out-of-bounds write")
	casePath, err := chromedp.Run(vendor.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	vendor.do(t, "the case's disputes", chromedp.Navigate(base+casePath+"/disputes"))
	vendor.expect(t, "main h1", "Disputes of PAR-")
	vendor.do(t, "open a dispute", fill("#open-dispute", map[string]string{
		"#open-topic": "timing", "#open-title": "Publication date",
		"#open-position": "Our routers need a firmware release: we ask for 90 days.",
	}))
	vendor.expect(t, ".flash", "Dispute opened")
	vendor.expect(t, "#positions", "we ask for 90 days")

	signIn(coord, "coordinator@cert.example.org")
	coord.do(t, "open disputes", chromedp.Click(chromedp.CSS(`nav a[href="/disputes"]`)))
	coord.expect(t, "#open-disputes", "Publication date")
	coord.expect(t, "#open-disputes", "less than an hour")
	coord.do(t, "open the dispute", chromedp.Click(chromedp.CSS(`#open-disputes a[href*="/disputes/"]`)))
	coord.expect(t, "main h1", "Publication date")
	coord.do(t, "state a position", chromedp.Click(chromedp.CSS(`section[aria-labelledby=positions-h] details > summary`)),
		fill("#position-form", map[string]string{"#position-text": "Our policy is 45 days; a workaround could come first."}))
	coord.expect(t, ".flash", "Position stated")
	coord.expect(t, "#positions", "Our policy is 45 days")
	coord.do(t, "propose", fill("#propose-form", map[string]string{
		"#propose-proposal": "Publish a workaround after 45 days and the details after 90."}))
	coord.expect(t, ".flash", "Resolution proposed")
	coord.expect(t, "#resolutions", "pending")

	vendor.do(t, "reload the dispute", chromedp.Reload())
	vendor.expect(t, "#resolutions", "Publish a workaround after 45 days")
	vendor.expect(t, "#positions", "Our policy is 45 days")
	vendor.do(t, "accept", chromedp.Click(chromedp.CSS(`form.answer-form button[value="accept"]`)))
	vendor.expect(t, ".flash", "the dispute is resolved")
	vendor.expect(t, "#dispute-status", "resolved")
	vendor.expect(t, "#dispute-outcome", "details after 90")

	vendor.do(t, "back to the case", chromedp.Navigate(base+casePath))
	vendor.expect(t, ".timeline", `"Publication date" resolved: the parties accepted`)
	coord.do(t, "no open dispute is left", chromedp.Navigate(base+"/disputes"))
	coord.expect(t, "main", "No open disputes")
	coord.noErrors(t)
	vendor.noErrors(t)
}
