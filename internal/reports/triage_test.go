package reports_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
)

type action func(context.Context, auth.Principal, int64, reports.Decision) (reports.Report, error)

func (e *env) actionsByName() map[string]action {
	return map[string]action{
		"validate": e.svc.Validate, "invalidate": e.svc.Invalidate, "accept": e.svc.Accept,
		"defer": e.svc.Defer, "close": e.svc.Close,
	}
}

// reason picks a reason each action accepts.
func reasonFor(name string) reports.Reason {
	switch name {
	case "invalidate":
		return reports.ReasonNotReproducible
	case "defer":
		return reports.ReasonNoCapacity
	case "close":
		return reports.ReasonResolved
	}
	return ""
}

// drive takes a fresh report through the named steps.
func (e *env) drive(id int64, steps ...string) reports.Report {
	e.t.Helper()
	r := e.get(id)
	for _, s := range steps {
		var err error
		r, err = e.actionsByName()[s](e.ctx, e.staff, id, reports.Decision{Version: r.Version, Reason: reasonFor(s)})
		if err != nil {
			e.t.Fatalf("%s: %v", s, err)
		}
	}
	return r
}

// TestRMTransitions tries every action in every RM state a report can be
// in: the legal ones are exactly the coordinator's RM transitions.
func TestRMTransitions(t *testing.T) {
	e := setup(t, policy())
	paths := map[protocol.RMState][]string{
		protocol.RMReceived: nil,
		protocol.RMInvalid:  {"invalidate"},
		protocol.RMValid:    {"validate"},
		protocol.RMAccepted: {"validate", "accept"},
		protocol.RMDeferred: {"validate", "defer"},
		protocol.RMClosed:   {"invalidate", "close"},
	}
	events := map[string]protocol.RMEvent{"validate": protocol.RMValidate, "invalidate": protocol.RMInvalidate,
		"accept": protocol.RMAccept, "defer": protocol.RMDefer, "close": protocol.RMClose}
	for from, path := range paths {
		for name, act := range e.actionsByName() {
			id := e.submit(auth.Principal{}, good()).ReportID
			r := e.drive(id, path...)
			if r.RM != from {
				t.Fatalf("path %v led to %v", path, r.RM)
			}
			want, legal := from.Step(events[name])
			got, err := act(e.ctx, e.staff, id, reports.Decision{Version: r.Version, Reason: reasonFor(name)})
			switch {
			case legal == nil && (err != nil || got.RM != want || got.Version != r.Version+1):
				t.Errorf("%s from %v: %v, %v", name, from, got.RM, err)
			case legal != nil && !errs.Is(err, errs.Conflict):
				t.Errorf("%s from %v: got %v, want a conflict", name, from, err)
			case legal != nil && !strings.Contains(errs.Public(err), legal.(*protocol.StepError).Rule):
				t.Errorf("%s from %v: %q does not name the rule", name, from, errs.Public(err))
			}
		}
	}
}

func TestTransitionsAreJournaledAndAnnounced(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(e.reporter, good())
	r := e.drive(rc.ReportID, "validate", "accept", "defer", "close")
	if r.Status != reports.StatusClosed || r.ClosedAt.IsZero() || r.AcknowledgedAt.IsZero() || r.Outcome != reports.OutcomeValid ||
		r.Resolution != reports.ReasonResolved {
		t.Fatalf("closed report: %+v", r)
	}
	want := []string{"report.submitted", "report.validated", "report.accepted", "report.deferred", "report.closed"}
	if got := e.actions(); !slices.Equal(got, want) {
		t.Errorf("journal %v, want %v", got, want)
	}
	if got := e.jobKinds(); len(got) != 6 || got[2] != reports.JobNotice || got[5] != reports.JobNotice {
		t.Errorf("jobs %v", got)
	}
	v, err := e.svc.View(e.ctx, reports.ByAccount(e.reporter, rc.ReportID))
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Messages) != 4 || !strings.Contains(v.Messages[0].Body, "confirmed") || !strings.Contains(v.Messages[3].Body, "complete") {
		t.Errorf("reporter's messages: %+v", v.Messages)
	}
	if !strings.HasPrefix(v.StatusText, "Closed.") {
		t.Errorf("status text %q", v.StatusText)
	}
}

