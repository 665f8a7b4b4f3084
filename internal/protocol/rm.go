package protocol

// RMState is the Report Management state of one participant.
type RMState uint8

// The RM states, in reading order. A reporter starts in RMAccepted: its
// earlier states are private.
const (
	RMStart    RMState = iota // S: no report yet
	RMReceived                // R: report received, not yet validated
	RMInvalid                 // I: judged invalid (may be reconsidered)
	RMValid                   // V: judged valid, not yet prioritised
	RMAccepted                // A: accepted for action
	RMDeferred                // D: action deferred
	RMClosed                  // C: closed, final
)

const rmStateLetters = "SRIVADC"

// String returns the state's letter (S R I V A D C).
func (s RMState) String() string { return letter(rmStateLetters, int(s), "RMState") }

// Name returns the state's name, e.g. "Accepted".
func (s RMState) Name() string {
	switch s {
	case RMStart:
		return "Start"
	case RMReceived:
		return "Received"
	case RMInvalid:
		return "Invalid"
	case RMValid:
		return "Valid"
	case RMAccepted:
		return "Accepted"
	case RMDeferred:
		return "Deferred"
	case RMClosed:
		return "Closed"
	}
	return s.String()
}

// ParseRMState parses a state letter (S R I V A D C).
func ParseRMState(s string) (RMState, error) {
	i, err := parseLetter(rmStateLetters, s, "RM state")
	return RMState(i), err
}

// RMEvent is an event of the RM machine.
type RMEvent uint8

// The RM events, in reading order.
const (
	RMReceive    RMEvent = iota // r: receive a report
	RMValidate                  // v: judge it valid
	RMInvalidate                // i: judge it invalid
	RMAccept                    // a: accept it for action
	RMDefer                     // d: defer action
	RMClose                     // c: close it
)

const rmEventLetters = "rviadc"

// String returns the event's letter (r v i a d c).
func (e RMEvent) String() string { return letter(rmEventLetters, int(e), "RMEvent") }

// Name returns the event's name, e.g. "validate".
func (e RMEvent) Name() string {
	switch e {
	case RMReceive:
		return "receive"
	case RMValidate:
		return "validate"
	case RMInvalidate:
		return "invalidate"
	case RMAccept:
		return "accept"
	case RMDefer:
		return "defer"
	case RMClose:
		return "close"
	}
	return e.String()
}

// ParseRMEvent parses an event letter (r v i a d c).
func ParseRMEvent(s string) (RMEvent, error) {
	i, err := parseLetter(rmEventLetters, s, "RM event")
	return RMEvent(i), err
}

// RMEvents returns the RM events in reading order.
func RMEvents() []RMEvent {
	return []RMEvent{RMReceive, RMValidate, RMInvalidate, RMAccept, RMDefer, RMClose}
}

// Step applies e to s. Each event leads to one state (r to Received, v to
// Valid, i to Invalid, a to Accepted, d to Deferred, c to Closed); the rules
// below say from which states. The error is a *StepError naming the rule.
func (s RMState) Step(e RMEvent) (RMState, error) {
	var to RMState
	var ok bool
	var rule string
	switch e {
	case RMReceive:
		to, ok = RMReceived, s == RMStart
		rule = "a report is received once, from Start"
	case RMValidate:
		to, ok = RMValid, s == RMReceived || s == RMInvalid
		rule = "a report is validated after it is received, or when an invalid one is reconsidered"
	case RMInvalidate:
		to, ok = RMInvalid, s == RMReceived
		rule = "only a received report that has not been validated can be judged invalid"
	case RMAccept:
		to, ok = RMAccepted, s == RMValid || s == RMDeferred
		rule = "only a valid or deferred report can be accepted"
	case RMDefer:
		to, ok = RMDeferred, s == RMValid || s == RMAccepted
		rule = "only a valid or accepted report can be deferred"
	case RMClose:
		to, ok = RMClosed, s == RMInvalid || s == RMAccepted || s == RMDeferred
		rule = "only an invalid, accepted or deferred report can be closed; closed is final"
	default:
		rule = "unknown event"
	}
	if !ok {
		return s, &StepError{Machine: RM, State: s.String(), Event: e.String(), Rule: rule}
	}
	return to, nil
}

// RMStates returns the states reachable from Start, in reading order.
func RMStates() []RMState {
	states, _ := ordered(explore([]RMState{RMStart}, RMEvents(), RMState.Step))
	return states
}

// RMTransitions returns every legal RM transition, derived from Step by
// exploring the states reachable from Start, ordered by source and event.
func RMTransitions() []Transition[RMState, RMEvent] {
	_, ts := ordered(explore([]RMState{RMStart}, RMEvents(), RMState.Step))
	return ts
}
