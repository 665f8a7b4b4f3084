package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// The expected timeline of a report, as its reporter sees it: each step
// from receipt to publication, done (with its date) or expected (with the
// date it is due, when one is known). Timeline is a pure function of the
// reporter's view, the program's acknowledgement target, what the
// transport read of the report's case and the disclosure policy it falls
// under; reports does not import cases (see ARCHITECTURE.md), so the case's
// facts come in as CaseFacts.

// Milestone is a triage decision on a report, as its journal recorded it.
type Milestone struct {
	Action string // the journal action, e.g. "report.validated"
	At     time.Time
}

// The journal actions that are milestones of a report's timeline.
var milestoneActions = map[string]bool{"report.validated": true, "report.invalidated": true, "report.marked_duplicate": true,
	"report.accepted": true, "report.case_opened": true}

// milestones reads report id's triage decisions from its journal entries,
// oldest first.
func milestones(ctx context.Context, q store.Querier, id int64) ([]Milestone, error) {
	var out []Milestone
	f := journal.Filter{ObjectType: "report", ObjectID: strconv.FormatInt(id, 10), Limit: 1000}
	for range 20 { // a report has a few decisions among at most some thousands of messages
		list, err := journal.List(ctx, q, f)
		if err != nil {
			return nil, err
		}
		for _, e := range list {
			if milestoneActions[e.Action] {
				out = append(out, Milestone{Action: e.Action, At: e.At})
			}
			f.AfterSeq = e.Seq
		}
		if len(list) < f.Limit {
			break
		}
	}
	return out, nil
}

// viewExtras adds to a reporter's view what its timeline needs: the
// capacity chosen, the case the report is filed in and the milestones.
func viewExtras(ctx context.Context, q store.Querier, v *ReporterView) error {
	var caseID sql.NullInt64
	var capacity string
	var at sql.NullTime
	if err := q.QueryRowContext(ctx, `SELECT case_id, capacity, capacity_at FROM reports WHERE id = $1`, v.ID).Scan(&caseID, &capacity, &at); err != nil {
		return err
	}
	v.CaseID, v.Capacity, v.CapacityAt = caseID.Int64, Capacity(capacity), utc(at)
	var err error
	v.Milestones, err = milestones(ctx, q, v.ID)
	return err
}

// StepState is where a step of the timeline stands.
type StepState string

// The states of a step.
const (
	StepDone     StepState = "done"     // it happened, at Step.At when known
	StepExpected StepState = "expected" // not yet; due at Step.At when known
	StepLate     StepState = "late"     // not yet, and Step.At (when it was due) has passed
	StepSkipped  StepState = "skipped"  // it will not happen for this report
)

// Step is one step of a report's expected timeline.
type Step struct {
	Key   string // received, acknowledged, triage, vendors, publication, closed
	Title string
	State StepState
	At    time.Time // when it happened, or when it is due; zero when not known
	Text  string    // what it means, in plain words
}

// CaseFacts are what the timeline needs of the case a report is filed in.
type CaseFacts struct {
	Key      string
	OpenedAt time.Time
	// VendorsNotifiedAt is the first attempt to contact a vendor of the
	// case; zero when none was contacted yet.
	VendorsNotifiedAt time.Time
	// EmbargoEndsAt is the end of the embargo in force; zero when none is.
	EmbargoEndsAt time.Time
	// Public is set once the case is public (CS event P).
	Public bool
}

// PublicationPolicy is the disclosure policy the report's publication is
// expected under: its default embargo.
type PublicationPolicy struct {
	Owner      string // whose policy, e.g. "Demo CERT"; "" for the default one
	Days       int
	CountsFrom string // "first_contact", "report" (the case's opening) or "proposal"
}

// TimelineInput is what Timeline computes from.
type TimelineInput struct {
	View     ReporterView
	AckDays  int            // the acknowledgement target in business days
	Location *time.Location // whose weekends the target skips
	Case     *CaseFacts     // nil when the report is in no case
	Policy   PublicationPolicy
	Now      time.Time
}

// verdict is the coordinator's triage decision on a report.
type verdict int

const (
	undecided verdict = iota
	valid
	invalid
	duplicate
)

const day = "2 January 2006"

// Timeline is the expected timeline of a report, as its reporter sees it.
func Timeline(in TimelineInput) []Step {
	v := in.View
	vd, decidedAt := decision(v)
	steps := []Step{
		{Key: "received", Title: "Report received", State: StepDone, At: v.ReceivedAt,
			Text: "Your report reached the coordinators as " + v.TrackingID + "."},
		ackStep(in),
		triageStep(v, vd, decidedAt),
		vendorStep(in, vd),
		publicationStep(in, vd),
	}
	if v.RM == protocol.RMClosed {
		steps = append(steps, Step{Key: "closed", Title: "Closed", State: StepDone, At: v.ClosedAt,
			Text: "The report is closed. " + v.Resolution.Text()})
	}
	return steps
}

// decision is the coordinator's latest verdict and when it was taken.
func decision(v ReporterView) (verdict, time.Time) {
	var vd verdict
	var at time.Time
	for _, m := range v.Milestones {
		switch m.Action {
		case "report.validated":
			vd, at = valid, m.At
		case "report.invalidated":
			vd, at = invalid, m.At
		case "report.marked_duplicate":
			vd, at = duplicate, m.At
		}
	}
	switch { // the state rules where the journal says nothing
	case v.Duplicate:
		if vd != duplicate {
			at = time.Time{}
		}
		vd = duplicate
	case v.RM == protocol.RMValid || v.RM == protocol.RMAccepted || v.RM == protocol.RMDeferred:
		if vd != valid {
			vd, at = valid, time.Time{}
		}
	case v.RM == protocol.RMInvalid:
		if vd != invalid {
			vd, at = invalid, time.Time{}
		}
	case v.RM == protocol.RMReceived:
		vd, at = undecided, time.Time{}
	}
	return vd, at
}

