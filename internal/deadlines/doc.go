// Package deadlines keeps who owes what by when in a case: every pending
// obligation (acknowledge the report, answer the embargo proposal, give a
// statement, review the draft, confirm the fix, the embargo ending, the
// CRA's reporting clocks) as an item with an owner and a due date, the
// reminders before and after it, and each user's calendar feed of them.
//
// It sits below cases: cases and the domains built on it (embargo, CRA)
// call Set, SetMany, Meet, Cancel and CancelCase inside their own
// transactions, so that a deadline commits with the change that causes it.
// It reads no case tables; the transports pass in what a user takes part
// in (cases.Service.Involvement) as Viewers.
//
// Invariants:
//   - At most one open deadline per (case, participant, kind); Set on an
//     open one replaces its date, title and zone. Participant 0 is the
//     whole case (every participant owes or awaits it).
//   - Every change that writes is journaled in the caller's transaction:
//     one entry per deadline set, met or cancelled (object type
//     "deadline", as the system: the change that caused it carries its
//     actor). A call that changes nothing writes nothing.
//   - A deadline's reminders follow Schedule, a pure function of its kind
//     and due date; reminders_sent counts the stages passed. Setting a
//     deadline skips the stages already past (the change that set it told
//     people already). The sweep enqueues at most one reminder job per
//     deadline and stage, in the transaction that moves the stage on, with
//     a dedupe key of deadline, stage and due date: a rerun, a second
//     instance or a crash never reminds twice, and a sweep that ran late
//     sends only the latest stage. Met and cancelled deadlines have no
//     next reminder and are never reminded.
//   - Titles and labels leave Parley (mail, calendars synced to others'
//     servers): they say what is due, never vulnerability details.
//   - Calendar feed secrets are shown once; only their SHA-256 is stored
//     and never journaled. Rotating a secret ends the old one.
//
// Journal actions (object type "deadline", object ID the deadline's ID):
// deadline.set, deadline.met, deadline.cancelled, deadline.reminded; and
// (object type "user") deadline.feed_rotated.
package deadlines