func TestDecisionsNeedReasonsAndVersions(t *testing.T) {
	e := setup(t, policy())
	r := e.get(e.submit(auth.Principal{}, good()).ReportID)
	cases := []struct {
		name  string
		act   action
		d     reports.Decision
		field string
	}{
		{"no version", e.svc.Validate, reports.Decision{}, "version"},
		{"invalidate without reason", e.svc.Invalidate, reports.Decision{Version: r.Version}, "reason"},
		{"invalidate with a reason that does not invalidate", e.svc.Invalidate, reports.Decision{Version: r.Version, Reason: reports.ReasonResolved}, "reason"},
		{"unknown reason", e.svc.Defer, reports.Decision{Version: r.Version, Reason: "bored"}, "reason"},
		{"other without words", e.svc.Close, reports.Decision{Version: r.Version, Reason: reports.ReasonOther}, "message"},
	}
	for _, c := range cases {
		if _, err := c.act(e.ctx, e.staff, r.ID, c.d); errs.FieldOf(err) != c.field {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	// Stale: someone else changed the report first.
	if _, err := e.svc.SetPriority(e.ctx, e.staff, r.ID, r.Version, reports.PriorityHigh); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Validate(e.ctx, e.staff, r.ID, reports.Decision{Version: r.Version}); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale version: %v", err)
	}
	if _, err := e.svc.Assign(e.ctx, e.staff, r.ID, r.Version, 0); !errs.Is(err, errs.Conflict) {
		t.Errorf("stale assign: %v", err)
	}
	// Not staff.
	if _, err := e.svc.Validate(e.ctx, e.other, r.ID, reports.Decision{Version: r.Version + 1}); !errs.Is(err, errs.NotFound) {
		t.Errorf("non-staff: %v", err)
	}
	if _, err := e.svc.Validate(e.ctx, e.staff, 999, reports.Decision{Version: 1}); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing report: %v", err)
	}
}

func TestAcknowledge(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good())
	r := e.get(rc.ReportID)
	r, err := e.svc.Acknowledge(e.ctx, e.staff, r.ID, r.Version, "We will look at it this week.")
	if err != nil || r.Status != reports.StatusOpen || !r.AcknowledgedAt.Equal(start) || r.RM != protocol.RMReceived {
		t.Fatalf("acknowledge: %+v, %v", r, err)
	}
	if _, err := e.svc.Acknowledge(e.ctx, e.staff, r.ID, r.Version, ""); !errs.Is(err, errs.Conflict) {
		t.Errorf("second acknowledgement: %v", err)
	}
	v, _ := e.svc.ByFollowUp(e.ctx, rc.FollowUpSecret)
	if len(v.Messages) != 1 || !strings.Contains(v.Messages[0].Body, rc.TrackingID) || !strings.Contains(v.Messages[0].Body, "this week") {
		t.Errorf("acknowledgement message: %+v", v.Messages)
	}
}

func TestAssignAndPriority(t *testing.T) {
	e := setup(t, policy())
	r := e.get(e.submit(auth.Principal{}, good()).ReportID)
	if _, err := e.svc.Assign(e.ctx, e.staff, r.ID, r.Version, e.other.UserID); errs.FieldOf(err) != "assignee" {
		t.Errorf("assign a non-staff user: %v", err)
	}
	if _, err := e.svc.Assign(e.ctx, e.staff, r.ID, r.Version, 4242); errs.FieldOf(err) != "assignee" {
		t.Errorf("assign nobody: %v", err)
	}
	r, err := e.svc.Assign(e.ctx, e.staff, r.ID, r.Version, e.admin.UserID)
	if err != nil || r.AssigneeID != e.admin.UserID {
		t.Fatalf("assign: %+v, %v", r, err)
	}
	if got := e.jobKinds(); got[len(got)-1] != reports.JobAssigned {
		t.Errorf("jobs: %v", got)
	}
	if _, err := e.svc.SetPriority(e.ctx, e.staff, r.ID, r.Version, "panic"); errs.FieldOf(err) != "priority" {
		t.Errorf("bad priority: %v", err)
	}
	if r, err = e.svc.SetPriority(e.ctx, e.staff, r.ID, r.Version, reports.PriorityUrgent); err != nil || r.Priority != reports.PriorityUrgent {
		t.Fatalf("priority: %+v %v", r, err)
	}
	if _, err := e.svc.Assign(e.ctx, e.reporter, r.ID, r.Version, e.staff.UserID); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter assigns: %v", err)
	}
}

