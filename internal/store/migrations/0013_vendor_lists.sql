-- Saved vendor lists (package org): reusable sets of organisations that
-- coordinators add to cases at once, e.g. "DNS resolver vendors". A list
-- holds organisations and other lists (nesting); the service refuses
-- cycles.
CREATE TABLE vendor_lists (
	id {{id}},
	name TEXT NOT NULL,
	name_key TEXT NOT NULL UNIQUE,
	description TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);

CREATE TABLE vendor_list_entries (
	list_id BIGINT NOT NULL REFERENCES vendor_lists(id) ON DELETE CASCADE,
	org_id BIGINT REFERENCES organisations(id) ON DELETE CASCADE,
	sublist_id BIGINT REFERENCES vendor_lists(id) ON DELETE CASCADE,
	CHECK ((org_id IS NULL) <> (sublist_id IS NULL)),
	UNIQUE (list_id, org_id),
	UNIQUE (list_id, sublist_id)
);
CREATE INDEX vendor_list_entries_list ON vendor_list_entries(list_id);
