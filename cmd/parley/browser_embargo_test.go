package main

import (
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserEmbargo negotiates the demo case's embargo in headless
// Chromium: the coordinator proposes, Acme accepts, Globex counter-proposes
// a later date, Acme accepts that, the coordinator puts it in force; then
// Acme proposes a revision that Globex and the coordinator accept.
func TestBrowserEmbargo(t *testing.T) {
	coord, acme, globex := newPage(t), newPage(t), newPage(t)
	base := startDemo(t)
	coord.signIn(t, base, "coordinator@cert.example.org")
	coord.do(t, "open the case", chromedp.Click(chromedp.CSS(`a[href^="/cases/PAR-"]`)))
	coord.expect(t, "main h1", "Out-of-bounds write")
	casePath, err := chromedp.Run(coord.ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	embargo := casePath + "/embargo"
	day := func(days int) string { return time.Now().AddDate(0, 0, days).Format("2006-01-02") }

	propose := func(p *page, who string, days int) {
		t.Helper()
		p.do(t, who+" proposes", chromedp.Navigate(embargo), fill(`form[action$="/embargo/propose"]`, map[string]string{
			"#ends_at": day(days) + "T17:00", "#zone": "Europe/Berlin"}))
		p.expect(t, ".flash", "Proposed: an embargo until "+day(days)+" 17:00 Europe/Berlin")
	}
	answer := func(p *page, who, button string) {
		t.Helper()
		p.do(t, who+" opens the embargo", chromedp.Navigate(embargo))
		p.expect(t, "#pending-h", "Waiting for answers")
		p.clickText(t, `form[action$="/embargo/answer"] button`, button)
		p.expect(t, ".flash", "You accepted the embargo terms")
	}

	propose(coord, "the coordinator", 30)
	acme.signIn(t, base, "psirt@acme.example.com")
	answer(acme, "Acme", "Accept the terms")
	globex.signIn(t, base, "security@globex.example.net")
	propose(globex, "Globex", 45)
	acme.do(t, "Acme sees the counter-proposal", chromedp.Navigate(embargo))
	acme.expect(t, "section[aria-labelledby=pending-h]", "Globex Firmware proposes an embargo until "+day(45))
	answer(acme, "Acme", "Accept the terms")
	coord.do(t, "the coordinator decides", chromedp.Navigate(embargo))
	coord.clickText(t, `form[action$="/embargo/decide"] button`, "Put in force now")
	coord.expect(t, ".flash", "The terms are in force")
	coord.expect(t, ".facts", day(45)+" 17:00 Europe/Berlin")

	// Acme asks for two more weeks; Globex and the coordinator agree.
	acme.do(t, "Acme reads the terms", chromedp.Navigate(embargo))
	acme.expect(t, "#propose-h", "Propose a revision")
	propose(acme, "Acme", 59)
	answer(globex, "Globex", "Accept the terms")
	answer(coord, "the coordinator", "Accept the terms")
	coord.do(t, "the terms in force", chromedp.Navigate(embargo))
	coord.expect(t, "#pending-h", "Waiting for answers") // the reporter has not answered
	coord.clickText(t, `form[action$="/embargo/decide"] button`, "Put in force now")
	coord.expect(t, ".facts", day(59)+" 17:00 Europe/Berlin")
	globex.do(t, "Globex sees the history", chromedp.Navigate(embargo))
	globex.expect(t, "section[aria-labelledby=history-h]", "superseded")
	globex.expect(t, ".facts", day(59))
	for _, p := range []*page{coord, acme, globex} {
		p.noErrors(t)
	}
}
