-- OpenPGP and inbound mail: the instance's own key pairs, the contact keys
-- of users and organisations, and every message received by mail.

-- The instance's key pairs. The current one has no retired_at; retired ones
-- are kept to decrypt mail that was encrypted to them. armored_private is
-- locked with a passphrase only when one is configured.
CREATE TABLE instance_keys (
	id {{id}},
	fingerprint TEXT NOT NULL UNIQUE,
	armored_private TEXT NOT NULL,
	armored_public TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	retired_at {{ts}}
);
-- At most one current key, even when two servers create one at once.
CREATE UNIQUE INDEX instance_keys_one_current ON instance_keys ((retired_at IS NULL)) WHERE retired_at IS NULL;

-- Public keys of users and organisations, for encrypting mail to them and
-- checking their signatures.
CREATE TABLE pgp_keys (
	id {{id}},
	owner_type TEXT NOT NULL CHECK (owner_type IN ('user', 'org')),
	owner_id BIGINT NOT NULL,
	fingerprint TEXT NOT NULL,
	armored TEXT NOT NULL,
	expires_at {{ts}},
	created_at {{ts}} NOT NULL,
	UNIQUE (owner_type, owner_id, fingerprint)
);
CREATE INDEX pgp_keys_fingerprint ON pgp_keys(fingerprint);

-- The lower-cased addresses in each key's user IDs, for finding the keys of
-- a sender.
CREATE TABLE pgp_key_emails (
	key_id BIGINT NOT NULL REFERENCES pgp_keys(id) ON DELETE CASCADE,
	email TEXT NOT NULL,
	PRIMARY KEY (key_id, email)
);
CREATE INDEX pgp_key_emails_email ON pgp_key_emails(email);

-- Every message received, stored before it is parsed so that nothing is
-- ever dropped; what could not be parsed is quarantined with the reason.
-- mail_from and subject are read from the raw header for listing only.
CREATE TABLE inbound_mail (
	id {{id}},
	received_at {{ts}} NOT NULL,
	raw {{blob}} NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'quarantined')),
	reason TEXT NOT NULL DEFAULT '',
	message_id TEXT NOT NULL DEFAULT '',
	mail_from TEXT NOT NULL DEFAULT '',
	subject TEXT NOT NULL DEFAULT ''
);
CREATE INDEX inbound_mail_status ON inbound_mail(status, id);
CREATE INDEX inbound_mail_message_id ON inbound_mail(message_id);
