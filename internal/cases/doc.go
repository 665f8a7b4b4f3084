// Package cases is the core of coordinated disclosure in Parley: a case
// holds one or more vulnerabilities and the participants (vendors,
// reporters, coordinators, deployers, others) who handle them, and keeps
// the states of CERT/CC's Vultron model (internal/protocol) for each of
// them: a Report Management (RM) state and embargo consent per participant,
// V, F and D per vendor or deployer, and for the case its Embargo
// Management (EM) state and the case-wide P, X and A.
//
// Invariants:
//   - Every state change is one transaction that writes the rows, appends
//     its journal entries (object type "case", object ID the case ID in
//     decimal) and enqueues its outbox jobs. A refused change writes
//     nothing.
//   - Protocol states change only through protocol.Case: the service
//     restores the model from the rows (protocol.Restore), applies the
//     operation, and writes back the rows whose states differ in the new
//     Snapshot. Every rule of the model therefore holds in the database; a
//     broken rule (*protocol.StepError) is an errs.Conflict carrying the
//     rule's text. Every protocol change is journaled with its message type
//     (RV, EP, CV...); consent changes an EM step causes are counted in
//     that step's entry.
//   - Recording reality (RecordCS, MarkNotified, MarkViewed) goes through
//     the model's Plan: what an event presupposes (V and F before a
//     vendor's D) and what the model forces after it (P after X, V for
//     every vendor once P holds) is recorded too, in order, each step
//     journaled and marked implied.
//   - Case keys are PREFIX-YEAR-NNNN, numbered per calendar year (UTC) from
//     a counter row inside the creating transaction, so numbers are never
//     given out twice.
//   - A participant is an organisation or, for a reporter without one, a
//     person; each at most once per case. Vendors and deployers have their
//     own V, F and D; vendors join in RM Start (V is recorded when they are
//     notified or first look at the case), reporters in Accepted. Joining a
//     case with an embargo proposed or in force invites the newcomer to it.
//     Adding a vendor enqueues one JobVendorNotice, deduplicated by
//     participant.
//   - Who may see and do what is decided by the pure functions in
//     permission.go: administrators, coordinator staff and members of the
//     case's coordinator participants see and manage everything; the members
//     of any other participant see the case, the coordinators and their own
//     participant (not the other vendors), its timeline entries about the
//     case itself and about their participant, and change only their own
//     participant's RM state, embargo consent and (vendors) F and D. To
//     everyone else a case does not exist: errs.NotFound, never Forbidden.
//   - Vulnerability updates carry the version they were based on; a stale
//     version is an errs.Conflict. Bad input is errs.Invalid naming the
//     field.
//
// Journal actions (object type "case"): case.created,
// case.participant_added, case.vulnerability_added,
// case.vulnerability_updated, case.rm, case.em, case.cs, case.consent
// (one per protocol change, with its message type, e.g. "RV", and whether
// it was implied), case.contacted, case.delivery_failed and case.viewed.
// An entry about one participant carries its ID first in its data, which
// Timeline relies on to skip other participants' entries in the database.
package cases