func TestAskForInfoPausesAndExpires(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good())
	r := e.get(rc.ReportID)
	e.now = start.Add(time.Hour)
	r, err := e.svc.AskForInfo(e.ctx, e.staff, r.ID, r.Version, "Which firmware build exactly?")
	if err != nil || r.Status != reports.StatusWaiting || r.AcknowledgedAt.IsZero() {
		t.Fatalf("ask: %+v, %v", r, err)
	}
	e.now = start.Add(11 * time.Hour) // ten hours of waiting do not count
	if age := r.Age(e.now); age != time.Hour {
		t.Errorf("age while waiting: %v", age)
	}
	if _, err := e.svc.AddReporterMessage(e.ctx, reports.BySecret(rc.FollowUpSecret), "Build 2.1.1-r4."); err != nil {
		t.Fatal(err)
	}
	r = e.get(r.ID)
	if r.Status != reports.StatusOpen || r.Paused != 10*time.Hour || r.Age(start.Add(12*time.Hour)) != 2*time.Hour {
		t.Errorf("after the answer: status %s paused %v", r.Status, r.Paused)
	}
	// Asked again, and never answered: the report closes itself.
	if r, err = e.svc.AskForInfo(e.ctx, e.staff, r.ID, r.Version, "And the bootloader?"); err != nil {
		t.Fatal(err)
	}
	other := e.get(e.submit(auth.Principal{}, good()).ReportID) // not waiting: untouched
	if n, err := e.svc.ExpireWaiting(e.ctx, e.now.Add(29*24*time.Hour)); n != 0 || err != nil {
		t.Fatalf("expired early: %d, %v", n, err)
	}
	e.now = e.now.Add(30*24*time.Hour + time.Second)
	if n, err := e.svc.ExpireWaiting(e.ctx, e.now); n != 1 || err != nil {
		t.Fatalf("expire: %d, %v", n, err)
	}
	r = e.get(r.ID)
	if r.RM != protocol.RMClosed || r.Status != reports.StatusClosed || r.Resolution != reports.ReasonNoAnswer || r.Outcome != reports.OutcomeInvalid {
		t.Errorf("expired report: rm %v status %s resolution %s outcome %s", r.RM, r.Status, r.Resolution, r.Outcome)
	}
	if e.get(other.ID).Version != other.Version {
		t.Error("a report not waiting was touched")
	}
	if n, _ := e.svc.ExpireWaiting(e.ctx, e.now); n != 0 {
		t.Error("expired twice")
	}
	v, _ := e.svc.ByFollowUp(e.ctx, rc.FollowUpSecret)
	last := v.Messages[len(v.Messages)-1]
	if last.Author != reports.AuthorSystem || !strings.Contains(last.Body, "did not hear back") {
		t.Errorf("expiry notice: %+v", last)
	}
	if acts := e.actions(); acts[len(acts)-1] != "report.expired" {
		t.Errorf("journal: %v", acts)
	}
}

func TestExpiryOfValidatedReportDefersThenCloses(t *testing.T) {
	e := setup(t, policy())
	r := e.drive(e.submit(auth.Principal{}, good()).ReportID, "validate")
	if _, err := e.svc.AskForInfo(e.ctx, e.staff, r.ID, r.Version, "Can you share the crash log?"); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(31 * 24 * time.Hour)
	if n, err := e.svc.ExpireWaiting(e.ctx, e.now); n != 1 || err != nil {
		t.Fatalf("expire: %d %v", n, err)
	}
	if r = e.get(r.ID); r.RM != protocol.RMClosed || r.Outcome != reports.OutcomeValid {
		t.Errorf("rm %v outcome %s", r.RM, r.Outcome)
	}
}

