// Package auth holds user accounts and how people and programs prove who
// they are: passwords (argon2id), TOTP second factors, server-side sessions
// and API tokens. It also defines the Principal every other package checks
// permissions against.
//
// Invariants:
//   - Secrets are stored only as hashes: passwords with argon2id, session
//     IDs, API tokens and one-time links with SHA-256. A lost database does
//     not hand out sessions or tokens.
//   - Every authentication event (login, failure, lockout, logout, second
//     factor, token and session changes) is journaled in the transaction
//     that makes it.
//   - A session becomes a full session only after the second factor, and a
//     session's ID changes whenever its privilege does (rotation).
//   - A TOTP code is accepted at most once.
package auth
