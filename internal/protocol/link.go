package protocol

import (
	"fmt"
	"strings"
)

// The linking rules between the machines.
const (
	ruleNegotiation = "embargo negotiation (propose, accept, revise) needs the case in ...pxa"
	ruleCloseActive = "closing during an active embargo needs an explicit override with a reason (hold the report Deferred instead)"
	ruleReceive     = "a participant receives a report only when a participant in Accepted submits it"
	ruleConsentCase = "lapse, reinstate and clear follow the case embargo, not a participant's choice"
	ruleConsentEM   = "consent is given or refused only while an embargo is proposed or in force"
	ruleShare       = "in an embargoed case, a report is shared only with participants who have accepted the embargo"
)

// CheckEM reports whether EM event e may happen in em while the case-wide CS
// state is global (only its P, X and A matter). Besides the EM rules,
// proposing and accepting (a proposal or a revision) need no P, X or A: P or
// X mean the information is out, A that attackers use it. Rejecting and
// terminating are always allowed when the EM rules allow them. The error is
// a *StepError.
func CheckEM(em EMState, e EMEvent, global CSState) error {
	if _, err := em.Step(e); err != nil {
		return err
	}
	if (e == EMPropose || e == EMAccept) && global&pxaBits != 0 {
		return &StepError{Machine: EM, State: em.String(), Event: e.String(),
			Rule: fmt.Sprintf("%s (the case is %s)", ruleNegotiation, global&pxaBits)}
	}
	return nil
}

// CheckRM reports whether RM event e may happen to a participant in rm while
// the case embargo is in em. Besides the RM rules, closing while an embargo is
// active (A or R) needs a non-empty override reason. Deferring is always
// allowed when the RM rules allow it: a participant's close or defer never
// ends the case embargo. The error is a *StepError.
func CheckRM(rm RMState, e RMEvent, em EMState, override string) error {
	if _, err := rm.Step(e); err != nil {
		return err
	}
	if e == RMClose && em.Active() && strings.TrimSpace(override) == "" {
		return &StepError{Machine: RM, State: rm.String(), Event: e.String(),
			Rule: fmt.Sprintf("%s (the embargo is %s)", ruleCloseActive, em.Name())}
	}
	return nil
}

// EMEffect returns the EM event that CS event e forces on em: once P or X
// happens, an active embargo ends (t) and a pending proposal is rejected (r).
// ok is false if e forces nothing. A only advises (see EmbargoAdvice).
func EMEffect(em EMState, e CSEvent) (forced EMEvent, ok bool) {
	if e != PublicAware && e != ExploitPublic {
		return 0, false
	}
	switch {
	case em.Active():
		return EMTerminate, true
	case em == EMProposed:
		return EMReject, true
	}
	return 0, false
}

// Advice is a step the model recommends but does not force.
type Advice struct {
	Event  EMEvent
	Reason string
}

// EmbargoAdvice returns what the case should do about its embargo while the
// case-wide CS state is global: once A holds, an active embargo should end and
// a pending proposal (which can no longer be accepted) should be rejected.
func EmbargoAdvice(em EMState, global CSState) (Advice, bool) {
	if !global.Has(Attacks) {
		return Advice{}, false
	}
	switch {
	case em.Active():
		return Advice{Event: EMTerminate, Reason: "attacks are observed: the active embargo should end"}, true
	case em == EMProposed:
		return Advice{Event: EMReject, Reason: "attacks are observed: a new embargo cannot start, so the proposal should be rejected"}, true
	}
	return Advice{}, false
}

// CheckConsent reports whether a participant in consent state c may take
// consent event e while the case embargo is in em: only invite, accept and
// decline are participants' acts, and only while an embargo is proposed or in
// force. The error is a *StepError.
func CheckConsent(c ConsentState, e ConsentEvent, em EMState) error {
	fail := func(rule string) error {
		return &StepError{Machine: Consent, State: c.String(), Event: e.String(), Rule: rule}
	}
	if e != ConsentInvite && e != ConsentAccept && e != ConsentDecline {
		return fail(ruleConsentCase)
	}
	if !em.Active() && !em.Pending() {
		return fail(fmt.Sprintf("%s (the embargo is %s)", ruleConsentEM, em.Name()))
	}
	_, err := c.Step(e)
	return err
}
