package reports

import (
	"context"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/ssvc"
)

// TriageTree is the SSVC decision model of a report's triage.
const TriageTree = "coordinator-triage"

// Assessment is an SSVC Coordinator Triage assessment of a report.
type Assessment struct {
	Outcome       string // "Decline", "Track" or "Coordinate"
	Selections    []ssvc.Selection
	SelectionList []byte // as stored: an SSVC selection list (JSON)
	Next          string // the suggested next step
	AssessedAt    time.Time
}

// NextStep suggests what to do after a Coordinator Triage outcome.
func NextStep(outcome string) string {
	switch outcome {
	case "Decline":
		return "Decline: we will not coordinate this. Close the report with a polite reason (or defer it if it may matter " +
			"later), and tell the reporter whom to contact instead."
	case "Track":
		return "Track: validate the report and keep it, watch for developments and advise the reporter, " +
			"but do not open a case yet."
	case "Coordinate":
		return "Coordinate: validate and accept the report, then open a case and contact the vendors."
	}
	return ""
}

// Assess evaluates the Coordinator Triage decision model with the values
// chosen (decision point name to value name or key, e.g. "Report Public":
// "No"), and stores the values and the outcome on the report.
func (s *Service) Assess(ctx context.Context, p auth.Principal, id int64, selections map[string]string) (Assessment, error) {
	if err := CanTriage(p); err != nil {
		return Assessment{}, err
	}
	tree, err := s.ssvc.Tree(TriageTree)
	if err != nil {
		return Assessment{}, err
	}
	ev, err := tree.Evaluate(selections)
	if err != nil {
		return Assessment{}, selectionError(err)
	}
	var a Assessment
	_, err = s.change(ctx, p, id, 0, func(c *change) error {
		list, err := ssvc.MarshalSelectionList(ssvc.Assessment{Evaluation: ev, TargetIDs: []string{c.r.TrackingID}, Timestamp: c.now})
		if err != nil {
			return err
		}
		a = Assessment{Outcome: ev.Outcome.Name, Selections: ev.Selections, SelectionList: list, Next: NextStep(ev.Outcome.Name), AssessedAt: c.now}
		c.r.SSVC, c.dirty = SSVC{Outcome: a.Outcome, SelectionList: list, AssessedAt: c.now}, true
		values := map[string]string{}
		for _, sel := range ev.Selections {
			values[sel.DecisionPoint.ID()] = sel.Value.Key
		}
		c.action, c.data["outcome"], c.data["values"] = "report.assessed", a.Outcome, values
		return nil
	})
	return a, err
}

// selectionError names the decision point at fault.
func selectionError(err error) error {
	var ie *ssvc.InputError
	if !errors.As(err, &ie) {
		return err
	}
	field := "selections"
	if ie.DecisionPoint != "" {
		field += "." + ie.DecisionPoint
	}
	return &errs.Error{Kind: errs.Invalid, Field: field, Message: ie.Error(), Err: err}
}