func ackStep(in TimelineInput) Step {
	v := in.View
	due := AckDue(v.ReceivedAt, in.AckDays, in.Location)
	s := Step{Key: "acknowledged", Title: "Acknowledgement", At: due}
	switch {
	case !v.AcknowledgedAt.IsZero():
		s.State, s.At, s.Text = StepDone, v.AcknowledgedAt, "A coordinator acknowledged your report."
		if v.AcknowledgedAt.After(due) {
			s.Text += fmt.Sprintf(" (Later than our target of %s.)", due.Format(day))
		}
	case v.RM == protocol.RMClosed:
		s.State, s.At, s.Text = StepSkipped, time.Time{}, "The report was closed before it was acknowledged."
	case in.Now.After(due):
		s.State, s.Text = StepLate, fmt.Sprintf("We aimed to acknowledge it by %s, and are late: it is in our queue, and we are sorry for the wait.", due.Format(day))
	default:
		s.State, s.Text = StepExpected, fmt.Sprintf("We acknowledge reports within %d business days.", in.AckDays)
	}
	return s
}

func triageStep(v ReporterView, vd verdict, at time.Time) Step {
	s := Step{Key: "triage", Title: "Triage decision", At: at}
	switch vd {
	case valid:
		s.State, s.Text = StepDone, "Confirmed as a vulnerability."
	case invalid:
		s.State, s.Text = StepDone, "We did not treat it as a vulnerability."
		if v.RM == protocol.RMInvalid {
			s.Text += " " + v.Resolution.Text()
		}
	case duplicate:
		s.State, s.Text = StepDone, "Linked to an earlier report of the same issue, which is handled with it."
	default:
		switch {
		case v.RM == protocol.RMClosed:
			s.State, s.Text = StepSkipped, "The report was closed before a decision."
		case v.Status == StatusWaiting:
			s.State, s.At = StepExpected, v.WaitingUntil
			s.Text = "We asked you a question: we decide once you answer. Without an answer by this date the report is closed."
		default:
			s.State, s.Text = StepExpected, "We check whether it is a vulnerability, and whether and how to coordinate it."
		}
	}
	return s
}

func vendorStep(in TimelineInput, vd verdict) Step {
	v, c := in.View, in.Case
	s := Step{Key: "vendors", Title: "Vendors notified", State: StepExpected}
	yours := ""
	if v.Capacity == CapacityReporter {
		yours = " You coordinate with the vendors yourself, with our advice: tell us here what they answer."
	}
	switch {
	case c != nil && !c.VendorsNotifiedAt.IsZero():
		s.State, s.At = StepDone, c.VendorsNotifiedAt
		s.Text = "We contacted the vendors in case " + c.Key + "." + yours
	case c != nil:
		s.Text = "Case " + c.Key + " was opened on " + c.OpenedAt.Format(day) + ": we contact the vendors next." + yours
	case vd == invalid || vd == duplicate:
		s.State, s.Text = StepSkipped, "Not needed for this report."
	case v.RM == protocol.RMClosed:
		s.State, s.Text = StepSkipped, "The report was closed."
	case v.Capacity == CapacityReporter:
		s.Text = "You coordinate with the vendors yourself, with our advice: tell us here when you have contacted them."
	case vd == valid:
		s.Text = "We are preparing to contact the vendors."
	default:
		s.Text = "Once the report is confirmed, we contact the vendors (or help you do so)."
	}
	return s
}

func publicationStep(in TimelineInput, vd verdict) Step {
	v, c, pol := in.View, in.Case, in.Policy
	s := Step{Key: "publication", Title: "Publication", State: StepExpected}
	switch {
	case c != nil && c.Public:
		s.State, s.Text = StepDone, "The vulnerability is public."
		return s
	case c != nil && !c.EmbargoEndsAt.IsZero():
		s.At = c.EmbargoEndsAt
		s.Text = "The embargo agreed with the vendors ends then; details are published after it. Please publish nothing before."
		if in.Now.After(c.EmbargoEndsAt) {
			s.State, s.Text = StepLate, "The embargo agreed with the vendors has ended; the advisory is due."
		}
		return s
	case c == nil && (vd == invalid || vd == duplicate || v.RM == protocol.RMClosed):
		s.State, s.Text = StepSkipped, "Nothing is coordinated for this report."
		return s
	}
	owner := "our disclosure policy"
	if pol.Owner != "" {
		owner = "the disclosure policy of " + pol.Owner
	}
	var from time.Time
	var event string
	switch pol.CountsFrom {
	case "first_contact":
		event = "after the vendors are first contacted"
		if c != nil {
			from = c.VendorsNotifiedAt
		}
	case "report":
		event = "after the case is opened"
		if c != nil {
			from = c.OpenedAt
		}
	default:
		event = "after the embargo is proposed"
	}
	if pol.Days <= 0 {
		s.Text = "The publication date is agreed with the vendors; we tell you here."
		return s
	}
	if !from.IsZero() {
		s.At = from.UTC().Add(time.Duration(pol.Days) * 24 * time.Hour).Truncate(time.Minute)
	}
	s.Text = fmt.Sprintf("By default %d days %s, under %s. The date is agreed with the vendors and may move; we tell you here.",
		pol.Days, event, owner)
	return s
}

// TimelineOf is Timeline with the service's acknowledgement target.
func (s *Service) TimelineOf(v ReporterView, c *CaseFacts, pol PublicationPolicy, now time.Time) []Step {
	return Timeline(TimelineInput{View: v, AckDays: s.pol.AckBusinessDays, Location: s.pol.Location, Case: c, Policy: pol, Now: now})
}
