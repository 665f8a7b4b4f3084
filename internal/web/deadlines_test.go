package web_test

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/web"
)

// newDeadlineSite is the pages with the deadlines, and the deadlines
// service.
func newDeadlineSite(t *testing.T) (*site, *deadlines.Service) {
	t.Helper()
	var dl *deadlines.Service
	s := newSiteWith(t, func(d *web.Deps) {
		dl = deadlines.NewService(d.DB, d.Now, deadlines.Config{BaseURL: "https://parley.test"})
		d.Deadlines = dl
	})
	return s, dl
}

// feedPath makes the browser's calendar feed and returns its path.
func (b *browser) feedPath(t *testing.T) string {
	t.Helper()
	made := b.post("/deadlines/calendar", nil)
	made.is(t, http.StatusCreated, "")
	m := regexp.MustCompile(`id="feed-url">https://parley\.test(/calendar/[A-Za-z0-9_-]+\.ics)<`).FindStringSubmatch(made.body)
	if m == nil {
		t.Fatalf("no feed address shown:\n%s", made.body)
	}
	return m[1]
}

// fetch reads a path without cookies, as a calendar app does.
func (s *site) fetch(t *testing.T, path string) (int, string, string) {
	t.Helper()
	res, err := http.Get(s.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header.Get("Content-Type"), string(body)
}

func TestDeadlinePages(t *testing.T) {
	s, _ := newDeadlineSite(t)
	coord, _ := s.admin()
	ctx := context.Background()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	bolt, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Bolt Systems", Kind: org.Vendor})
	c, err := s.cases.Create(ctx, root, cases.NewCase{Title: "Overflow in SecretRouter", CoordinatorOrgID: cert.ID})
	if err != nil {
		t.Fatal(err)
	}
	vendor := []cases.Role{cases.RoleVendor}
	parts, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: vendor}, {OrgID: bolt.ID, Roles: vendor}})
	if err != nil {
		t.Fatal(err)
	}
	var set []deadlines.Deadline
	err = s.db.Tx(ctx, func(tx *sql.Tx) (err error) {
		set, err = deadlines.SetMany(ctx, tx, s.now, []deadlines.Deadline{
			{CaseID: c.ID, ParticipantID: parts[0].ID, Kind: deadlines.VendorResponse, DueAt: s.now.Add(5 * 24 * time.Hour), Zone: "America/New_York"},
			{CaseID: c.ID, ParticipantID: parts[1].ID, Kind: deadlines.VendorResponse, DueAt: s.now.Add(-24 * time.Hour)},
			{CaseID: c.ID, Kind: deadlines.EmbargoEnd, DueAt: s.now.Add(30 * 24 * time.Hour)},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	acmeUser := s.member(acme, "lee@acme.example")
	mine := acmeUser.get("/deadlines")
	mine.has(t, `href="/deadlines" aria-current="page"`, "Nothing is overdue.", `href="/cases/`+c.Key+`"`, "vendor response",
		"Acme Routers", `<span class="tag">you</span>`, "embargo ends", "everyone in the case", "5 days left", "(America/New_York)")
	if strings.Contains(mine.body, "Bolt Systems") {
		t.Fatal("a vendor sees another vendor's deadline")
	}
	coord.get("/deadlines").has(t, "Bolt Systems", `<strong class="late">24 h overdue</strong>`, "Acme Routers", "embargo ends")

	// The vendor's feed: its own deadline and the case's, read without a cookie.
	feed := acmeUser.feedPath(t)
	if strings.Contains(acmeUser.get("/deadlines").body, feed) {
		t.Fatal("the feed's secret address is shown twice")
	}
	acmeUser.get("/deadlines").has(t, "You have a feed since")
	status, ctype, cal := s.fetch(t, feed)
	if status != http.StatusOK || !strings.HasPrefix(ctype, "text/calendar") {
		t.Fatalf("feed: %d %s\n%s", status, ctype, cal)
	}
	for _, want := range []string{"BEGIN:VCALENDAR\r\n", "SUMMARY:" + c.Key + ": vendor response", "SUMMARY:" + c.Key + ": embargo ends",
		"UID:deadline-" + itoa(set[0].ID) + "@parley.test", "TRIGGER:-P1D"} {
		if !strings.Contains(cal, want) {
			t.Errorf("the feed lacks %q:\n%s", want, cal)
		}
	}
	if strings.Contains(cal, "deadline-"+itoa(set[1].ID)+"@") || strings.Contains(cal, "SecretRouter") {
		t.Errorf("the vendor's feed holds another vendor's deadline or the case's title:\n%s", cal)
	}
	// The coordinator's feed has the case's dates, not every vendor's.
	_, _, coordCal := s.fetch(t, coord.feedPath(t))
	if !strings.Contains(coordCal, "embargo ends") || strings.Contains(coordCal, "vendor response") {
		t.Errorf("the coordinator's feed:\n%s", coordCal)
	}

	// A new address ends the old one.
	fresh := acmeUser.feedPath(t)
	if st, _, _ := s.fetch(t, feed); st != http.StatusNotFound {
		t.Fatalf("the rotated feed answers %d", st)
	}
	if st, _, _ := s.fetch(t, fresh); st != http.StatusOK {
		t.Fatalf("the new feed answers %d", st)
	}
	for _, bad := range []string{"/calendar/nonsense.ics", strings.TrimSuffix(fresh, ".ics"), strings.TrimSuffix(fresh, ".ics") + ".txt"} {
		if st, _, _ := s.fetch(t, bad); st != http.StatusNotFound {
			t.Errorf("%s answers %d", bad, st)
		}
	}
	s.browser().get("/deadlines").is(t, http.StatusSeeOther, "/login")
}
