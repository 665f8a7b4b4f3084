package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserThread uses the demo's case in headless Chromium: the
// coordinator starts a thread with one vendor, the vendor answers, and
// the other vendor of the case finds no trace of it.
func TestBrowserThread(t *testing.T) {
	coord, acme, globex := newPage(t), newPage(t), newPage(t)
	base := startDemo(t)
	coord.signIn(t, base, "coordinator@cert.example.org")
	coord.do(t, "open the case", chromedp.Click(chromedp.CSS(`a[href^="/cases/PAR-"]`)))
	coord.expect(t, "main h1", "Out-of-bounds write")
	casePath, err := chromedp.Run(coord.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}
	coord.do(t, "the case's threads", chromedp.Navigate(base+casePath+"/threads"))
	coord.expect(t, "main h1", "Threads of PAR-")
	coord.clickText(t, "#start-thread label", "Acme Routers")
	coord.do(t, "start a thread", fill("#start-thread", map[string]string{
		"#start-title": "Patch timeline",
		"#start-body":  "When can **Acme Routers** ship the fixed firmware?",
	}))
	coord.expect(t, ".flash", "Thread started")
	coord.expect(t, "main h1", "Patch timeline")
	coord.expect(t, "#thread-audience", "Demo CERT, Acme Routers")
	threadPath, err := chromedp.Run(coord.ctx, chromedp.Evaluate[string](`location.pathname`))
	if err != nil {
		t.Fatal(err)
	}

	acme.signIn(t, base, "psirt@acme.example.com")
	acme.do(t, "the case's threads", chromedp.Navigate(base+casePath+"/threads"))
	acme.expect(t, "#threads", "Patch timeline")
	acme.do(t, "open the thread", chromedp.Click(chromedp.CSS(`#threads a[href*="/threads/"]`)))
	acme.expect(t, "#posts", "ship the fixed firmware")
	acme.do(t, "answer", fill("#post-form", map[string]string{"#post-body": "We can ship on the 20th."}))
	acme.expect(t, ".flash", "Posted")
	acme.expect(t, "#posts", "We can ship on the 20th.")

	globex.signIn(t, base, "security@globex.example.net")
	globex.do(t, "the case's threads", chromedp.Navigate(base+casePath+"/threads"))
	globex.expect(t, "main", "No threads that you take part in yet")
	if body := globex.text(t, "main"); strings.Contains(body, "Patch timeline") {
		t.Fatal("the other vendor sees the thread")
	}
	globex.do(t, "the thread's address", chromedp.Navigate(base+threadPath))
	globex.expect(t, "main h1", "Not Found")

	coord.do(t, "reload the thread", chromedp.Reload())
	coord.expect(t, "#posts", "We can ship on the 20th.")
	coord.noErrors(t)
	acme.noErrors(t)
}
