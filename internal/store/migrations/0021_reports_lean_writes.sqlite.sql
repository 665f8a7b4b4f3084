-- Fewer index entries per report taken in (package reports): every entry
-- is a B-tree insert in the one writer, and a new report has no duplicate
-- original, no assignee and, when sent anonymously, no account. Queries
-- that look these up by value use the partial indexes (a comparison with
-- a value implies IS NOT NULL); the triage queue's unassigned view reads
-- reports_queue_assignee, which keeps the NULLs.
DROP INDEX reports_duplicate;
CREATE INDEX reports_duplicate ON reports(duplicate_of) WHERE duplicate_of IS NOT NULL;
DROP INDEX reports_assignee;
CREATE INDEX reports_assignee ON reports(assignee_id, id) WHERE assignee_id IS NOT NULL;
DROP INDEX reports_user;
CREATE INDEX reports_user ON reports(reporter_user_id, id) WHERE reporter_user_id IS NOT NULL;

-- A report's products and vendors are kept in their primary key's order
-- (WITHOUT ROWID): one B-tree per table instead of a table and the index
-- of its key.
CREATE TABLE report_products_new (
	report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL, -- lower case, single spaces: what makes two names the same
	versions TEXT NOT NULL DEFAULT '[]', -- JSON array
	PRIMARY KEY (report_id, position)
) WITHOUT ROWID;
INSERT INTO report_products_new (report_id, position, name, name_key, versions)
	SELECT report_id, position, name, name_key, versions FROM report_products;
DROP TABLE report_products;
ALTER TABLE report_products_new RENAME TO report_products;
CREATE INDEX report_products_name ON report_products(name_key, report_id);

CREATE TABLE report_vendors_new (
	report_id BIGINT NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
	position INTEGER NOT NULL,
	name TEXT NOT NULL,
	name_key TEXT NOT NULL,
	org_id BIGINT REFERENCES organisations(id) ON DELETE SET NULL,
	PRIMARY KEY (report_id, position)
) WITHOUT ROWID;
INSERT INTO report_vendors_new (report_id, position, name, name_key, org_id)
	SELECT report_id, position, name, name_key, org_id FROM report_vendors;
DROP TABLE report_vendors;
ALTER TABLE report_vendors_new RENAME TO report_vendors;
CREATE INDEX report_vendors_name ON report_vendors(name_key, report_id);
CREATE INDEX report_vendors_org ON report_vendors(org_id) WHERE org_id IS NOT NULL;
