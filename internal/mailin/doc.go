// Package mailin takes in e-mail: an SMTP listener (Server), a parser for
// untrusted messages (Parse) and the inbound_mail table where every message
// is kept (Intake), so that a later report intake can turn mail into
// reports.
//
// Invariants:
//   - Nothing received is ever dropped: Intake.Process stores the raw
//     message (status "received", journaled "mail.received") before parsing
//     it, and a message that cannot be parsed is kept with status
//     "quarantined" and the reason ("mail.quarantined") for a coordinator to
//     look at. The SMTP server answers 250 only once the message is stored,
//     and a temporary 451 when storing failed, so the sender retries.
//   - Nothing stays "received" for good: Retry (the periodic job JobRetry)
//     tries a message left "received" again some minutes after it arrived,
//     then after waits that double, each attempt counted (attempts) and
//     claimed in its own transaction ("mail.retry") before it runs, so that
//     two instances never try one message at once and an attempt that
//     crashes the server still counts; a failed attempt is journaled
//     ("mail.retry_failed") with its reason, and after the last one the
//     message is quarantined with the reason. The Taker that files a
//     message is idempotent (it finds what an earlier attempt filed).
//   - Parse never panics on any input; it returns an error saying why (kind
//     errs.Invalid, or errs.TooLarge for a limit). A panic inside a library
//     becomes an errs.Internal error, which tests and fuzzers treat as a bug.
//   - Limits bound the total size, the number of MIME parts (counted over all
//     levels, inline OpenPGP blocks included) and the nesting depth
//     (multiparts and decryption layers).
//   - A signature counts (Signed, SignedBy, SignatureValid) only when it
//     covers the whole content: a signed part beside unsigned parts, or an
//     inline signed block with other text around it, is reported as not
//     valid, with SignatureProblem saying why. The same holds for the
//     protected Subject of an encrypted part. Encrypted is true when any
//     encrypted content was decrypted; Notes say when some of it was not.
//   - The SMTP server accepts mail only for addresses at its Domain, and all
//     of its goroutines have stopped when Serve or ListenAndServe returns,
//     which they do when their context is cancelled.
//   - Who may list or read stored mail is for the caller to decide; this
//     package does not see accounts.
package mailin
