package reports_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

func TestCapacity(t *testing.T) {
	e := setup(t, policy())
	mine := e.submit(e.reporter, good())
	anon := e.submit(auth.Principal{}, good())
	jobs, entries := len(e.jobKinds()), len(e.actions())

	// Refusals write nothing.
	refused := []struct {
		name string
		who  reports.Reporter
		c    reports.Capacity
		note string
		kind errs.Kind
		fld  string
	}{
		{"unknown choice", reports.ByAccount(e.reporter, mine.ReportID), "vendor", "", errs.Invalid, "capacity"},
		{"no choice", reports.ByAccount(e.reporter, mine.ReportID), "", "", errs.Invalid, "capacity"},
		{"control characters", reports.ByAccount(e.reporter, mine.ReportID), reports.CapacityReporter, "a\x00b", errs.Invalid, "note"},
		{"someone else", reports.ByAccount(e.other, mine.ReportID), reports.CapacityCoordinator, "", errs.NotFound, ""},
		{"staff are not the reporter", reports.ByAccount(e.staff, mine.ReportID), reports.CapacityCoordinator, "", errs.NotFound, ""},
		{"read-only token", reports.ByAccount(auth.Principal{UserID: e.reporter.UserID, Scope: auth.ScopeRead}, mine.ReportID),
			reports.CapacityCoordinator, "", errs.Forbidden, ""},
		{"wrong secret", reports.BySecret(anon.FollowUpSecret + "x"), reports.CapacityCoordinator, "", errs.NotFound, ""},
	}
	for _, c := range refused {
		_, err := e.svc.SetCapacity(e.ctx, c.who, c.c, c.note)
		if !errs.Is(err, c.kind) || errs.FieldOf(err) != c.fld {
			t.Errorf("%s: %v, want %s on %q", c.name, err, c.kind, c.fld)
		}
	}
	if len(e.jobKinds()) != jobs || len(e.actions()) != entries {
		t.Fatal("a refused choice wrote something")
	}

	if got, err := e.svc.CapacityOf(e.ctx, e.staff, mine.ReportID); err != nil || got.Capacity != reports.CapacityUnset || !got.ChosenAt.IsZero() {
		t.Fatalf("before choosing: %+v, %v", got, err)
	}
	e.now = e.now.Add(time.Hour)
	got, err := e.svc.SetCapacity(e.ctx, reports.ByAccount(e.reporter, mine.ReportID), reports.CapacityCoordinator, "I have no time for this.")
	if err != nil || got.Capacity != reports.CapacityCoordinator || !got.ChosenAt.Equal(e.now) || got.TrackingID != mine.TrackingID {
		t.Fatalf("hand over: %+v, %v", got, err)
	}
	if k := e.jobKinds(); k[len(k)-1] != reports.JobReporterMessage {
		t.Errorf("staff not told: %v", k)
	}
	if a := e.actions(); a[len(a)-1] != "report.capacity" {
		t.Errorf("journal: %v", a)
	}
	v, err := e.svc.View(e.ctx, reports.ByAccount(e.reporter, mine.ReportID))
	if err != nil || v.Capacity != reports.CapacityCoordinator || !v.CapacityAt.Equal(e.now) {
		t.Fatalf("reporter's view: %+v, %v", v, err)
	}
	last := v.Messages[len(v.Messages)-1]
	if last.Author != reports.AuthorReporter || !strings.Contains(last.Body, "over to the coordinator") || !strings.Contains(last.Body, "no time") {
		t.Errorf("the choice in the conversation: %+v", last)
	}
	for _, p := range []auth.Principal{e.staff, e.reporter} {
		if got, err := e.svc.CapacityOf(e.ctx, p, mine.ReportID); err != nil || got.Capacity != reports.CapacityCoordinator {
			t.Errorf("capacity for %s: %+v, %v", p.Email, got, err)
		}
	}
	if _, err := e.svc.CapacityOf(e.ctx, e.other, mine.ReportID); !errs.Is(err, errs.NotFound) {
		t.Errorf("capacity for someone else: %v", err)
	}
	list, err := e.svc.Mine(e.ctx, e.reporter, store.Page{})
	if err != nil || len(list) != 1 || list[0].Capacity != reports.CapacityCoordinator || list[0].CaseID != 0 {
		t.Fatalf("my reports: %+v, %v", list, err)
	}

	// The same choice again records nothing.
	jobs, entries = len(e.jobKinds()), len(e.actions())
	e.now = e.now.Add(time.Hour)
	again, err := e.svc.SetCapacity(e.ctx, reports.ByAccount(e.reporter, mine.ReportID), reports.CapacityCoordinator, "")
	if err != nil || !again.ChosenAt.Equal(got.ChosenAt) || len(e.jobKinds()) != jobs || len(e.actions()) != entries {
		t.Fatalf("the same choice again: %+v, %v", again, err)
	}

	// The anonymous reporter chooses by the follow-up secret.
	a, err := e.svc.SetCapacity(e.ctx, reports.BySecret(anon.FollowUpSecret), reports.CapacityReporter, "")
	if err != nil || a.ReportID != anon.ReportID || a.Capacity != reports.CapacityReporter {
		t.Fatalf("by secret: %+v, %v", a, err)
	}
	if v, _ := e.svc.ByFollowUp(e.ctx, anon.FollowUpSecret); v.Capacity != reports.CapacityReporter {
		t.Errorf("follow-up view: %+v", v.Capacity)
	}

	// A closed report refuses.
	r := e.get(anon.ReportID)
	r, err = e.svc.Invalidate(e.ctx, e.staff, r.ID, reports.Decision{Version: r.Version, Reason: reports.ReasonOutOfScope})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Close(e.ctx, e.staff, r.ID, reports.Decision{Version: r.Version, Reason: reports.ReasonOutOfScope}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.SetCapacity(e.ctx, reports.BySecret(anon.FollowUpSecret), reports.CapacityCoordinator, ""); !errs.Is(err, errs.Conflict) {
		t.Fatalf("closed report: %v", err)
	}
	if !slices.Contains(e.actions(), "report.closed") {
		t.Fatal("not closed")
	}
}
