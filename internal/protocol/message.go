package protocol

import "fmt"

// MessageType is one of the 28 message types participants exchange. The
// zero MessageType means "no message".
type MessageType uint8

// The message types, grouped by machine.
const (
	RS MessageType = iota + 1 // report submission
	RI                        // report invalid
	RV                        // report valid
	RD                        // report deferred
	RA                        // report accepted
	RC                        // report closed
	RK                        // report acknowledgement
	RE                        // report error
	EP                        // embargo proposal
	ER                        // embargo proposal rejection
	EA                        // embargo proposal acceptance
	EV                        // embargo revision proposal
	EJ                        // embargo revision rejection
	EC                        // embargo revision acceptance
	ET                        // embargo termination
	EK                        // embargo acknowledgement
	EE                        // embargo error
	CV                        // vendor aware
	CF                        // fix ready
	CD                        // fix deployed
	CP                        // public aware
	CX                        // exploit public
	CA                        // attacks observed
	CK                        // case state acknowledgement
	CE                        // case state error
	GI                        // general inquiry
	GK                        // general acknowledgement
	GE                        // general error
)

const messageCodes = "RSRIRVRDRARCRKREEPEREAEVEJECETEKEECVCFCDCPCXCACKCEGIGKGE"

// MessageTypes returns the 28 message types in declaration order.
func MessageTypes() []MessageType {
	ms := make([]MessageType, 0, GE)
	for m := RS; m <= GE; m++ {
		ms = append(ms, m)
	}
	return ms
}

// String returns the two-letter code, e.g. "EP".
func (m MessageType) String() string {
	if m < RS || m > GE {
		return fmt.Sprintf("MessageType(%d)", uint8(m))
	}
	i := 2 * int(m-RS)
	return messageCodes[i : i+2]
}

// ParseMessageType parses a two-letter code, e.g. "EP".
func ParseMessageType(s string) (MessageType, error) {
	for _, m := range MessageTypes() {
		if m.String() == s {
			return m, nil
		}
	}
	return 0, fmt.Errorf("unknown message type %q", s)
}

// Machine returns the machine the message type belongs to (General for GI,
// GK and GE).
func (m MessageType) Machine() Machine {
	switch {
	case m >= RS && m <= RE:
		return RM
	case m >= EP && m <= EE:
		return EM
	case m >= CV && m <= CE:
		return CS
	}
	return General
}

// Ack returns the acknowledgement of m's machine (RK, EK, CK or GK).
func (m MessageType) Ack() MessageType {
	switch m.Machine() {
	case RM:
		return RK
	case EM:
		return EK
	case CS:
		return CK
	}
	return GK
}

// Fault returns the error reply of m's machine (RE, EE, CE or GE), sent on
// receiving an unexpected m.
func (m MessageType) Fault() MessageType {
	switch m.Machine() {
	case RM:
		return RE
	case EM:
		return EE
	case CS:
		return CE
	}
	return GE
}

// Name returns the message type's name, e.g. "Embargo Proposal".
func (m MessageType) Name() string { n, _ := m.describe(); return n }

// Description returns one sentence saying what the message announces.
func (m MessageType) Description() string { _, d := m.describe(); return d }

