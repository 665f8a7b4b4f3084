// Package jobs is Parley's durable work queue (a transactional outbox).
//
// Invariants:
//   - A job is enqueued in the same transaction as the change that causes it,
//     so a change is never committed without its side effects being queued,
//     and no side effect runs for a change that rolled back.
//   - A worker claims a job with one conditional UPDATE and holds it for a
//     lease; a worker that dies loses the lease and the job runs again.
//     Handlers must therefore be idempotent.
//   - A failed job is retried with exponential backoff up to its maximum
//     attempts, then kept as failed for an administrator to see.
//   - Periodic work is enqueued with a key per time slot, so several Parley
//     instances on one database schedule it once.
package jobs
