package protocol

// ConsentState is one participant's consent to the case embargo.
type ConsentState uint8

// The consent states, in reading order.
const (
	ConsentNone      ConsentState = iota // no embargo to consent to, or not yet asked
	ConsentInvited                       // asked to accept the terms, no answer yet
	ConsentSignatory                     // accepted the terms in force or proposed
	ConsentDeclined                      // refused the terms
	ConsentLapsed                        // accepted earlier terms that a newer proposal or revision replaces
)

// String returns the state's name, e.g. "signatory".
func (s ConsentState) String() string {
	switch s {
	case ConsentNone:
		return "no embargo"
	case ConsentInvited:
		return "invited"
	case ConsentSignatory:
		return "signatory"
	case ConsentDeclined:
		return "declined"
	case ConsentLapsed:
		return "lapsed"
	}
	return letter("", int(s), "ConsentState")
}

// ConsentEvent is an event of a participant's consent. Invite, accept and
// decline are the participants' own acts; lapse, reinstate and clear follow
// the case's EM transitions (see Case).
type ConsentEvent uint8

// The consent events, in reading order.
const (
	ConsentInvite    ConsentEvent = iota // put the terms to the participant
	ConsentAccept                        // the participant accepts the terms
	ConsentDecline                       // the participant refuses the terms
	ConsentLapse                         // newer terms were proposed: earlier consent lapses
	ConsentReinstate                     // the newer terms were rejected: earlier consent stands again
	ConsentClear                         // no embargo any more (proposal rejected, embargo ended)
)

// String returns the event's name, e.g. "invite".
func (e ConsentEvent) String() string {
	switch e {
	case ConsentInvite:
		return "invite"
	case ConsentAccept:
		return "accept"
	case ConsentDecline:
		return "decline"
	case ConsentLapse:
		return "lapse"
	case ConsentReinstate:
		return "reinstate"
	case ConsentClear:
		return "clear"
	}
	return letter("", int(e), "ConsentEvent")
}

// ConsentEvents returns the consent events in reading order.
func ConsentEvents() []ConsentEvent {
	return []ConsentEvent{ConsentInvite, ConsentAccept, ConsentDecline, ConsentLapse, ConsentReinstate, ConsentClear}
}

// Step applies e to s by these rules: anyone not currently bound or asked
// (no embargo, declined, lapsed) can be invited; an invited or lapsed
// participant can accept; only an invited one can decline (a lapsed one
// still holds its earlier consent until the newer terms are settled); only a
// signatory's consent can lapse and only a lapsed one can be reinstated;
// clearing applies to anyone with some consent state. The error is a
// *StepError naming the rule.
func (s ConsentState) Step(e ConsentEvent) (ConsentState, error) {
	var to ConsentState
	var ok bool
	var rule string
	switch e {
	case ConsentInvite:
		to, ok = ConsentInvited, s == ConsentNone || s == ConsentDeclined || s == ConsentLapsed
		rule = "only a participant without an open invitation or consent can be invited"
	case ConsentAccept:
		to, ok = ConsentSignatory, s == ConsentInvited || s == ConsentLapsed
		rule = "only an invited or lapsed participant can accept"
	case ConsentDecline:
		to, ok = ConsentDeclined, s == ConsentInvited
		rule = "only an invited participant can decline"
	case ConsentLapse:
		to, ok = ConsentLapsed, s == ConsentSignatory
		rule = "only a signatory's consent can lapse"
	case ConsentReinstate:
		to, ok = ConsentSignatory, s == ConsentLapsed
		rule = "only a lapsed consent can be reinstated"
	case ConsentClear:
		to, ok = ConsentNone, s != ConsentNone && s <= ConsentLapsed
		rule = "there is no consent to clear"
	default:
		rule = "unknown event"
	}
	if !ok {
		return s, &StepError{Machine: Consent, State: s.String(), Event: e.String(), Rule: rule}
	}
	return to, nil
}

// ConsentStates returns the consent states reachable from ConsentNone, in
// reading order.
func ConsentStates() []ConsentState {
	states, _ := ordered(explore([]ConsentState{ConsentNone}, ConsentEvents(), ConsentState.Step))
	return states
}

// ConsentTransitions returns every legal consent transition, derived from
// Step, ordered by source and event.
func ConsentTransitions() []Transition[ConsentState, ConsentEvent] {
	_, ts := ordered(explore([]ConsentState{ConsentNone}, ConsentEvents(), ConsentState.Step))
	return ts
}
