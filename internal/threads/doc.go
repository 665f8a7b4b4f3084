// Package threads keeps the discussion threads of a case: a title, an
// audience, Markdown posts with @mentions, attachments, edit history and
// pinned posts. It is built on cases (threads imports cases, never the
// reverse).
//
// Invariants:
//   - Nothing of a thread reaches anyone outside its audience. The
//     audience is the whole case (every participant, except those bound by
//     an embargo they have not accepted, cases.Access.Restricted) or listed
//     (the case's coordinators and the listed participants, restricted or
//     not). Those who manage the case (cases.Manages) see every thread; to
//     anyone else a thread outside their audience does not exist
//     (errs.NotFound), in lists, pages, downloads and notices alike. The
//     audience of a thread never changes. Inside it, a post shows the name
//     of the participant its author wrote for (in a thread with the whole
//     case, to every participant: writing there is speaking to all).
//   - Who sees and does what is decided by the pure functions of
//     permission.go: those who manage the case start threads with any
//     audience and pin posts; other participants start threads with the
//     coordinators, and vendors with other vendors too when the case's
//     setting VendorsInviteVendors is on (which shows them the names of
//     the case's vendors); everyone who sees a thread posts in it; authors
//     alone edit their posts, against the version they read.
//   - Every change is one transaction that first locks the case
//     ((*cases.Service).Within), checks, then writes the rows, its journal
//     entries and, for each post, one JobPost for the notices. A refused
//     change writes nothing. A closed case (cases.Within.Closed) takes no
//     change.
//   - A thread's start is written on the case timeline with
//     cases.RecordNote so that only its audience sees it there: about the
//     case (participant 0) for a thread with the whole case, else one
//     entry per listed participant that is not a coordinator (an entry
//     about a participant shows to it and to those who manage the case);
//     a thread among coordinators alone is journaled about the thread
//     only. Posts, edits, pins and settings are journaled about the thread
//     (object type "thread") or the case's settings (object type
//     "thread_settings") alone, never with a post's text: the text and
//     every earlier version of it live in thread_posts and
//     thread_post_edits.
//   - A mention (@name, @[Name with spaces], @someone@example.org) counts
//     only when it names a user or an organisation of the thread's audience
//     when the post is written or edited; anything else stays plain text
//     and notifies nobody. An edit tells only the mentions it adds.
//     Notices carry the case key, the thread's title and a link, never a
//     post's text (mail is not encrypted).
//   - Attachments are stored, never interpreted, bounded per file, per post
//     and in number (Limits), and handed out only as downloads to those
//     who see the thread.
//   - threads reads case_participants, organisations, memberships and
//     users to find a thread's audience; it never writes them.
//
// Journal actions: thread.started (about the case, or about the thread
// when only coordinators are in it), thread.posted, thread.edited,
// thread.pinned, thread.unpinned (about the thread) and thread.settings
// (about the case's thread settings).
package threads
