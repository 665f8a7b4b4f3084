// Package reports is Parley's front door: vulnerability reports as they
// arrive (web form, API, e-mail), the conversation with their reporters,
// and the coordinator's triage of them.
//
// Invariants:
//   - One transaction per change, holding the change, its journal entry and
//     its outbox jobs; a refused change (bad field, failed gate, quota,
//     stale version, illegal transition) writes nothing.
//   - Every field of a submission is validated, and an error names the
//     field at fault (errs.Field), e.g. "products[1].versions[0]".
//     Completeness advice (Gap) never blocks a submission; only the
//     program's gates (Policy.RequirePoC, Policy.RequireVersion) and quotas
//     do, and quotas never block a report marked actively exploited or
//     critical.
//   - The follow-up secret is shown once, in the Receipt; only its SHA-256
//     is stored. It is never journaled and never put in a job.
//   - The journal holds no report content and no personal data (it cannot
//     be edited or erased): only IDs, states, reasons and who acted.
//   - The coordinator's Report Management (RM) state is Received from
//     submission (S -> R) and changes only through protocol's RM machine;
//     an illegal step is an errs.Conflict naming the rule. Closed is final.
//   - Every triage change announces itself to the reporter: a message the
//     reporter sees, in plain words, and a "report.notice" job when there
//     is someone to tell (an e-mail address or an account).
//   - A reporter never sees internal notes, the assignee, the priority, the
//     SSVC assessment or the track record; a report that is not theirs is
//     NotFound to them, as to anyone but coordinator staff and
//     administrators. Anonymous reporters reach their report only through
//     the follow-up secret.
//   - Triage changes carry the version they are based on; a stale version
//     is an errs.Conflict.
//   - A duplicate is validated, then deferred in favour of its original,
//     and linked to it; it is never marked invalid. Duplicates always point
//     at an original that is not itself a duplicate.
//   - While a report waits for its reporter its clock is paused (Age
//     excludes the wait); after Policy.WaitingExpiry without an answer
//     ExpireWaiting closes it, with a notice.
//   - Attachments are stored as given, with their SHA-256 and sniffed
//     content type (information, never trusted), and handed out only to
//     those who may see the report.
package reports
