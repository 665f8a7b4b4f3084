package protocol

// EMState is the Embargo Management state of a case.
type EMState uint8

// The EM states, in reading order.
const (
	EMNone     EMState = iota // N: no embargo
	EMProposed                // P: an embargo is proposed
	EMActive                  // A: an embargo is in force
	EMRevise                  // R: in force, with a revision proposed
	EMExited                  // X: the embargo has ended; final
)

const emStateLetters = "NPARX"

// String returns the state's letter (N P A R X).
func (s EMState) String() string { return letter(emStateLetters, int(s), "EMState") }

// Name returns the state's name, e.g. "Revise".
func (s EMState) Name() string {
	switch s {
	case EMNone:
		return "None"
	case EMProposed:
		return "Proposed"
	case EMActive:
		return "Active"
	case EMRevise:
		return "Revise"
	case EMExited:
		return "eXited"
	}
	return s.String()
}

// Active reports whether an embargo is in force (A or R).
func (s EMState) Active() bool { return s == EMActive || s == EMRevise }

// Pending reports whether a proposal or revision awaits an answer (P or R).
func (s EMState) Pending() bool { return s == EMProposed || s == EMRevise }

// ParseEMState parses a state letter (N P A R X).
func ParseEMState(s string) (EMState, error) {
	i, err := parseLetter(emStateLetters, s, "EM state")
	return EMState(i), err
}

// EMEvent is an event of the EM machine.
type EMEvent uint8

// The EM events, in reading order.
const (
	EMPropose   EMEvent = iota // p: propose terms (or counter-propose, or a revision)
	EMReject                   // r: reject the pending proposal or revision
	EMAccept                   // a: accept the pending proposal or revision
	EMTerminate                // t: end the embargo in force
)

const emEventLetters = "prat"

// String returns the event's letter (p r a t).
func (e EMEvent) String() string { return letter(emEventLetters, int(e), "EMEvent") }

// Name returns the event's name, e.g. "propose".
func (e EMEvent) Name() string {
	switch e {
	case EMPropose:
		return "propose"
	case EMReject:
		return "reject"
	case EMAccept:
		return "accept"
	case EMTerminate:
		return "terminate"
	}
	return e.String()
}

// ParseEMEvent parses an event letter (p r a t).
func ParseEMEvent(s string) (EMEvent, error) {
	i, err := parseLetter(emEventLetters, s, "EM event")
	return EMEvent(i), err
}

// EMEvents returns the EM events in reading order.
func EMEvents() []EMEvent { return []EMEvent{EMPropose, EMReject, EMAccept, EMTerminate} }

// Step applies e to s by these rules: a proposal made without an embargo in
// force leaves the case in Proposed, one made with an embargo in force is a
// revision (Revise); rejecting returns to where the proposal was made (None,
// or Active with the old terms); accepting puts the terms in force (Active);
// only an embargo in force can be terminated; eXited is final. The error is a
// *StepError naming the rule.
func (s EMState) Step(e EMEvent) (EMState, error) {
	fail := func(rule string) (EMState, error) {
		return s, &StepError{Machine: EM, State: s.String(), Event: e.String(), Rule: rule}
	}
	if s == EMExited {
		return fail("an embargo that has ended is final")
	}
	switch e {
	case EMPropose:
		if s.Active() {
			return EMRevise, nil
		}
		return EMProposed, nil
	case EMReject:
		switch s {
		case EMProposed:
			return EMNone, nil
		case EMRevise:
			return EMActive, nil
		}
		return fail("only a pending proposal or revision can be rejected")
	case EMAccept:
		if s.Pending() {
			return EMActive, nil
		}
		return fail("only a pending proposal or revision can be accepted")
	case EMTerminate:
		if s.Active() {
			return EMExited, nil
		}
		return fail("only an embargo in force (A or R) can be terminated")
	}
	return fail("unknown event")
}

// EMStates returns the states reachable from None, in reading order.
func EMStates() []EMState {
	states, _ := ordered(explore([]EMState{EMNone}, EMEvents(), EMState.Step))
	return states
}

// EMTransitions returns every legal EM transition, derived from Step by
// exploring the states reachable from None, ordered by source and event.
func EMTransitions() []Transition[EMState, EMEvent] {
	_, ts := ordered(explore([]EMState{EMNone}, EMEvents(), EMState.Step))
	return ts
}
