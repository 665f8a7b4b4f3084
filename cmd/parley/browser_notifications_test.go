package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestBrowserNotifications follows Acme's admin, told of the demo case
// when the coordinator brought Acme in, in headless Chromium: the unread
// badge, the list, marking the notice read (the badge goes), a daily
// digest chosen in the settings, and the demo case muted on its page,
// listed among the muted cases and unmuted there.
func TestBrowserNotifications(t *testing.T) {
	base := startDemo(t)
	acme := newPage(t)
	acme.signIn(t, base, "psirt@acme.example.com")
	badge := `nav a[href="/notifications"]`
	acme.expect(t, badge, "1 unread")

	acme.do(t, "open the notifications", chromedp.Click(chromedp.CSS(badge)))
	acme.expect(t, "main h1", "Notifications")
	acme.expect(t, "main table tr.unread", "a vulnerability report may concern Acme Routers")
	acme.expect(t, "main table tr.unread", "PAR-2026-0001")
	acme.do(t, "mark it read", chromedp.Click(chromedp.CSS(`main table tr.unread form button`)))
	acme.expectGone(t, "main table tr.unread")
	if got := acme.text(t, badge); strings.Contains(got, "unread") {
		t.Errorf("the badge still shows %q", got)
	}
	acme.do(t, "show the unread ones", chromedp.Navigate(base+"/notifications?unread=on"))
	acme.expect(t, "main", "No unread notifications.")

	acme.clickText(t, "main a", "Choose how you are told")
	acme.expect(t, "main h1", "How you are told")
	acme.do(t, "choose a digest at 08:00", chromedp.Click(chromedp.CSS("#mail-digest")),
		chromedp.SetValue(chromedp.CSS("#digest-hour"), "8"), chromedp.Click(chromedp.CSS(`form[action="/notifications/settings"] button`)))
	acme.expect(t, "#mail-h + form", "Next digest")
	checked, err := chromedp.Run(acme.ctx, chromedp.Evaluate[bool](`document.querySelector("#mail-digest").checked && document.querySelector("#digest-hour").value === "8"`))
	if err != nil || !checked {
		t.Errorf("the digest at 08:00 is not shown as chosen (%v)", err)
	}

	acme.do(t, "open the case", chromedp.Navigate(base+"/cases/PAR-2026-0001"))
	acme.do(t, "mute it", chromedp.Click(chromedp.CSS(`form[action$="/mute"] button`)))
	acme.expect(t, "main", "Muted: its notices are listed as read")
	acme.do(t, "open the settings", chromedp.Navigate(base+"/notifications/settings"))
	acme.expect(t, "#mutes-h + p + ul", "PAR-2026-0001")
	acme.do(t, "unmute it", chromedp.Click(chromedp.CSS(`form[action="/notifications/mutes/PAR-2026-0001/remove"] button`)))
	acme.expect(t, "main", "No muted cases.")
	acme.noErrors(t)
}

// expectGone waits until nothing matches sel.
func (p *page) expectGone(t *testing.T, sel string) {
	t.Helper()
	for range 300 {
		n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll(`+strconvQuote(sel)+`).length`))
		if err == nil && n == 0 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s is still on the page", sel)
}
