package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserReporter follows reporters in headless Chromium on the demo
// instance. Acme's admin publishes its disclosure program; an anonymous
// reporter reads it, reports through it (the vendor filled in, the form's
// proof of work running under the Content-Security-Policy), keeps the
// follow-up link, and after the coordinator acknowledged the report and
// asked a question answers on the follow-up page and sees the expected
// timeline move. A reporter with an account reports through the program
// too, hands the follow-up with the vendors over to the coordinator, and
// sees it in "My reports"; the coordinator sees the choice in triage.
func TestBrowserReporter(t *testing.T) {
	base := startDemo(t)

	acme := newPage(t)
	acme.signIn(t, base, "psirt@acme.example.com")
	acme.do(t, "open the programs", chromedp.Navigate(base+"/programs"))
	acme.clickText(t, "main a", "Edit the program of Acme Routers")
	acme.expect(t, "main h1", "Disclosure program of Acme Routers")
	acme.do(t, "publish the program", chromedp.WaitVisible(chromedp.CSS("#program-form")),
		chromedp.SetValue(chromedp.CSS("#scope-in"), "The **R9000** router, firmware 2.x."),
		chromedp.SetValue(chromedp.CSS("#scope-out"), "Our marketing website."),
		chromedp.Click(chromedp.CSS("#published")), chromedp.Click(chromedp.CSS("#program-form button")))
	acme.expect(t, ".flash", "Program published")
	acme.noErrors(t)

	// An anonymous reporter finds the program and reports through it.
	anon := newPage(t)
	anon.do(t, "open the index", chromedp.Navigate(base+"/programs"), chromedp.Click(chromedp.CSS(`a[href="/programs/acme-routers"]`)))
	anon.expect(t, "main h1", "Acme Routers: vulnerability disclosure program")
	anon.expect(t, "#scope-in", "R9000")
	anon.expect(t, "#policy-days", "45 days")
	anon.expect(t, "#safe-harbour", "good faith")
	anon.do(t, "open the form", chromedp.Click(chromedp.CSS("#report-link")), chromedp.WaitVisible(chromedp.CSS("#report-form")))
	anon.expect(t, "#program-notice", "Acme Routers is recorded as the vendor")
	if v, err := chromedp.Run(anon.ctx, chromedp.Evaluate[string](`document.querySelector("#vendors-0-name").value`)); err != nil || v != "Acme Routers" {
		t.Fatalf("the vendor is not filled in: %q, %v", v, err)
	}
	anon.do(t, "fill the form", chromedp.SetValue(chromedp.CSS("#title"), "Command injection in the R9000 diagnostics page"),
		chromedp.SetValue(chromedp.CSS("#description"), "The ping field of the diagnostics page passes its input to a shell."),
		chromedp.Click(chromedp.CSS("#ai-none")), chromedp.Click(chromedp.CSS(`#report-form button[type=submit]:not([name])`)))
	anon.expect(t, "#gaps-h", "your report could say more")
	anon.do(t, "submit anyway", chromedp.Click(chromedp.CSS(`button[name=confirm]`)))
	anon.expect(t, "#tracking-id", "RPT-")
	anon.do(t, "open the follow-up page", chromedp.Click(chromedp.CSS(`a[href*="/report/follow-up"]`)))
	anon.expect(t, "main h1", "Command injection in the R9000")
	anon.expect(t, "#expected-timeline", "Acknowledgement: expected")
	anon.expect(t, "#expected-timeline", "By default 45 days after the vendors are first contacted")
	followUp, err := chromedp.Run(anon.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	anon.noErrors(t)

	// The coordinator acknowledges it and asks a question.
	coord := newPage(t)
	coord.signIn(t, base, "coordinator@cert.example.org")
	coord.do(t, "open the queue", chromedp.Navigate(base+"/triage"))
	coord.expect(t, "main table", "Command injection in the R9000")
	coord.clickRowLink(t, "Command injection")
	coord.expect(t, "main h1", "Command injection")
	coord.do(t, "acknowledge", chromedp.Click(chromedp.CSS(`form[action$="/acknowledge"] button`)))
	coord.expect(t, ".flash", "cknowledged")
	coord.do(t, "ask", fill(`form[action$="/ask"]`, map[string]string{"#ask-question": "Which firmware build did you test?"}))
	coord.expect(t, ".flash", "Question sent")

	// The reporter answers on the follow-up page; the timeline moved.
	anon.do(t, "reload the follow-up page", chromedp.Navigate(followUp))
	anon.expect(t, "main", "Which firmware build did you test?")
	anon.expect(t, "#expected-timeline", "Acknowledgement: done")
	anon.expect(t, "#expected-timeline", "We asked you a question")
	anon.do(t, "answer", fill(`form[action="/report/follow-up"]`, map[string]string{"#body": "Build 2.4.1-r3, the latest."}))
	anon.expect(t, ".flash", "your message was added")
	anon.expect(t, "main", "Build 2.4.1-r3")
	anon.expect(t, "#expected-timeline", "We check whether it is a vulnerability")
	anon.noErrors(t)

	// A reporter with an account reports through the program and hands the
	// follow-up with the vendors over to the coordinator.
	robin := newPage(t)
	robin.signIn(t, base, "finder@nightowl.example")
	robin.do(t, "open the program", chromedp.Navigate(base+"/programs/acme-routers"), chromedp.Click(chromedp.CSS("#report-link")))
	robin.do(t, "fill the form", chromedp.WaitVisible(chromedp.CSS("#report-form")),
		chromedp.SetValue(chromedp.CSS("#title"), "Hard-coded support password in the R9000"),
		chromedp.SetValue(chromedp.CSS("#description"), "The firmware accepts a fixed password for the support account."),
		chromedp.Click(chromedp.CSS("#ai-none")), chromedp.Click(chromedp.CSS(`#report-form button[type=submit]:not([name])`)))
	robin.do(t, "submit anyway", chromedp.WaitVisible(chromedp.CSS(`button[name=confirm]`)), chromedp.Click(chromedp.CSS(`button[name=confirm]`)))
	robin.expect(t, "#tracking-id", "RPT-")
	robin.do(t, "open the report's page", chromedp.Click(chromedp.CSS(`main a[href^="/reports/"]:not([href="/reports/mine"])`)))
	robin.expect(t, "main h1", "Hard-coded support password")
	robin.expect(t, "#capacity", "not chosen yet")
	robin.do(t, "hand the follow-up over", chromedp.WaitVisible(chromedp.CSS("#capacity-form")),
		chromedp.Click(chromedp.CSS("#capacity-coordinator")),
		chromedp.SetValue(chromedp.CSS("#capacity-note"), "I am travelling for a month."),
		chromedp.Click(chromedp.CSS("#capacity-form button")))
	robin.expect(t, ".flash", "the coordinators carry the follow-up")
	robin.expect(t, "#capacity", "handed over to the coordinator")
	robin.do(t, "my reports", chromedp.Navigate(base+"/reports/mine"))
	robin.expect(t, "main table", "Hard-coded support password")
	robin.expect(t, "main table", "handed over to the coordinator")
	if body := robin.text(t, "main table"); strings.Contains(body, "Command injection") {
		t.Fatal("a reporter sees another reporter's report")
	}
	robin.noErrors(t)

	coord.do(t, "open the queue", chromedp.Navigate(base+"/triage"))
	coord.clickRowLink(t, "Hard-coded support password")
	coord.expect(t, "#capacity", "handed over to the coordinator")
	coord.expect(t, "main", "I am travelling for a month.")
	coord.noErrors(t)
}

// clickRowLink follows the link of the first table row that shows text
// (the triage queue links a report by its tracking ID, beside its title).
func (p *page) clickRowLink(t *testing.T, text string) {
	t.Helper()
	ok, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(() => { const r = Array.from(document.querySelectorAll("main tr")).find(r => r.textContent.includes(`+
		strconvQuote(text)+`)); const a = r && r.querySelector("a"); if (!a) return false; a.click(); return true })()`))
	if err != nil || !ok {
		t.Fatalf("no row with %q and a link to click (%v)", text, err)
	}
}
