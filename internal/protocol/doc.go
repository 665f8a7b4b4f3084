// Package protocol is the formal model of Multi-Party Coordinated
// Vulnerability Disclosure from CERT/CC's Vultron: the Report Management (RM),
// Embargo Management (EM) and Case State (CS) machines, per-participant
// embargo consent, the rules linking them, and the 28 message types that
// announce every state change. It is pure: no I/O, no clock, no package-level
// mutable state.
//
// # Machines are derived from rules
//
// Each machine is a Step function written as rules (each with a plain-English
// text); its states and transitions are derived by exploring the state space
// breadth-first from the start state (RMTransitions, EMTransitions,
// CSTransitions, ConsentTransitions), and the complete CS histories by a walk
// of the same graph (CSHistories). Nothing is typed in as a table. The derived
// counts, asserted by the tests:
//
//   - RM (per participant): 7 states, 11 transitions. A reporter starts in
//     Accepted.
//   - EM (per case): 5 states, 10 transitions; an embargo is active in A and R.
//   - CS: 32 states, 58 transitions, 70 complete histories. The rules: each
//     event happens once and is never undone; F needs V; D needs F; once P
//     holds the only allowed event is V until V holds; once X holds the only
//     allowed event is P until P holds. A does not force P.
//   - Consent (per participant): 5 states, 12 transitions.
//
// Every illegal step returns a *StepError carrying the machine, the state,
// the event and the rule; a service maps it to a conflict.
//
// # CS in a case: per-vendor vfd, shared pxa
//
// CaseState holds V, F and D for each vendor (or deployer) and P, X and A for
// the case. A vendor's projection (its vfd with the case's pxa) is always a
// state of the CS model. A vendor event is checked in that vendor's
// projection; a case-wide event against the case-wide rules and in every
// vendor's projection. So once P holds, nothing else happens to the case until
// every vendor has V, and a vendor that joins after P owes V.
//
// CaseState.Apply is strict. CaseState.Plan serves a service that records
// reality: for an event the rules forbid right now, it says which events the
// event presupposes (Before: V then F before a vendor's D; P before anything
// once X holds; once P holds, V for the vendors blocking a case-wide event)
// and which the model forces after it (After: P after X; V for every vendor
// lacking it once P holds). Applying Plan.Steps in order always succeeds, and
// afterwards nothing is owed (CaseState.Owed is empty). Recording an event
// that has already happened is an error.
//
// # Linking rules
//
//   - P or X ends an active embargo (EM -> X) and rejects a pending proposal
//     (P -> N): EMEffect.
//   - Proposing and accepting (proposals and revisions) need the case in
//     ...pxa; rejecting and terminating are always possible: CheckEM.
//   - A forbids a new embargo (through CheckEM) and advises ending an active
//     one, or rejecting a pending proposal: EmbargoAdvice.
//   - A participant's close or defer never touches the embargo; closing while
//     an embargo is active (A or R) needs a non-empty override reason: CheckRM.
//   - A report is sent only by a participant in Accepted, and in an embargoed
//     case only to a participant that has accepted the embargo: Case.Submit.
//
// # Consent
//
// Each participant's consent to the embargo is one of no embargo, invited,
// signatory, declined, lapsed. Participants invite, accept and decline
// (only while an embargo is proposed or active); the rest follows the EM
// machine in Case: a proposal, counter-proposal or revision is put to every
// participant (signatories' consent lapses, the others are invited, the
// proposer signs); accepting makes the acceptor a signatory and re-invites
// those whose consent had lapsed, since the terms they accepted are gone;
// rejecting a revision reinstates lapsed consent (the old terms stay);
// rejecting a proposal or ending the embargo clears all consent. So all
// consent is "no embargo" whenever EM is N or X, and "lapsed" exists only
// while a proposal or revision is pending (P or R).
//
// # Messages
//
// RMMessage, EMMessage, CSMessage and ConsentMessage give the message that
// announces each change; Case operations return the changes they made, each
// with its message, so every state change produces the message the other
// participants receive. The receive transition (S -> R) maps to RS, the
// submission that causes it.
package protocol
