// Package journal is Parley's append-only log of every state change: who
// did what to which object, when, with the details as JSON.
//
// Invariants:
//   - An entry is written in the same transaction as the change it records,
//     by Append, and never updated or deleted (the database refuses both).
//   - Entries are numbered 1, 2, 3... without gaps; each carries the hash of
//     the previous entry and a SHA-256 hash over its own fields and that
//     previous hash, so that any change to a stored entry breaks the chain
//     from that entry on. Verify replays the chain and names the first
//     broken entry.
//   - Appends take turns through the single journal_head row, which also
//     holds the newest hash, so two transactions can never fork the chain.
package journal
