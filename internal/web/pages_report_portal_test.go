package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

var myReportLink = regexp.MustCompile(`href="/reports/(\d+)"`)

// TestReporterPortal: a reporter with an account and an anonymous one
// follow their reports: the expected timeline (acknowledgement due, then
// late; the triage decision; the vendors notified in the case; the
// planned publication), the case, and the choice of who follows up with
// the vendors, which the coordinators see.
func TestReporterPortal(t *testing.T) {
	s := newSite(t)
	staff, _ := s.admin()
	ctx := context.Background()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	research, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Night Owl Research", Kind: org.Research})
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	reporter := s.member(research, "robin@nightowl.example")
	anon := s.browser()

	// Submitted on Monday 23 November 2026, 10:00 UTC: acknowledgement due
	// Wednesday 25 November.
	submit(t, reporter, thin("Overflow in the login page"))
	mine := reporter.get("/reports/mine")
	mine.has(t, "Overflow in the login page", "received, not yet acknowledged", "not chosen")
	m := myReportLink.FindStringSubmatch(mine.body)
	if m == nil {
		t.Fatalf("no report link:\n%s", mine.body)
	}
	mineURL := "/reports/" + m[1]
	page := reporter.get(mineURL)
	page.has(t, "Expected timeline", "Acknowledgement</strong>: expected · <time", "2026-11-25 10:00 UTC",
		"Who follows up with the vendors?", `action="`+mineURL+`/capacity"`, "not chosen yet")

	// The choice: refused without one, then recorded; the coordinators see it.
	bad := reporter.post(mineURL+"/capacity", url.Values{"capacity": {"vendor"}})
	bad.is(t, http.StatusUnprocessableEntity, "")
	bad.has(t, `id="capacity-err"`)
	reporter.post(mineURL+"/capacity", url.Values{"capacity": {"coordinator"}, "note": {"I am travelling for a month."}}).
		is(t, http.StatusSeeOther, mineURL)
	reporter.get(mineURL).has(t, "handed over to the coordinator (chosen 2026-11-23", "I am travelling for a month.",
		`id="capacity-coordinator" name="capacity" value="coordinator" checked`)
	reporter.get("/reports/mine").has(t, "handed over to the coordinator")
	triage := "/triage/" + m[1]
	staff.get(triage).has(t, `id="capacity">handed over to the coordinator (chosen by the reporter`)

	// The anonymous reporter chooses by the follow-up secret.
	_, link := submit(t, anon, thin("XSS in the status page"))
	secret := strings.TrimPrefix(link, "/report/follow-up?secret=")
	anon.get(link).has(t, `action="/report/follow-up/capacity"`, `name="secret" value="`+secret+`"`)
	anon.post("/report/follow-up/capacity", url.Values{"secret": {secret + "x"}, "capacity": {"reporter"}}).is(t, http.StatusNotFound, "")
	anon.post("/report/follow-up/capacity", url.Values{"secret": {secret}, "capacity": {"reporter"}}).is(t, http.StatusSeeOther, "/report/follow-up?secret=")
	anon.get(link).has(t, "the reporter, with the coordinator&#39;s advice", "You coordinate with the vendors yourself")

	// The coordinator validates the signed-in reporter's report, opens a
	// case from it and notifies Acme: the reporter's pages follow.
	version := versionIn(t, staff.get(triage).body)
	staff.post(triage+"/validate", url.Values{"version": {version}}).is(t, http.StatusSeeOther, triage)
	reporter.get(mineURL).has(t, "Acknowledgement</strong>: done", "Triage decision</strong>: done", "Confirmed as a vulnerability")
	opened := staff.post(triage+"/case", nil)
	opened.is(t, http.StatusSeeOther, "/cases/PAR-")
	key := strings.TrimPrefix(opened.location, "/cases/")
	c, err := s.cases.GetByKey(ctx, root, key)
	if err != nil {
		t.Fatal(err)
	}
	page = reporter.get(mineURL)
	page.has(t, `<a href="/cases/`+key+`">`+key+`</a>`, "Case "+key+" was opened on 23 November 2026: we contact the vendors next.")
	parts, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.cases.MarkNotified(ctx, c.ID, parts[0].ID, s.now, "email"); err != nil {
		t.Fatal(err)
	}
	page = reporter.get(mineURL)
	page.has(t, "Vendors notified</strong>: done", "We contacted the vendors in case "+key,
		"Publication</strong>: expected · <time datetime=\"2027-01-07", "By default 45 days after the vendors are first contacted")
	if strings.Contains(page.body, "Acme Routers") {
		t.Fatal("the reporter's page names a vendor of the case")
	}
	reporter.get("/reports/mine").has(t, `<a href="/cases/`+key+`">`+key+`</a>`, "being coordinated")

	// Three days later the anonymous report is overdue.
	s.now = s.now.Add(72 * time.Hour)
	anon.get(link).has(t, "Acknowledgement</strong>: overdue", "and are late")
}
