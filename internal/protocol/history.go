package protocol

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Verdict is the result of replaying a CS history.
type Verdict uint8

// The verdicts of ValidateHistory.
const (
	HistoryInvalid     Verdict = iota // some event breaks a rule
	HistoryValidPrefix                // every event is allowed, but not all six have happened
	HistoryValid                      // a complete history: all six events, each allowed
)

// String returns "invalid", "valid prefix" or "valid".
func (v Verdict) String() string {
	switch v {
	case HistoryInvalid:
		return "invalid"
	case HistoryValidPrefix:
		return "valid prefix"
	case HistoryValid:
		return "valid"
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// HistoryResult is the outcome of replaying a CS history from vfdpxa.
type HistoryResult struct {
	Verdict Verdict
	State   CSState    // the state reached; for an invalid history, the state before the rejected event
	Step    int        // for an invalid history, the 1-based position of the rejected event
	Err     *StepError // for an invalid history, the rule that rejected it
}

// String returns "valid", "valid prefix", or "invalid: step N: " and the
// reason, naming the rule.
func (r HistoryResult) String() string {
	if r.Verdict != HistoryInvalid {
		return r.Verdict.String()
	}
	if r.Err == nil {
		return "invalid"
	}
	return fmt.Sprintf("invalid: step %d: %s not allowed in state %s: %s", r.Step, r.Err.Event, r.Err.State, r.Err.Rule)
}

// ValidateHistory replays events from vfdpxa, applying each with
// CSState.Step; it never looks at timestamps.
func ValidateHistory(events []CSEvent) HistoryResult {
	s := CSStart
	for i, e := range events {
		next, err := s.Step(e)
		if err != nil {
			return HistoryResult{Verdict: HistoryInvalid, State: s, Step: i + 1, Err: err.(*StepError)}
		}
		s = next
	}
	if s.Complete() {
		return HistoryResult{Verdict: HistoryValid, State: s}
	}
	return HistoryResult{Verdict: HistoryValidPrefix, State: s}
}

// ParseHistory parses a history written as event letters, e.g. "VFPDXA",
// "V,F,P" or "V F P". Commas and white space separate events and are
// otherwise ignored. Letters must be upper case (lower case means "not yet"
// in a state string); an unknown letter or a repeated event is an error.
// Whether the order is allowed is left to ValidateHistory.
func ParseHistory(s string) ([]CSEvent, error) {
	var events []CSEvent
	var seen CSState
	for pos, r := range s {
		if r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' {
			continue
		}
		if r == utf8.RuneError {
			return nil, fmt.Errorf("position %d: not valid UTF-8", pos+1)
		}
		i := strings.IndexRune(csEventLetters, r)
		if i < 0 {
			return nil, fmt.Errorf("position %d: unknown event %q (want one of V F D P X A, upper case)", pos+1, r)
		}
		e := CSEvent(i)
		if seen.Has(e) {
			return nil, fmt.Errorf("position %d: event %s repeated (%s)", pos+1, e, ruleOnce)
		}
		seen = seen.with(e)
		events = append(events, e)
	}
	return events, nil
}

// FormatHistory writes events as letters without separators, e.g. "VFPDXA".
func FormatHistory(events []CSEvent) string {
	var b strings.Builder
	for _, e := range events {
		b.WriteString(e.String())
	}
	return b.String()
}

// CSHistories returns every complete history the CS model allows, derived by
// walking the transitions from vfdpxa depth-first (events in state-string
// order at each step).
func CSHistories() [][]CSEvent {
	var out [][]CSEvent
	var walk func(s CSState, h []CSEvent)
	walk = func(s CSState, h []CSEvent) {
		if s.Complete() {
			out = append(out, append([]CSEvent(nil), h...))
			return
		}
		for _, e := range s.Allowed() {
			walk(s.with(e), append(h, e))
		}
	}
	walk(CSStart, nil)
	return out
}
