package reports_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/reports"
)

// stepLine writes a step as "key state date: text", dates as 2006-01-02.
func stepLine(s reports.Step) string {
	at := "-"
	if !s.At.IsZero() {
		at = s.At.Format("2006-01-02")
	}
	return fmt.Sprintf("%s %s %s: %s", s.Key, s.State, at, s.Text)
}

func TestTimeline(t *testing.T) {
	received := time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC) // a Wednesday: acknowledgement due Friday 8 May
	base := reports.ReporterView{TrackingID: "RPT-2026-000001", ReceivedAt: received, Status: reports.StatusNew, RM: protocol.RMReceived}
	ms := func(pairs ...string) []reports.Milestone {
		var out []reports.Milestone
		for i := 0; i < len(pairs); i += 2 {
			at, _ := time.Parse("2006-01-02", pairs[i+1])
			out = append(out, reports.Milestone{Action: pairs[i], At: at})
		}
		return out
	}
	ack := func(v reports.ReporterView, on string) reports.ReporterView {
		v.AcknowledgedAt, _ = time.Parse("2006-01-02", on)
		if v.Status == reports.StatusNew {
			v.Status = reports.StatusOpen
		}
		return v
	}
	with := func(v reports.ReporterView, f func(*reports.ReporterView)) reports.ReporterView { f(&v); return v }
	cert45 := reports.PublicationPolicy{Owner: "Demo CERT", Days: 45, CountsFrom: "first_contact"}
	day := func(s string) time.Time { t, _ := time.Parse("2006-01-02", s); return t }

	cases := []struct {
		name   string
		view   reports.ReporterView
		c      *reports.CaseFacts
		pol    reports.PublicationPolicy
		now    string
		want   []string // prefixes of each step's line, in order
		absent []string // words no line may hold
	}{
		{"just received", base, nil, cert45, "2026-05-07", []string{
			"received done 2026-05-06",
			"acknowledged expected 2026-05-08: We acknowledge reports within 2 business days.",
			"triage expected -: We check whether it is a vulnerability",
			"vendors expected -: Once the report is confirmed",
			"publication expected -: By default 45 days after the vendors are first contacted, under the disclosure policy of Demo CERT.",
		}, []string{"Closed"}},
		{"acknowledgement overdue", base, nil, reports.PublicationPolicy{}, "2026-05-11", []string{
			"received done", "acknowledged late 2026-05-08: We aimed to acknowledge it by 8 May 2026, and are late",
			"triage expected", "vendors expected", "publication expected -: The publication date is agreed with the vendors",
		}, nil},
		{"acknowledged late, waiting for an answer", with(ack(base, "2026-05-12"), func(v *reports.ReporterView) {
			v.Status, v.WaitingUntil = reports.StatusWaiting, day("2026-06-11")
		}), nil, cert45, "2026-05-13", []string{
			"received done", "acknowledged done 2026-05-12: A coordinator acknowledged your report. (Later than our target of 8 May 2026.)",
			"triage expected 2026-06-11: We asked you a question", "vendors expected", "publication expected",
		}, nil},
		{"validated, the reporter coordinates", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) {
			v.RM, v.Milestones, v.Capacity = protocol.RMValid, ms("report.validated", "2026-05-08"), reports.CapacityReporter
		}), nil, cert45, "2026-05-09", []string{
			"received done", "acknowledged done 2026-05-07: A coordinator acknowledged your report.",
			"triage done 2026-05-08: Confirmed as a vulnerability.",
			"vendors expected -: You coordinate with the vendors yourself",
			"publication expected -: By default 45 days",
		}, []string{"Later than"}},
		{"in a case, vendors contacted", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) {
			v.RM, v.Milestones = protocol.RMAccepted, ms("report.validated", "2026-05-08", "report.case_opened", "2026-05-09")
		}), &reports.CaseFacts{Key: "PAR-2026-0001", OpenedAt: day("2026-05-09"), VendorsNotifiedAt: day("2026-05-10")}, cert45, "2026-05-11", []string{
			"received done", "acknowledged done", "triage done 2026-05-08",
			"vendors done 2026-05-10: We contacted the vendors in case PAR-2026-0001.",
			"publication expected 2026-06-24: By default 45 days after the vendors are first contacted",
		}, nil},
		{"in a case, counted from its opening, vendors not yet contacted", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) {
			v.RM = protocol.RMAccepted
		}), &reports.CaseFacts{Key: "PAR-2026-0001", OpenedAt: day("2026-05-09")}, reports.PublicationPolicy{Days: 14, CountsFrom: "report"}, "2026-05-11", []string{
			"received done", "acknowledged done", "triage done -: Confirmed",
			"vendors expected -: Case PAR-2026-0001 was opened on 9 May 2026: we contact the vendors next.",
			"publication expected 2026-05-23: By default 14 days after the case is opened, under our disclosure policy.",
		}, nil},
		{"embargo in force", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) { v.RM = protocol.RMAccepted }),
			&reports.CaseFacts{Key: "PAR-2026-0001", OpenedAt: day("2026-05-09"), VendorsNotifiedAt: day("2026-05-10"), EmbargoEndsAt: day("2026-07-01")},
			cert45, "2026-05-11", []string{"received", "acknowledged", "triage", "vendors done",
				"publication expected 2026-07-01: The embargo agreed with the vendors ends then"}, nil},
		{"embargo ended", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) { v.RM = protocol.RMAccepted }),
			&reports.CaseFacts{Key: "PAR-2026-0001", OpenedAt: day("2026-05-09"), VendorsNotifiedAt: day("2026-05-10"), EmbargoEndsAt: day("2026-07-01")},
			cert45, "2026-07-02", []string{"received", "acknowledged", "triage", "vendors done", "publication late 2026-07-01: The embargo agreed"}, nil},
		{"public", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) { v.RM = protocol.RMAccepted }),
			&reports.CaseFacts{Key: "PAR-2026-0001", OpenedAt: day("2026-05-09"), VendorsNotifiedAt: day("2026-05-10"), Public: true},
			cert45, "2026-08-02", []string{"received", "acknowledged", "triage", "vendors done", "publication done -: The vulnerability is public."}, nil},
		{"invalid", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) {
			v.RM, v.Resolution, v.Milestones = protocol.RMInvalid, reports.ReasonOutOfScope, ms("report.invalidated", "2026-05-07")
		}), nil, cert45, "2026-05-08", []string{
			"received done", "acknowledged done", "triage done 2026-05-07: We did not treat it as a vulnerability. " + reports.ReasonOutOfScope.Text(),
			"vendors skipped", "publication skipped",
		}, nil},
		{"reconsidered: invalid, then valid", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) {
			v.RM, v.Milestones = protocol.RMValid, ms("report.invalidated", "2026-05-07", "report.validated", "2026-05-12")
		}), nil, cert45, "2026-05-13", []string{"received", "acknowledged", "triage done 2026-05-12: Confirmed", "vendors expected", "publication expected"}, nil},
		{"duplicate", with(ack(base, "2026-05-07"), func(v *reports.ReporterView) {
			v.RM, v.Duplicate, v.Milestones = protocol.RMDeferred, true, ms("report.validated", "2026-05-07", "report.marked_duplicate", "2026-05-07")
		}), nil, cert45, "2026-05-08", []string{"received", "acknowledged", "triage done 2026-05-07: Linked to an earlier report",
			"vendors skipped", "publication skipped"}, nil},
		{"closed unanswered before acknowledgement", with(base, func(v *reports.ReporterView) {
			v.RM, v.Status, v.Resolution, v.ClosedAt = protocol.RMClosed, reports.StatusClosed, reports.ReasonNoAnswer, day("2026-06-10")
		}), nil, cert45, "2026-06-11", []string{"received done", "acknowledged skipped", "triage skipped", "vendors skipped",
			"publication skipped", "closed done 2026-06-10: The report is closed. " + reports.ReasonNoAnswer.Text()}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			now, _ := time.Parse("2006-01-02", c.now)
			steps := reports.Timeline(reports.TimelineInput{View: c.view, AckDays: 2, Location: time.UTC, Case: c.c, Policy: c.pol, Now: now})
			var lines []string
			for _, s := range steps {
				lines = append(lines, stepLine(s))
			}
			if len(lines) != len(c.want) {
				t.Fatalf("%d steps, want %d:\n%s", len(lines), len(c.want), strings.Join(lines, "\n"))
			}
			for i, w := range c.want {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("step %d:\n got %s\nwant %s…", i, lines[i], w)
				}
				for _, a := range c.absent {
					if strings.Contains(lines[i], a) {
						t.Errorf("step %d holds %q: %s", i, a, lines[i])
					}
				}
			}
		})
	}
}

