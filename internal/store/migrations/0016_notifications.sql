-- Notifications of users (package inbox): what each account was told about
-- the cases and reports it takes part in, shown in the web interface and
-- mailed as the user prefers (at once, in a daily digest, or not at all),
-- the user's preferences and the cases the user muted. The user's OpenPGP
-- keys for mail to them are the contact keys of package pgp (pgp_keys with
-- owner_type 'user').

-- One notice to one account. case_id and case_key name the case it is
-- about (none for a report's notice); link is a path on this instance.
-- mail says where its mail stands: 'pending' (to be mailed at once by
-- whoever recorded it), 'digest' (waits for the user's next digest),
-- 'sent' (mailed, at once or in a digest: mailed_at) or 'none' (never
-- mailed: the user wants no mail, or muted the case). dedupe_key makes
-- recording idempotent: a job that runs again records nothing twice.
CREATE TABLE notifications (
	id {{id}},
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	case_id BIGINT REFERENCES cases(id) ON DELETE CASCADE,
	case_key TEXT NOT NULL DEFAULT '',
	kind TEXT NOT NULL,
	subject TEXT NOT NULL,
	body TEXT NOT NULL DEFAULT '',
	link TEXT NOT NULL DEFAULT '',
	mail TEXT NOT NULL CHECK (mail IN ('pending', 'digest', 'sent', 'none')),
	dedupe_key TEXT,
	created_at {{ts}} NOT NULL,
	read_at {{ts}},
	mailed_at {{ts}},
	UNIQUE (user_id, dedupe_key)
);
-- A user's list, newest first.
CREATE INDEX notifications_user ON notifications(user_id, id);
-- The unread badge and the unread filter.
CREATE INDEX notifications_unread ON notifications(user_id, id) WHERE read_at IS NULL;
-- What waits for a user's digest.
CREATE INDEX notifications_digest ON notifications(user_id, id) WHERE mail = 'digest';

-- A user's preferences; a user without a row has the defaults (mail at
-- once, digest hour 07:00 UTC). next_digest_at is when the user's next
-- digest is due, set while mail is 'digest'.
CREATE TABLE notification_settings (
	user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	mail TEXT NOT NULL DEFAULT 'immediately' CHECK (mail IN ('immediately', 'digest', 'none')),
	digest_hour INTEGER NOT NULL DEFAULT 7 CHECK (digest_hour BETWEEN 0 AND 23),
	next_digest_at {{ts}},
	last_digest_at {{ts}},
	version INTEGER NOT NULL DEFAULT 1,
	updated_at {{ts}} NOT NULL,
	CHECK ((mail = 'digest') = (next_digest_at IS NOT NULL))
);
-- The digest sweep reads the due digest users only.
CREATE INDEX notification_settings_digest ON notification_settings(next_digest_at) WHERE mail = 'digest';

-- Cases a user muted: their notices are still listed (as read), never
-- mailed. case_key is kept to unmute by key.
CREATE TABLE notification_mutes (
	user_id BIGINT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	case_key TEXT NOT NULL,
	created_at {{ts}} NOT NULL,
	PRIMARY KEY (user_id, case_id)
);
CREATE UNIQUE INDEX notification_mutes_key ON notification_mutes(user_id, case_key);
