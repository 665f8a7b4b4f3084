// Package disputes keeps the disputes between participants of a case and
// their mediation by a coordinator: reproducibility, security
// implications, impact on deployed systems, whether to disclose, how much
// detail, timing, extension of a deadline, or other. It is built on cases
// (disputes imports cases, never the reverse).
//
// Invariants:
//   - Every change is one transaction that first locks the case
//     ((*cases.Service).Within: changes to one case take turns, so two
//     proposals never both stay pending), then writes the rows, appends its
//     journal entries and enqueues one JobEvent for the notices. A refused
//     change writes nothing.
//   - Changes of the outcome (opened, resolved, decided, unresolved,
//     withdrawn) are written on the case's timeline with cases.RecordNote,
//     one entry per party that is not a coordinator: an entry about such a
//     participant shows only to it and to those who manage the case, so
//     the other participants never learn of the dispute. With coordinators
//     alone as parties (whose entries every participant sees) the entry is
//     journaled about the dispute instead. A hand-over is one entry about
//     the case. The other changes (positions, posts, proposals, answers)
//     are journaled about the dispute alone (object type "dispute", object
//     ID the dispute's ID), with the case's ID in their data.
//   - The parties are the opener and the participants it disputes with
//     (the mediator when it names none); they never change. The mediator is
//     the case's lead coordinator (its coordinator participant with the
//     lowest ID) unless the case was handed over to another coordinator
//     participant (HandOver), which then mediates the open disputes and
//     every later one. A case without a coordinator takes no disputes; a
//     closed case (cases.Within.Closed) takes no new ones.
//   - Only an open dispute changes. At most one proposal is pending (a
//     unique index holds it); a new one supersedes it. A rejection by one
//     party leaves the dispute open; acceptance by every party resolves it
//     with the proposal as its outcome. When the mediating participant is
//     a party, its proposal counts as its acceptance.
//   - An extension request names the end asked for as an instant with the
//     zone it was meant in (ParseWhen: after now, within a year). The
//     mediator answers it with a Decision instead of proposals: granted
//     (that end), partly granted (an earlier end) or denied (with
//     reasons); a grant runs Config.ReviseEmbargo in the same transaction.
//   - Who sees and does what is decided by the pure functions of
//     permission.go on a Standing: administrators, coordinator staff, the
//     parties and the mediator see a dispute, and to the case's other
//     participants it does not exist (errs.NotFound). A position for the
//     coordinator is read only by its author's participant, the mediator
//     and administrators.
//   - The mediating participant is read from case_participants and the
//     participants' names through cases.ParticipantsIn: disputes reads
//     those rows, and never writes them.
//
// Journal actions: dispute.opened, dispute.resolved, dispute.decided,
// dispute.unresolved, dispute.withdrawn, dispute.mediator (about the
// case); dispute.position, dispute.message, dispute.proposed and
// dispute.answered (about the dispute).
package disputes
