package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

// TestCaseFromReport opens a case from a report: refused while the report
// is only received (and nothing is created), then the case with the report
// filed in it and its reporter as a participant, who is told; a second
// case from the same report is refused.
func TestCaseFromReport(t *testing.T) {
	s := newSite(t)
	staff, _ := s.admin()
	ctx := context.Background()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	research, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Night Owl Research", Kind: org.Research})
	reporter := s.member(research, "robin@nightowl.example")
	tracking, link := submit(t, reporter, thin("Overflow in the login page"))
	refs := triageLink.FindAllStringSubmatch(staff.get("/triage").body, -1)
	if len(refs) != 1 {
		t.Fatalf("queue links: %v", refs)
	}
	report := "/triage/" + refs[0][1]

	staff.post(report+"/case", nil).is(t, http.StatusSeeOther, report)
	staff.get(report).has(t, "No case opened", "validate it before")
	if list, _ := s.cases.List(ctx, root, cases.Filter{}); len(list) != 0 {
		t.Fatalf("a refused case was created: %v", list)
	}
	page := staff.get(report)
	version := versionIn(t, page.body)
	staff.post(report+"/validate", url.Values{"version": {version}}).is(t, http.StatusSeeOther, report)

	opened := staff.post(report+"/case", nil)
	opened.is(t, http.StatusSeeOther, "/cases/PAR-")
	casePage := staff.get(opened.location)
	casePage.has(t, "Overflow in the login page", "robin@nightowl.example", "reporter")
	staff.get(report).has(t, "Coordinated in case", `id="rm-state">Accepted<`)
	if follow := reporter.get(link); !strings.Contains(follow.body, strings.TrimPrefix(opened.location, "/cases/")) {
		t.Fatalf("the reporter of %s is not told about the case:\n%s", tracking, follow.body)
	}
	reporter.get(opened.location).has(t, "Overflow in the login page") // the reporter takes part
	staff.post(report+"/case", nil).is(t, http.StatusSeeOther, report)
	staff.get(report).has(t, "part of a case already")
}

var versionField = regexp.MustCompile(`name="version" value="(\d+)"`)

// versionIn reads the report's version from a triage page.
func versionIn(t *testing.T, body string) string {
	t.Helper()
	m := versionField.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no version on the page")
	}
	return m[1]
}

// TestReportToExistingCase files a second finder's report in a case that
// is coordinated already: accepted, its reporter joins, and a report filed
// once cannot be filed again.
func TestReportToExistingCase(t *testing.T) {
	s := newSite(t)
	staff, _ := s.admin()
	ctx := context.Background()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	research, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Night Owl Research", Kind: org.Research})
	reporter := s.member(research, "robin@nightowl.example")
	submit(t, reporter, thin("The same overflow, found again"))
	report := "/triage/" + triageLink.FindAllStringSubmatch(staff.get("/triage").body, -1)[0][1]
	opened := staff.post("/cases/new", url.Values{"title": {"Overflow in the login page"}})
	key := strings.TrimPrefix(opened.location, "/cases/")
	staff.post(report+"/attach", url.Values{"case": {"PAR-1999-0001"}}).is(t, http.StatusSeeOther, report)
	staff.get(report).has(t, "Not filed", "no such case")
	staff.post(report+"/attach", url.Values{"case": {key}}).is(t, http.StatusSeeOther, report)
	staff.get(report).has(t, "Not filed", "validate it before")
	staff.post(report+"/validate", url.Values{"version": {versionIn(t, staff.get(report).body)}}).is(t, http.StatusSeeOther, report)
	staff.post(report+"/attach", url.Values{"case": {strings.ToLower(key)}}).is(t, http.StatusSeeOther, opened.location)
	staff.get(opened.location).has(t, "robin@nightowl.example", "reporter")
	staff.get(report).has(t, "Coordinated in case", key)
	staff.post(report+"/attach", url.Values{"case": {key}}).is(t, http.StatusSeeOther, report)
	staff.get(report).has(t, "part of a case already")
}