// TestTimelineFromService: the reporter's view carries the decisions the
// journal recorded, and the service fills in the acknowledgement target.
func TestTimelineFromService(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good())
	r := e.get(rc.ReportID)
	e.now = e.now.Add(time.Hour)
	r, err := e.svc.Acknowledge(e.ctx, e.staff, r.ID, r.Version, "")
	if err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(24 * time.Hour)
	if _, err := e.svc.Validate(e.ctx, e.staff, r.ID, reports.Decision{Version: r.Version}); err != nil {
		t.Fatal(err)
	}
	v, err := e.svc.ByFollowUp(e.ctx, rc.FollowUpSecret)
	if err != nil || len(v.Milestones) != 1 || v.Milestones[0].Action != "report.validated" || !v.Milestones[0].At.Equal(e.now) || v.CaseID != 0 {
		t.Fatalf("view: %+v, %v", v.Milestones, err)
	}
	steps := e.svc.TimelineOf(v, nil, reports.PublicationPolicy{Days: 45, CountsFrom: "first_contact"}, e.now)
	if got := stepLine(steps[1]); !strings.HasPrefix(got, "acknowledged done 2026-05-06") {
		t.Errorf("acknowledgement: %s", got)
	}
	if got := stepLine(steps[2]); !strings.HasPrefix(got, "triage done 2026-05-07: Confirmed") {
		t.Errorf("triage: %s", got)
	}
}
