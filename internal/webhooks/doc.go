// Package webhooks delivers an organisation's case events to its own
// tracker: signed HTTP POSTs, retried with backoff, with a delivery log.
//
// Invariants:
//   - A webhook receives exactly what a member of its organisation would
//     read in the cases' timelines (cases.Service.FeedFor): entries about
//     the case itself, its coordinators and the organisation's own
//     participant; while an embargo the organisation has not accepted
//     withholds a case's details, only its own entries. Nothing of another
//     vendor ever leaves through a webhook. Visibility is decided when the
//     dispatcher composes a delivery, and the composed body is stored, so
//     that a retry sends exactly what was decided then.
//   - Only an organisation's admins, administrators and coordinator staff
//     see or change its webhooks and their delivery logs; to anyone else
//     they do not exist (not found).
//   - The secret is 32 random bytes, shown once when the webhook is created
//     and never again. It is stored in clear, because signing every
//     delivery (HMAC-SHA256) needs it; it never appears in a list, a log
//     or the journal.
//   - The dispatcher (job JobDispatch, every minute) turns the events after
//     a webhook's cursor into delivery rows and one JobDeliver job each, and
//     advances the cursor in the same transaction with a conditional
//     UPDATE, so that two instances never dispatch an event twice. Journal
//     sequence numbers are committed in order (the journal's head row is
//     locked until commit), so a cursor never skips an event.
//   - A delivery is POSTed with X-Parley-Event, X-Parley-Delivery and
//     X-Parley-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
//     "<t>.<body>" keyed with the secret>. Redirects are not followed. Any
//     answer but 2xx, or a network error, fails the job, which the jobs
//     runner retries with its backoff up to MaxAttempts; every attempt is
//     recorded on the delivery row. Deliveries may arrive out of order:
//     the body's id is the journal seq, increasing with time.
//   - Creating and deleting a webhook are journalled in their transaction;
//     deliveries are operational records, not journal entries.
//   - URLs are https, or http to 127.0.0.1 or localhost (for tests and a
//     receiver on the same host). Unless Config.AllowPrivate, deliveries
//     reach public addresses only, checked on the address dialled after
//     DNS (dial.go), and a webhook to a literal private address or
//     localhost is refused when created.
package webhooks
