-- Disclosure programs (package org): an organisation's public page for
-- reporters at /programs/{slug}: what is in and out of scope, its
-- safe-harbour terms, what to expect and when, and its contact notes.
-- The disclosure policy itself stays in disclosure_policies (package
-- cases); the page shows both.
CREATE TABLE programs (
	org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
	-- The stable address: lower-case letters, digits and hyphens.
	slug TEXT NOT NULL UNIQUE,
	-- Unpublished programs are seen only by those who edit them.
	published BOOLEAN NOT NULL DEFAULT FALSE,
	scope_in TEXT NOT NULL DEFAULT '',     -- Markdown
	scope_out TEXT NOT NULL DEFAULT '',    -- Markdown
	safe_harbour TEXT NOT NULL DEFAULT '', -- Markdown
	-- The acknowledgement target in business days; 0: the instance's
	-- reports policy.
	ack_days INTEGER NOT NULL DEFAULT 0 CHECK (ack_days BETWEEN 0 AND 30),
	notes TEXT NOT NULL DEFAULT '',        -- contact and other notes (Markdown)
	version INTEGER NOT NULL DEFAULT 1,
	updated_by BIGINT REFERENCES users(id) ON DELETE SET NULL,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
-- The public index reads the published programs in order of organisation.
CREATE INDEX programs_published ON programs(published, org_id);
