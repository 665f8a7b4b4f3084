// Package inbox keeps each user's notifications: what an account was told
// about the cases and reports it takes part in, listed in the web
// interface and the API (unread ones marked), and the user's preferences
// for mail about them: at once, in one daily digest at an hour of the
// user's choice (UTC), or none (in the interface only); the cases the user
// muted; and the user's OpenPGP keys for that mail (the contact keys of
// package pgp owned by the user, so that every mail to the account finds
// them).
//
// notify records the notices (Record) as it handles the jobs other domains
// enqueued, and mails them: at once when Record says so (Pending), else the
// digest job does. inbox itself sends nothing (it imports no mail).
//
// Invariants:
//   - A user reads and changes only their own notifications, preferences,
//     mutes and keys: every method that serves a person takes the
//     auth.Principal and checks it with the pure functions of
//     permission.go; another user's notification does not exist
//     (errs.NotFound). Changes need a credential that may write.
//   - Record decides a notice's mail in the same transaction that inserts
//     it, from the preferences and mutes as they are then: Pending for
//     "immediately", Digest for "digest", None for "none" and for a muted
//     case. A notice about a muted case is stored already read, so that it
//     neither lights the badge nor mails, yet stays in the list. An Urgent
//     notice (a contact attempt that the case records, such as the first
//     notice to a vendor) is Pending whatever the preferences or mutes. A
//     ListOnly notice (its mail went to the organisation's security
//     contact) is None whatever the preferences, read only when muted.
//     Account-security mail (password reset, lockout, invitations) never
//     passes through here: it goes out at once, always.
//   - Recording is idempotent: a notice with a dedupe key that the user
//     has already is not stored again, and Record returns the stored one,
//     so that a job run twice neither lists nor mails twice (the caller
//     mails only Pending notices, and marks them Sent).
//   - Changes of preferences and mutes are one transaction each with their
//     journal entry ("notification.settings_changed",
//     "notification.case_muted", "notification.case_unmuted"); keys are
//     journaled by pgp. Marking notices read is not journaled.
//   - The digest: a user whose preference is "digest" has next_digest_at,
//     the next time the digest hour comes. The periodic sweep (JobSweep)
//     reads the due users in batches through a partial index, moves each
//     one's next_digest_at on, and enqueues one JobDigest per user who has
//     notices waiting, with a dedupe key of user and due time, all in one
//     transaction per batch: a second sweep, a second instance or a crash
//     never enqueues a user's digest twice. The digest mail lists the
//     waiting notices, and MarkDigested marks them sent up to the last one
//     listed: a digest run again after that finds nothing.
//   - Leaving "digest" for "immediately" enqueues a digest of what was
//     waiting at once; leaving it for "none" stops those from being
//     mailed. The unread count is one indexed query with a cap.
//   - Purge forgets notifications past the instance's keeping time
//     (--notifications-keep-days, run by the hourly maintenance job),
//     except those still waiting for mail. Deleting them is not journaled:
//     they copy what the journal and the cases keep.
package inbox
