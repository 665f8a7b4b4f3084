-- Accounts, organisations, the journal, jobs and mail: the foundation.
CREATE TABLE users (
	id {{id}},
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	password_hash TEXT NOT NULL,
	is_admin BOOLEAN NOT NULL DEFAULT FALSE,
	is_staff BOOLEAN NOT NULL DEFAULT FALSE,
	disabled BOOLEAN NOT NULL DEFAULT FALSE,
	totp_secret TEXT NOT NULL DEFAULT '',
	totp_enabled BOOLEAN NOT NULL DEFAULT FALSE,
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0,
	locked_until {{ts}},
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);

CREATE TABLE sessions (
	id_hash TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	mfa_done BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {{ts}} NOT NULL,
	last_seen_at {{ts}} NOT NULL,
	expires_at {{ts}} NOT NULL,
	user_agent TEXT NOT NULL DEFAULT '',
	ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

-- One-time links: instance setup, invitations and password resets.
CREATE TABLE user_links (
	hash TEXT PRIMARY KEY,
	kind TEXT NOT NULL CHECK (kind IN ('setup', 'invite', 'reset')),
	user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
	created_at {{ts}} NOT NULL,
	expires_at {{ts}} NOT NULL,
	used_at {{ts}}
);

CREATE TABLE api_tokens (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	scope TEXT NOT NULL CHECK (scope IN ('read', 'write')),
	created_at {{ts}} NOT NULL,
	expires_at {{ts}},
	revoked_at {{ts}},
	last_used_at {{ts}}
);
CREATE INDEX api_tokens_user ON api_tokens(user_id);

CREATE TABLE organisations (
	id {{id}},
	name TEXT NOT NULL,
	name_key TEXT NOT NULL UNIQUE,
	kind TEXT NOT NULL CHECK (kind IN ('coordinator', 'vendor', 'research', 'deployer', 'isac', 'other')),
	description TEXT NOT NULL DEFAULT '',
	website TEXT NOT NULL DEFAULT '',
	security_email TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);

CREATE TABLE memberships (
	org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	role TEXT NOT NULL CHECK (role IN ('member', 'admin')),
	created_at {{ts}} NOT NULL,
	PRIMARY KEY (org_id, user_id)
);
CREATE INDEX memberships_user ON memberships(user_id);

CREATE TABLE journal (
	seq BIGINT PRIMARY KEY,
	at {{ts}} NOT NULL,
	actor_id BIGINT,
	actor TEXT NOT NULL,
	action TEXT NOT NULL,
	object_type TEXT NOT NULL,
	object_id TEXT NOT NULL,
	data TEXT NOT NULL,
	prev_hash TEXT NOT NULL,
	hash TEXT NOT NULL
);
CREATE INDEX journal_object ON journal(object_type, object_id);

-- The head of the hash chain: one row, locked by every append so that
-- concurrent writers on PostgreSQL take turns.
CREATE TABLE journal_head (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	seq BIGINT NOT NULL,
	hash TEXT NOT NULL
);
INSERT INTO journal_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE jobs (
	id {{id}},
	kind TEXT NOT NULL,
	payload TEXT NOT NULL,
	state TEXT NOT NULL CHECK (state IN ('pending', 'running', 'done', 'failed')),
	run_at {{ts}} NOT NULL,
	attempts INTEGER NOT NULL DEFAULT 0,
	max_attempts INTEGER NOT NULL,
	locked_until {{ts}},
	last_error TEXT NOT NULL DEFAULT '',
	dedupe_key TEXT UNIQUE,
	created_at {{ts}} NOT NULL,
	finished_at {{ts}}
);
CREATE INDEX jobs_due ON jobs(state, run_at);

-- Mail kept in the database by the embedded default's sender, for
-- administrators to read in the UI instead of needing an SMTP server.
CREATE TABLE mailbox (
	id {{id}},
	mail_from TEXT NOT NULL,
	mail_to TEXT NOT NULL,
	subject TEXT NOT NULL,
	message TEXT NOT NULL,
	created_at {{ts}} NOT NULL
);

CREATE TABLE idempotency_keys (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	status INTEGER NOT NULL,
	body TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	PRIMARY KEY (user_id, key)
);

CREATE TABLE settings (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
