package protocol

import (
	"cmp"
	"fmt"
	"math/bits"
	"slices"
)

// CSEvent is one of the six Case State events. Each happens once and is
// never undone.
type CSEvent uint8

// The CS events, in the order the state string lists them. The first three
// belong to one vendor (or deployer); the last three to the whole case.
const (
	VendorAware   CSEvent = iota // V: the vendor knows about the vulnerability
	FixReady                     // F: the vendor has a fix ready
	FixDeployed                  // D: the fix is deployed
	PublicAware                  // P: the public knows about the vulnerability
	ExploitPublic                // X: an exploit is public
	Attacks                      // A: attacks have been observed
)

const csEventLetters = "VFDPXA"

// String returns the event's letter (V F D P X A).
func (e CSEvent) String() string { return letter(csEventLetters, int(e), "CSEvent") }

// Name returns a short description of the event, e.g. "fix ready".
func (e CSEvent) Name() string {
	switch e {
	case VendorAware:
		return "vendor aware"
	case FixReady:
		return "fix ready"
	case FixDeployed:
		return "fix deployed"
	case PublicAware:
		return "public aware"
	case ExploitPublic:
		return "exploit public"
	case Attacks:
		return "attacks observed"
	}
	return e.String()
}

// CaseWide reports whether the event belongs to the whole case (P, X, A)
// rather than to one vendor (V, F, D).
func (e CSEvent) CaseWide() bool { return e >= PublicAware && e <= Attacks }

// ParseCSEvent parses an event letter (V F D P X A).
func ParseCSEvent(s string) (CSEvent, error) {
	i, err := parseLetter(csEventLetters, s, "CS event")
	return CSEvent(i), err
}

// CSEvents returns the six events in state-string order.
func CSEvents() []CSEvent {
	return []CSEvent{VendorAware, FixReady, FixDeployed, PublicAware, ExploitPublic, Attacks}
}

// CSState is a set of CS events that have happened: bit i holds event i.
type CSState uint8

// CSStart is the state before any event: vfdpxa.
const CSStart CSState = 0

// csAll is the state after every event: VFDPXA.
const csAll CSState = 1<<6 - 1

// Has reports whether e has happened in s.
func (s CSState) Has(e CSEvent) bool { return s&(1<<e) != 0 }

// with returns s with e added.
func (s CSState) with(e CSEvent) CSState { return s | 1<<e }

// Complete reports whether all six events have happened (VFDPXA).
func (s CSState) Complete() bool { return s == csAll }

// String returns the six-letter form: upper case for events that have
// happened, lower case for those that have not (e.g. "VFdPxa").
func (s CSState) String() string {
	if s > csAll {
		return fmt.Sprintf("CSState(%d)", uint8(s))
	}
	b := []byte(csEventLetters)
	for i := range b {
		if !s.Has(CSEvent(i)) {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

// ParseCSState parses the six-letter form, e.g. "VfdPxa".
func ParseCSState(str string) (CSState, error) {
	if len(str) != len(csEventLetters) {
		return 0, fmt.Errorf("CS state %q: want six letters like vfdpxa", str)
	}
	var s CSState
	for i := range len(csEventLetters) {
		switch str[i] {
		case csEventLetters[i]:
			s = s.with(CSEvent(i))
		case csEventLetters[i] + 'a' - 'A':
		default:
			return 0, fmt.Errorf("CS state %q: position %d must be %c or %c", str, i+1, csEventLetters[i], csEventLetters[i]+'a'-'A')
		}
	}
	return s, nil
}

// The CS rules, in the order they are checked.
const (
	ruleOnce      = "each event happens once and is never undone"
	ruleExploit   = "once X holds, the only allowed event is P until P holds (an exploit in public makes the vulnerability public)"
	rulePublic    = "once P holds, the only allowed event is V until V holds (vendors know what the public knows)"
	ruleFixNeedsV = "F needs V (a vendor fixes only what it knows about)"
	ruleDeployF   = "D needs F (only a ready fix can be deployed)"
)

// csRule is one rule of the CS model: forbids reports whether it forbids e in
// s. A case-wide rule looks only at the P, X and A events.
type csRule struct {
	text     string
	caseWide bool
	forbids  func(s CSState, e CSEvent) bool
}

// csRules returns the CS rules in the order they are checked.
func csRules() []csRule {
	return []csRule{
		{ruleOnce, true, func(s CSState, e CSEvent) bool { return s.Has(e) }},
		{ruleExploit, true, func(s CSState, e CSEvent) bool {
			return s.Has(ExploitPublic) && !s.Has(PublicAware) && e != PublicAware
		}},
		{rulePublic, false, func(s CSState, e CSEvent) bool {
			return s.Has(PublicAware) && !s.Has(VendorAware) && e != VendorAware
		}},
		{ruleFixNeedsV, false, func(s CSState, e CSEvent) bool { return e == FixReady && !s.Has(VendorAware) }},
		{ruleDeployF, false, func(s CSState, e CSEvent) bool { return e == FixDeployed && !s.Has(FixReady) }},
	}
}

// check returns the first rule that forbids e in s, considering only
// case-wide rules if caseWideOnly is set; "" if none does.
func check(s CSState, e CSEvent, caseWideOnly bool) string {
	if e > Attacks {
		return "unknown event"
	}
	for _, r := range csRules() {
		if (r.caseWide || !caseWideOnly) && r.forbids(s, e) {
			return r.text
		}
	}
	return ""
}

// Step applies e to s. The error is a *StepError naming the rule that
// forbids it.
func (s CSState) Step(e CSEvent) (CSState, error) {
	if rule := check(s, e, false); rule != "" {
		return s, &StepError{Machine: CS, State: s.String(), Event: e.String(), Rule: rule}
	}
	return s.with(e), nil
}

// Allowed returns the events allowed in s, in state-string order.
func (s CSState) Allowed() []CSEvent {
	var es []CSEvent
	for _, e := range CSEvents() {
		if check(s, e, false) == "" {
			es = append(es, e)
		}
	}
	return es
}

// exploreCS explores the CS model from vfdpxa and orders states by the
// number of events that have happened, then by value, so that every
// transition goes from an earlier state to a later one.
func exploreCS() ([]CSState, []Transition[CSState, CSEvent]) {
	states, ts := explore([]CSState{CSStart}, CSEvents(), CSState.Step)
	key := func(s CSState) int { return bits.OnesCount8(uint8(s))<<8 | int(s) }
	slices.SortFunc(states, func(a, b CSState) int { return cmp.Compare(key(a), key(b)) })
	slices.SortFunc(ts, func(a, b Transition[CSState, CSEvent]) int {
		if c := cmp.Compare(key(a.From), key(b.From)); c != 0 {
			return c
		}
		return cmp.Compare(a.Event, b.Event)
	})
	return states, ts
}

// CSStates returns the states reachable from vfdpxa, ordered by the number
// of events that have happened (a topological order of the model).
func CSStates() []CSState {
	states, _ := exploreCS()
	return states
}

// CSTransitions returns every legal CS transition, derived from Step by
// exploring the states reachable from vfdpxa, ordered like CSStates and then
// by event.
func CSTransitions() []Transition[CSState, CSEvent] {
	_, ts := exploreCS()
	return ts
}
