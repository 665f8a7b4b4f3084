// Package pgp is Parley's OpenPGP: parsing the public keys people paste,
// encrypting, signing, verifying and decrypting messages, the instance's own
// key pair (Keyring), the contact keys of users and organisations (Contacts)
// and PGP/MIME (RFC 3156) bodies for outbound mail.
//
// It is built on github.com/ProtonMail/gopenpgp/v3 (over ProtonMail's
// go-crypto): its defaults refuse unauthenticated (non-MDC) messages, weak
// RSA keys and decompression bombs, which is what a coordinator reading
// hostile mail needs.
//
// Invariants:
//   - ParseKey accepts exactly one public key that is neither expired nor
//     revoked and can encrypt now; it refuses private keys outright (the
//     error tells the person to paste the public key), garbage, several keys
//     at once and input over MaxKeyBytes. Errors are errs.Field("key", ...).
//   - Keys loaded back from the database are not re-judged: a stored key may
//     expire later, and Key.Expired, Key.Revoked and Key.CanEncrypt say so;
//     Encrypt refuses recipients that cannot encrypt at the time given.
//   - Every function that reads untrusted bytes (ParseKey, Decrypt, Verify,
//     VerifyCleartext) returns an error instead of panicking, even when the
//     OpenPGP library panics; such errors are of kind errs.Internal so that
//     tests and fuzzers notice them.
//   - The Keyring has at most one current key (a partial unique index
//     enforces it, so two servers starting at once cannot both create one);
//     generation and rotation are journaled ("pgp.key_generated",
//     "pgp.key_rotated") in the same transaction as the insert. Retired keys
//     are kept so that mail encrypted to them can still be read.
//   - The instance's private keys are stored in the instance_keys table. Unless
//     KeyringConfig.Passphrase is set they are stored unencrypted: anyone who
//     can read the database (or a backup of it) can decrypt mail sent to the
//     instance. With a passphrase they are stored locked with it, and the
//     passphrase must then come from configuration at every start.
//   - Contact keys are journaled when added, refreshed or removed
//     ("pgp.contact_key_added", "pgp.contact_key_updated",
//     "pgp.contact_key_removed"). This package cannot see accounts: whoever
//     calls Contacts decides who may manage whose keys, and should check that
//     a key's user IDs name the owner's address (Key.HasEmail) before trusting
//     ForEmail's answer for that owner.
//   - All times passed in and out are UTC; nothing here reads the wall clock:
//     functions take now, services take a now func.
package pgp
