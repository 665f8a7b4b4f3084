-- Report intake and triage (package reports); full-text search follows in 0006.

-- Tracking IDs count per year: RPT-2026-000001, RPT-2026-000002...
CREATE TABLE report_counters (
	year INTEGER PRIMARY KEY,
	last BIGINT NOT NULL
);

CREATE TABLE reports (
	id {{id}},
	tracking_id TEXT NOT NULL UNIQUE,
	followup_hash TEXT NOT NULL UNIQUE, -- SHA-256 of the follow-up secret
	channel TEXT NOT NULL CHECK (channel IN ('web', 'api', 'email')),
	reporter_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
	reporter_key TEXT NOT NULL DEFAULT '', -- 'u:<user id>', 'e:<address>' or '' for quotas and track records

	title TEXT NOT NULL,
	description TEXT NOT NULL,
	proof_of_concept TEXT NOT NULL DEFAULT '',
	impact TEXT NOT NULL DEFAULT '',
	how_found TEXT NOT NULL DEFAULT '',
	found_on TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD or YYYY-MM, '' when unknown
	already_reported_to TEXT NOT NULL DEFAULT '',
	public_details TEXT NOT NULL DEFAULT '',
	publicly_known BOOLEAN NOT NULL DEFAULT FALSE,
	exploit_public BOOLEAN NOT NULL DEFAULT FALSE,
	actively_exploited BOOLEAN NOT NULL DEFAULT FALSE,
	critical BOOLEAN NOT NULL DEFAULT FALSE,
	disclosure_date TEXT NOT NULL DEFAULT '', -- as given, local to disclosure_zone
	disclosure_zone TEXT NOT NULL DEFAULT '', -- IANA time zone
	disclosure_at {{ts}},                     -- the same moment in UTC
	disclosure_notes TEXT NOT NULL DEFAULT '',
	contact_name TEXT NOT NULL DEFAULT '',
	contact_org TEXT NOT NULL DEFAULT '',
	contact_email TEXT NOT NULL DEFAULT '',
	pgp_key TEXT NOT NULL DEFAULT '', -- armoured, as given
	share_contact BOOLEAN NOT NULL DEFAULT FALSE,
	credit TEXT NOT NULL CHECK (credit IN ('none', 'named', 'anonymous')),
	credit_name TEXT NOT NULL DEFAULT '',
	tracking_ids TEXT NOT NULL DEFAULT '[]', -- JSON array of other IDs (CVE, vendor tickets)
	ai_use TEXT NOT NULL CHECK (ai_use IN ('none', 'assisted', 'generated', 'unstated')),
	ai_details TEXT NOT NULL DEFAULT '',
	products_text TEXT NOT NULL DEFAULT '', -- products and versions in one line, for lists and search
	vendors_text TEXT NOT NULL DEFAULT '',

	status TEXT NOT NULL CHECK (status IN ('new', 'open', 'waiting', 'closed')),
	rm_state TEXT NOT NULL CHECK (rm_state IN ('R', 'I', 'V', 'A', 'D', 'C')), -- the coordinator's RM state
	outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'valid', 'invalid', 'duplicate')),
	resolution TEXT NOT NULL DEFAULT '', -- the canned reason of the last invalidate, defer or close
	priority TEXT NOT NULL DEFAULT 'none' CHECK (priority IN ('none', 'low', 'medium', 'high', 'urgent')),
	assignee_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
	duplicate_of BIGINT REFERENCES reports(id),
	case_id BIGINT REFERENCES cases(id), -- the case opened from (or joined by) this report
	ssvc_outcome TEXT NOT NULL DEFAULT '' CHECK (ssvc_outcome IN ('', 'Decline', 'Track', 'Coordinate')),
	ssvc_selections TEXT NOT NULL DEFAULT '', -- SSVC selection list JSON
	assessed_at {{ts}},

	received_at {{ts}} NOT NULL,
	acknowledged_at {{ts}},
	waiting_since {{ts}},                     -- set while status = 'waiting'
	paused_seconds BIGINT NOT NULL DEFAULT 0, -- time spent waiting for the reporter, before waiting_since
	closed_at {{ts}},
	active BOOLEAN NOT NULL DEFAULT TRUE, -- status <> 'closed', for the queue's indexes
	updated_at {{ts}} NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK ((status = 'waiting') = (waiting_since IS NOT NULL)),
	CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
	CHECK ((rm_state = 'C') = (status = 'closed')),
	CHECK (active = (status <> 'closed'))
);
-- The triage queue reads pages in id order under each filter. Its default
-- view is the active reports (not closed): "active" is a column, not
-- "closed_at IS NULL", so that an equality puts it inside the indexes that
-- keep id order under a filter, and PostgreSQL can keep statistics of its
-- combination with the filters (see below).
CREATE INDEX reports_queue ON reports(active, id);
CREATE INDEX reports_queue_assignee ON reports(assignee_id, active, id);
CREATE INDEX reports_queue_priority ON reports(priority, active, id);
CREATE INDEX reports_status ON reports(status, id);
CREATE INDEX reports_assignee ON reports(assignee_id, id);
CREATE INDEX reports_priority ON reports(priority, id);
CREATE INDEX reports_reporter ON reports(reporter_key, received_at);
CREATE INDEX reports_user ON reports(reporter_user_id, id);
CREATE INDEX reports_duplicate ON reports(duplicate_of);

CREATE TABLE report_products (
	report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL, -- lower case, single spaces: what makes two names the same
	versions TEXT NOT NULL DEFAULT '[]', -- JSON array
	PRIMARY KEY (report_id, position)
);
CREATE INDEX report_products_name ON report_products(name_key, report_id);

CREATE TABLE report_vendors (
	report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
	PRIMARY KEY (report_id, position)
);
CREATE INDEX report_vendors_name ON report_vendors(name_key, report_id);
CREATE INDEX report_vendors_org ON report_vendors(org_id);

-- Attachments are stored, never interpreted: content_type is what
-- http.DetectContentType sniffed, for information only.
CREATE TABLE report_attachments (
	id {{id}},
	report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	name TEXT NOT NULL,
	content_type TEXT NOT NULL,
	size BIGINT NOT NULL,
	sha256 TEXT NOT NULL,
	data {{blob}} NOT NULL,
	created_at {{ts}} NOT NULL
);
CREATE INDEX report_attachments_report ON report_attachments(report_id);

-- The conversation between the reporter and the coordinator. Internal
-- messages are coordinator notes a reporter never sees.
CREATE TABLE report_messages (
	id {{id}},
	report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	author TEXT NOT NULL CHECK (author IN ('reporter', 'coordinator', 'system')),
	author_user_id BIGINT REFERENCES users(id) ON DELETE SET NULL,
	kind TEXT NOT NULL CHECK (kind IN ('message', 'reply', 'note', 'question', 'notice')),
	body TEXT NOT NULL,
	internal BOOLEAN NOT NULL DEFAULT FALSE,
	created_at {{ts}} NOT NULL,
	CHECK (internal = (kind = 'note'))
);
CREATE INDEX report_messages_report ON report_messages(report_id, id);
