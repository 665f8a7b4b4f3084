package protocol

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Machine names one of the state machines of the model.
type Machine string

// The machines of the model. General is the home of the messages that belong
// to no machine (GI, GK, GE).
const (
	RM      Machine = "RM"      // Report Management, one per participant
	EM      Machine = "EM"      // Embargo Management, one per case
	CS      Machine = "CS"      // Case State: vfd per vendor, pxa per case
	Consent Machine = "consent" // embargo consent, one per participant
	General Machine = "general" // messages outside the three process models
)

// Transition is one edge of a machine: Event moves it from From to To.
type Transition[S, E any] struct {
	From  S
	Event E
	To    S
}

// StepError is an illegal step: Event is not allowed in State of Machine,
// because of Rule (plain English, naming the rule). It is a conflict with the
// current state, not a malformed request.
type StepError struct {
	Machine Machine
	State   string
	Event   string
	Rule    string
}

func (e *StepError) Error() string {
	return fmt.Sprintf("%s: %s not allowed in state %s: %s", e.Machine, e.Event, e.State, e.Rule)
}

// explore walks the state space breadth-first from starts, trying every event
// in every reached state with step, and returns the reached states in
// discovery order and the legal transitions ordered by source state (in
// discovery order) and then by event (in the order of events).
func explore[S comparable, E any](starts []S, events []E, step func(S, E) (S, error)) ([]S, []Transition[S, E]) {
	seen := make(map[S]bool)
	var states []S
	for _, s := range starts {
		if !seen[s] {
			seen[s] = true
			states = append(states, s)
		}
	}
	var ts []Transition[S, E]
	for i := 0; i < len(states); i++ {
		from := states[i]
		for _, e := range events {
			to, err := step(from, e)
			if err != nil {
				continue
			}
			ts = append(ts, Transition[S, E]{From: from, Event: e, To: to})
			if !seen[to] {
				seen[to] = true
				states = append(states, to)
			}
		}
	}
	return states, ts
}

// ordered sorts the result of explore by the natural order of the state and
// event values, for machines whose constants are declared in reading order.
func ordered[S, E cmp.Ordered](states []S, ts []Transition[S, E]) ([]S, []Transition[S, E]) {
	slices.Sort(states)
	slices.SortFunc(ts, func(a, b Transition[S, E]) int {
		if c := cmp.Compare(a.From, b.From); c != 0 {
			return c
		}
		return cmp.Compare(a.Event, b.Event)
	})
	return states, ts
}

// letter returns the i-th byte of set as a string, or a Go-syntax fallback for
// a value outside the set.
func letter(set string, i int, typ string) string {
	if i >= 0 && i < len(set) {
		return set[i : i+1]
	}
	return fmt.Sprintf("%s(%d)", typ, i)
}

// parseLetter finds s in set, a string of one-letter names.
func parseLetter(set, s, what string) (int, error) {
	if len(s) == 1 {
		if i := strings.IndexByte(set, s[0]); i >= 0 {
			return i, nil
		}
	}
	return 0, fmt.Errorf("unknown %s %q (want one of %s)", what, s, strings.Join(strings.Split(set, ""), " "))
}
