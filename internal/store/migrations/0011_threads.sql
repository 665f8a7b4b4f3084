-- Discussion threads in cases (package threads).

-- A case's settings for threads. Without a row every setting is off.
CREATE TABLE thread_settings (
	case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
	-- Vendors may start threads with other vendors of the case (which
	-- shows them the names of the case's vendors).
	vendors_invite_vendors BOOLEAN NOT NULL DEFAULT FALSE,
	updated_by BIGINT REFERENCES users(id),
	updated_at {{ts}} NOT NULL
);

-- A thread is read by its audience: 'case' is every participant of the
-- case (not those still bound by an embargo they have not accepted);
-- 'listed' is the case's coordinators and the participants in
-- thread_members.
CREATE TABLE threads (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	audience TEXT NOT NULL CHECK (audience IN ('case', 'listed')),
	started_by_participant BIGINT REFERENCES case_participants(id), -- NULL: staff acting for no participant
	started_by_user BIGINT REFERENCES users(id),
	author TEXT NOT NULL, -- the account as the journal names it
	created_at {{ts}} NOT NULL,
	last_post_at {{ts}} NOT NULL,
	posts INTEGER NOT NULL DEFAULT 0,
	version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX threads_case ON threads(case_id, last_post_at);

CREATE TABLE thread_members (
	thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL REFERENCES case_participants(id),
	PRIMARY KEY (thread_id, participant_id)
);
CREATE INDEX thread_members_participant ON thread_members(participant_id, thread_id);

CREATE TABLE thread_posts (
	id {{id}},
	thread_id BIGINT NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
	author TEXT NOT NULL,
	author_user BIGINT REFERENCES users(id),
	participant_id BIGINT REFERENCES case_participants(id), -- NULL: staff acting for no participant
	body TEXT NOT NULL, -- Markdown source
	created_at {{ts}} NOT NULL,
	edited_at {{ts}},
	version INTEGER NOT NULL DEFAULT 1,
	pinned BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX thread_posts_thread ON thread_posts(thread_id, id);

-- Every earlier body of an edited post: version is the one it had.
CREATE TABLE thread_post_edits (
	post_id BIGINT NOT NULL REFERENCES thread_posts(id) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	body TEXT NOT NULL,
	edited_by TEXT NOT NULL,
	edited_by_user BIGINT REFERENCES users(id),
	edited_at {{ts}} NOT NULL,
	PRIMARY KEY (post_id, version)
);

-- Who a post mentions: a user or an organisation of the thread's audience
-- when it was written (other mentions stay plain text).
CREATE TABLE thread_mentions (
	post_id BIGINT NOT NULL REFERENCES thread_posts(id) ON DELETE CASCADE,
	user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
	org_id BIGINT REFERENCES organisations(id) ON DELETE CASCADE,
	CHECK ((user_id IS NULL) <> (org_id IS NULL))
);
CREATE UNIQUE INDEX thread_mentions_user ON thread_mentions(post_id, user_id) WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX thread_mentions_org ON thread_mentions(post_id, org_id) WHERE org_id IS NOT NULL;

-- Files are stored, never interpreted: content_type is what
-- http.DetectContentType sniffed, for information only.
CREATE TABLE thread_attachments (
	id {{id}},
	post_id BIGINT NOT NULL REFERENCES thread_posts(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	data {{blob}} NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX thread_attachments_post ON thread_attachments(post_id, id);