func TestCloseMany(t *testing.T) {
	e := setup(t, policy())
	received := e.get(e.submit(auth.Principal{}, good()).ReportID)
	valid := e.drive(e.submit(auth.Principal{}, good()).ReportID, "validate")
	closed := e.drive(e.submit(auth.Principal{}, good()).ReportID, "invalidate", "close")
	stale := e.get(e.submit(auth.Principal{}, good()).ReportID)
	refs := []reports.Ref{{received.ID, received.Version}, {valid.ID, valid.Version}, {closed.ID, closed.Version},
		{stale.ID, stale.Version + 1}, {999, 1}}
	if _, err := e.svc.CloseMany(e.ctx, e.other, refs, reports.ReasonLowQuality, ""); !errs.Is(err, errs.Forbidden) {
		t.Errorf("non-staff: %v", err)
	}
	res, err := e.svc.CloseMany(e.ctx, e.staff, refs, reports.ReasonLowQuality, "")
	if err != nil {
		t.Fatal(err)
	}
	want := []errs.Kind{"", "", errs.Conflict, errs.Conflict, errs.NotFound}
	for i, r := range res {
		if (want[i] == "") != (r.Err == nil) || (r.Err != nil && !errs.Is(r.Err, want[i])) {
			t.Errorf("%d: %v, want %q", i, r.Err, want[i])
		}
	}
	if r := e.get(received.ID); r.RM != protocol.RMClosed || r.Outcome != reports.OutcomeInvalid {
		t.Errorf("received report: %v %s", r.RM, r.Outcome)
	}
	if r := e.get(valid.ID); r.RM != protocol.RMClosed || r.Outcome != reports.OutcomeValid {
		t.Errorf("valid report: %v %s", r.RM, r.Outcome)
	}
	// A reason that does not judge a report invalid cannot close one never validated.
	res, _ = e.svc.CloseMany(e.ctx, e.staff, []reports.Ref{{stale.ID, stale.Version}}, reports.ReasonResolved, "")
	if !errs.Is(res[0].Err, errs.Conflict) {
		t.Errorf("resolved from received: %v", res[0].Err)
	}
}

func TestAssess(t *testing.T) {
	e := setup(t, policy())
	r := e.get(e.submit(auth.Principal{}, good()).ReportID)
	sel := map[string]string{
		"Report Public": "No", "Supplier Contacted": "Yes", "Report Credibility": "Credible", "Supplier Cardinality": "Multiple",
		"Supplier Engagement": "Active", "Automatable": "Yes", "Value Density": "Concentrated", "Safety Impact": "Critical",
	}
	a, err := e.svc.Assess(e.ctx, e.staff, r.ID, sel)
	if err != nil {
		t.Fatal(err)
	}
	if a.Outcome != "Coordinate" || !strings.HasPrefix(a.Next, "Coordinate") || len(a.SelectionList) == 0 {
		t.Errorf("assessment: %s %q", a.Outcome, a.Next)
	}
	reg, _ := ssvc.New()
	if back, err := reg.ParseSelectionList(a.SelectionList); err != nil || back.Evaluation.Outcome.Name != "Coordinate" ||
		back.TargetIDs[0] != r.TrackingID {
		t.Errorf("stored selection list does not read back: %v", err)
	}
	got := e.get(r.ID)
	if got.SSVC.Outcome != a.Outcome || string(got.SSVC.SelectionList) != string(a.SelectionList) || got.Version != r.Version+1 {
		t.Errorf("stored: %+v", got.SSVC)
	}
	sel["Report Public"], sel["Supplier Contacted"], sel["Report Credibility"] = "Yes", "No", "Not Credible"
	sel["Safety Impact"], sel["Automatable"], sel["Value Density"] = "Negligible", "No", "Diffuse"
	tree, _ := reg.Tree(reports.TriageTree)
	ev, _ := tree.Evaluate(sel)
	if a, err = e.svc.Assess(e.ctx, e.staff, r.ID, sel); err != nil || a.Outcome != ev.Outcome.Name || reports.NextStep(a.Outcome) != a.Next {
		t.Errorf("second assessment: %s (want %s), %v", a.Outcome, ev.Outcome.Name, err)
	}
	if e.get(r.ID).SSVC.Outcome != ev.Outcome.Name {
		t.Error("second assessment not stored")
	}
	sel["Report Public"] = "Maybe"
	if _, err := e.svc.Assess(e.ctx, e.staff, r.ID, sel); errs.FieldOf(err) != "selections.Report Public" {
		t.Errorf("bad value: %v", err)
	}
	delete(sel, "Report Public")
	if _, err := e.svc.Assess(e.ctx, e.staff, r.ID, sel); !errs.Is(err, errs.Invalid) {
		t.Errorf("missing value: %v", err)
	}
	if _, err := e.svc.Assess(e.ctx, e.reporter, r.ID, sel); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter assesses: %v", err)
	}
}
