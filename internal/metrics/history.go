package metrics

import (
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/protocol"
)

// Event is a CS event of a history and when it was recorded.
type Event struct {
	Event protocol.CSEvent
	At    time.Time
}

// History is one vendor's CS history in one case: the vendor's V, F and D and
// the case's P, X and A, in recorded order. The order of Events is the order
// of the history; the times are carried, not compared.
type History struct {
	CaseID string
	Vendor string
	Events []Event
}

// CSEvents returns the events without their times.
func (h History) CSEvents() []protocol.CSEvent {
	es := make([]protocol.CSEvent, len(h.Events))
	for i, e := range h.Events {
		es[i] = e.Event
	}
	return es
}

// Score is a history's outcome on one desideratum.
type Score struct {
	Desideratum Desideratum
	Outcome     Outcome
}

// Assess judges h on every desideratum, in Desiderata order. h must replay in
// the CS model as a complete history or a prefix of one; otherwise the error
// wraps the *protocol.StepError that rejected it.
func Assess(h History) ([]Score, error) {
	events := h.CSEvents()
	if r := protocol.ValidateHistory(events); r.Verdict == protocol.HistoryInvalid {
		return nil, fmt.Errorf("case %q, vendor %q: step %d: %w", h.CaseID, h.Vendor, r.Step, r.Err)
	}
	ds := Desiderata()
	scores := make([]Score, len(ds))
	for i, d := range ds {
		scores[i] = Score{Desideratum: d, Outcome: d.Outcome(events)}
	}
	return scores, nil
}
