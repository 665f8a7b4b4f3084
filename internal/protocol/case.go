package protocol

import (
	"fmt"
	"maps"
	"slices"
)

// Participant is one participant's part in a case.
type Participant struct {
	RM      RMState
	Consent ConsentState
	Vendor  bool // a vendor or deployer: has its own V, F and D
}

// Change is one state change in a case and the message that announces it to
// the other participants.
type Change struct {
	Machine     Machine
	Participant string // whose RM, consent or V/F/D changed; empty for EM and P/X/A
	From        string // the state before, in the machine's letters ("...Pxa" for P, X, A)
	Event       string
	To          string
	Message     MessageType // zero when the change has no message of its own
	Implied     bool        // not asked for: forced by a linking rule or implied by Record
}

// String returns e.g. "EM A -t-> X [ET] (implied)".
func (c Change) String() string {
	s := string(c.Machine)
	if c.Participant != "" {
		s += "(" + c.Participant + ")"
	}
	s += fmt.Sprintf(" %s -%s-> %s", c.From, c.Event, c.To)
	if c.Message != 0 {
		s += " [" + c.Message.String() + "]"
	}
	if c.Implied {
		s += " (implied)"
	}
	return s
}

// Case is the combined model of one case: its EM machine, its CS state and
// every participant's RM machine and consent, with the linking rules between
// them enforced. The zero Case has no participants, no embargo and no
// events. Methods never modify the receiver: they return the new Case with
// the changes made, or the receiver unchanged and an error (a *StepError
// when a rule forbids the step).
type Case struct {
	em    EMState
	cs    CaseState
	parts map[string]Participant
}

// EM returns the case's embargo state.
func (c Case) EM() EMState { return c.em }

// CS returns the case's CS state.
func (c Case) CS() CaseState { return c.cs }

// Participant returns participant id's part.
func (c Case) Participant(id string) (Participant, bool) {
	p, ok := c.parts[id]
	return p, ok
}

// Participants returns the participant IDs, sorted.
func (c Case) Participants() []string { return slices.Sorted(maps.Keys(c.parts)) }

// Advice returns what the case should do about its embargo (EmbargoAdvice).
func (c Case) Advice() (Advice, bool) { return EmbargoAdvice(c.em, c.cs.Global()) }

// AddParticipant adds a participant in RM state rm: Start, or Accepted for a
// reporter (its earlier states are private). A vendor (or deployer) also
// gets its own V, F and D. Its consent starts at ConsentNone: in an embargoed
// case, invite it (StepConsent) and share the report once it accepts.
func (c Case) AddParticipant(id string, rm RMState, vendor bool) (Case, error) {
	if id == "" {
		return c, fmt.Errorf("participant: empty ID")
	}
	if _, ok := c.parts[id]; ok {
		return c, fmt.Errorf("participant %q: already in the case", id)
	}
	if rm != RMStart && rm != RMAccepted {
		return c, fmt.Errorf("participant %q: joins in Start, or in Accepted as reporter, not in %s", id, rm.Name())
	}
	n := c.clone()
	if vendor {
		var err error
		if n.cs, err = n.cs.AddVendor(id); err != nil {
			return c, err
		}
	}
	n.parts[id] = Participant{RM: rm, Vendor: vendor}
	return n, nil
}

func (c Case) clone() Case {
	n := Case{em: c.em, cs: c.cs, parts: maps.Clone(c.parts)}
	if n.parts == nil {
		n.parts = make(map[string]Participant)
	}
	return n
}

func (c Case) participant(id string) (Participant, error) {
	p, ok := c.parts[id]
	if !ok {
		return p, fmt.Errorf("participant %q: not in the case", id)
	}
	return p, nil
}

// Submit records that participant from sends the report to participant to:
// from must be in Accepted, to in Start (it moves to Received); while an
// embargo is active, to must have accepted it first. The change carries RS.
func (c Case) Submit(from, to string) (Case, []Change, error) {
	sender, err := c.participant(from)
	if err != nil {
		return c, nil, err
	}
	recipient, err := c.participant(to)
	if err != nil {
		return c, nil, err
	}
	if sender.RM != RMAccepted {
		return c, nil, &StepError{Machine: RM, State: sender.RM.String(), Event: "submit", Rule: "a participant sends the report to others only from Accepted"}
	}
	next, err := recipient.RM.Step(RMReceive)
	if err != nil {
		return c, nil, err
	}
	if c.em.Active() && recipient.Consent != ConsentSignatory {
		return c, nil, &StepError{Machine: Consent, State: recipient.Consent.String(), Event: "submit", Rule: ruleShare}
	}
	n := c.clone()
	recipient.RM = next
	n.parts[to] = recipient
	ch := Change{Machine: RM, Participant: to, From: RMStart.String(), Event: RMReceive.String(), To: next.String(), Message: RS}
	return n, []Change{ch}, nil
}

// StepRM applies RM event e to participant id (CheckRM: closing during an
// active embargo needs a non-empty override reason). Receiving goes through
// Submit. The embargo is never touched: a participant's close or defer does
// not end it.
func (c Case) StepRM(id string, e RMEvent, override string) (Case, []Change, error) {
	p, err := c.participant(id)
	if err != nil {
		return c, nil, err
	}
	if e == RMReceive {
		return c, nil, &StepError{Machine: RM, State: p.RM.String(), Event: e.String(), Rule: ruleReceive}
	}
	if err := CheckRM(p.RM, e, c.em, override); err != nil {
		return c, nil, err
	}
	msg, _ := RMMessage(p.RM, e)
	to, _ := p.RM.Step(e)
	ch := Change{Machine: RM, Participant: id, From: p.RM.String(), Event: e.String(), To: to.String(), Message: msg}
	n := c.clone()
	p.RM = to
	n.parts[id] = p
	return n, []Change{ch}, nil
}
