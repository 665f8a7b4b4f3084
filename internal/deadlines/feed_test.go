package deadlines_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
)

func TestFeedSecrets(t *testing.T) {
	f := newFixture(t)
	users := auth.NewService(f.db, func() time.Time { return f.now }, auth.DefaultConfig())
	u, err := users.CreateAdmin(ctx, auth.NewUser{Email: "lee@cert.example", Name: "Lee", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Principal{UserID: u.ID, Email: u.Email}
	if since, err := f.svc.FeedSince(ctx, p); err != nil || !since.IsZero() {
		t.Fatalf("before any feed: %v %v", since, err)
	}
	if _, err := f.svc.RotateFeed(ctx, auth.Principal{}); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("anonymous: %v", err)
	}
	ro := p
	ro.Scope = auth.ScopeRead
	if _, err := f.svc.RotateFeed(ctx, ro); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("read-only token: %v", err)
	}
	first, err := f.svc.RotateFeed(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if owner, err := f.svc.FeedOwner(ctx, first); err != nil || owner != u.ID {
		t.Fatalf("owner of the first secret: %d %v", owner, err)
	}
	if url := f.svc.FeedURL(first); url != "https://parley.test/calendar/"+first+".ics" {
		t.Errorf("feed URL %s", url)
	}
	f.now = f.now.Add(time.Hour)
	second, err := f.svc.RotateFeed(ctx, p)
	if err != nil || second == first {
		t.Fatalf("rotate: %v (same secret: %v)", err, second == first)
	}
	if _, err := f.svc.FeedOwner(ctx, first); !errs.Is(err, errs.NotFound) {
		t.Fatalf("a rotated secret still works: %v", err)
	}
	for _, bad := range []string{"", "short", strings.Repeat("a", 43)} {
		if _, err := f.svc.FeedOwner(ctx, bad); !errs.Is(err, errs.NotFound) {
			t.Errorf("secret %q: %v", bad, err)
		}
	}
	if since, _ := f.svc.FeedSince(ctx, p); !since.Equal(f.now) {
		t.Errorf("feed since %v, want %v", since, f.now)
	}
	var leaked int
	if err := f.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM journal WHERE data LIKE $1 OR data LIKE $2`,
		"%"+first+"%", "%"+second+"%").Scan(&leaked); err != nil || leaked != 0 || f.journal("deadline.feed_rotated") != 2 {
		t.Fatalf("journal: %d entries hold a secret, %d rotations (%v)", leaked, f.journal("deadline.feed_rotated"), err)
	}
}

func TestCalendar(t *testing.T) {
	f := newFixture(t)
	c := f.newCase("PAR-2026-0042")
	due := time.Date(2026, 6, 30, 15, 0, 0, 0, time.UTC)
	embargo := f.set(deadlines.Deadline{CaseID: c, Kind: deadlines.EmbargoEnd, DueAt: due, Zone: "Europe/Berlin"})
	review := f.set(deadlines.Deadline{CaseID: c, ParticipantID: 4, Kind: deadlines.DraftReview, DueAt: due.Add(-7 * day),
		Title: "Review the draft, comma; semicolon"})
	var b bytes.Buffer
	items := []deadlines.FeedItem{{Deadline: embargo, CaseKey: "PAR-2026-0042"}, {Deadline: review, CaseKey: "PAR-2026-0042"}}
	if err := f.svc.Calendar(&b, "Parley deadlines", items, f.now); err != nil {
		t.Fatal(err)
	}
	raw := b.String()
	if !strings.HasPrefix(raw, "BEGIN:VCALENDAR\r\n") || strings.Contains(strings.ReplaceAll(raw, "\r\n", ""), "\n") {
		t.Fatalf("lines must end in CRLF:\n%q", raw)
	}
	if strings.Contains(raw, "Case PAR-2026-0042") {
		t.Error("the calendar carries the case's title")
	}
	cal, err := ics.ParseCalendar(strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	events := cal.Events()
	if len(events) != 2 {
		t.Fatalf("%d events:\n%s", len(events), raw)
	}
	e := events[0]
	start, err := e.GetStartAt()
	if err != nil || !start.Equal(due) {
		t.Errorf("start %v %v", start, err)
	}
	checks := map[ics.ComponentProperty]string{
		ics.ComponentPropertyUniqueId: "deadline-" + itoa(embargo.ID) + "@parley.test",
		ics.ComponentPropertySummary:  "PAR-2026-0042: embargo ends",
		ics.ComponentPropertyUrl:      "https://parley.test/cases/PAR-2026-0042",
	}
	for prop, want := range checks {
		if got := e.GetProperty(prop); got == nil || got.Value != want {
			t.Errorf("%s = %v, want %q", prop, got, want)
		}
	}
	if d := e.GetProperty(ics.ComponentPropertyDescription); d == nil || !strings.Contains(d.Value, "2026-06-30 17:00 CEST (Europe/Berlin)") {
		t.Errorf("description %v", d)
	}
	alarms := e.Alarms()
	if len(alarms) != 1 || alarms[0].GetProperty(ics.ComponentPropertyTrigger).Value != "-P1D" {
		t.Errorf("alarms %+v", alarms)
	}
	if s := events[1].GetProperty(ics.ComponentPropertySummary); s == nil || s.Value != "PAR-2026-0042: Review the draft, comma; semicolon" {
		t.Errorf("escaped summary read back as %v", s)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