func (m MessageType) describe() (name, desc string) {
	switch m {
	case RS:
		return "Report Submission", "A participant in Accepted sends the vulnerability report to a new participant."
	case RI:
		return "Report Invalid", "The sender has judged the report invalid."
	case RV:
		return "Report Valid", "The sender has judged the report valid."
	case RD:
		return "Report Deferred", "The sender defers further action on the report."
	case RA:
		return "Report Accepted", "The sender has accepted the report for further action."
	case RC:
		return "Report Closed", "The sender has closed the report."
	case RK:
		return "Report Acknowledgement", "Acknowledges receipt of an RM message."
	case RE:
		return "Report Error", "The sender received an RM message it did not expect."
	case EP:
		return "Embargo Proposal", "Proposes embargo terms (an end date and time), or counter-proposes."
	case ER:
		return "Embargo Proposal Rejection", "The pending embargo proposal is rejected."
	case EA:
		return "Embargo Proposal Acceptance", "The pending embargo proposal is accepted."
	case EV:
		return "Embargo Revision Proposal", "Proposes a revision of the terms of the embargo in force."
	case EJ:
		return "Embargo Revision Rejection", "The proposed revision is rejected; the old terms stay."
	case EC:
		return "Embargo Revision Acceptance", "The proposed revision is accepted; the new terms apply."
	case ET:
		return "Embargo Termination", "The embargo ends now, with the reason."
	case EK:
		return "Embargo Acknowledgement", "Acknowledges receipt of an EM message."
	case EE:
		return "Embargo Error", "The sender received an EM message it did not expect."
	case CV:
		return "Vendor Awareness", "A vendor now knows about the vulnerability."
	case CF:
		return "Fix Readiness", "A vendor has a fix ready."
	case CD:
		return "Fix Deployed", "A fix has been deployed."
	case CP:
		return "Public Awareness", "The vulnerability is known to the public."
	case CX:
		return "Exploit Public", "An exploit for the vulnerability is public."
	case CA:
		return "Attacks Observed", "Attackers have been seen exploiting the vulnerability."
	case CK:
		return "Case State Acknowledgement", "Acknowledges receipt of a CS message."
	case CE:
		return "Case State Error", "The sender received a CS message it did not expect."
	case GI:
		return "General Inquiry", "A question or information that changes no state."
	case GK:
		return "General Acknowledgement", "Acknowledges receipt of a GI message."
	case GE:
		return "General Error", "A general error has occurred."
	}
	return m.String(), ""
}

// RMMessage returns the message that announces the RM transition from s by
// e: RS for receive (the receipt of an RS from a participant in Accepted is
// what moves a participant from Start to Received), RV, RI, RA, RD and RC for
// the others. The error is the *StepError of an illegal transition.
func RMMessage(s RMState, e RMEvent) (MessageType, error) {
	if _, err := s.Step(e); err != nil {
		return 0, err
	}
	switch e {
	case RMReceive:
		return RS, nil
	case RMValidate:
		return RV, nil
	case RMInvalidate:
		return RI, nil
	case RMAccept:
		return RA, nil
	case RMDefer:
		return RD, nil
	}
	return RC, nil
}

// EMMessage returns the message that announces the EM transition from s by
// e: EP for a proposal or counter-proposal, EV for a revision, ER and EA to
// reject and accept a proposal, EJ and EC to reject and accept a revision, ET
// to terminate. The error is the *StepError of an illegal transition.
func EMMessage(s EMState, e EMEvent) (MessageType, error) {
	if _, err := s.Step(e); err != nil {
		return 0, err
	}
	revision := s.Active()
	switch e {
	case EMPropose:
		if revision {
			return EV, nil
		}
		return EP, nil
	case EMReject:
		if revision {
			return EJ, nil
		}
		return ER, nil
	case EMAccept:
		if revision {
			return EC, nil
		}
		return EA, nil
	}
	return ET, nil
}

// CSMessage returns the message that announces CS event e (CV, CF, CD, CP,
// CX or CA).
func CSMessage(e CSEvent) MessageType {
	if e > Attacks {
		return 0
	}
	return CV + MessageType(e)
}

// ConsentMessage returns the message a participant's own consent event
// announces while the case embargo is in em: an invitation carries the
// proposal (EP, or EV while a revision is pending); accepting and declining
// are EA and ER (EC while a revision is pending). Lapse, reinstate and clear
// follow an EM transition that has its own message: ok is false for them.
func ConsentMessage(em EMState, e ConsentEvent) (m MessageType, ok bool) {
	revision := em == EMRevise
	switch e {
	case ConsentInvite:
		if revision {
			return EV, true
		}
		return EP, true
	case ConsentAccept:
		if revision {
			return EC, true
		}
		return EA, true
	case ConsentDecline:
		return ER, true
	}
	return 0, false
}
