-- Full-text indexing of new reports leaves the submission's transaction:
-- FTS5 writes a segment per transaction (per savepoint, in a grouped
-- commit), which made indexing half the cost of taking a report in.
-- reports.Service indexes the reports above indexed_through in batches,
-- before every search and from a periodic job, so that a search never
-- misses a report that was taken in.
DROP TRIGGER reports_fts_insert;

CREATE TABLE reports_fts_state (
	id INTEGER PRIMARY KEY CHECK (id = 1),
	indexed_through INTEGER NOT NULL
);
INSERT INTO reports_fts_state (id, indexed_through) VALUES (1, COALESCE((SELECT MAX(id) FROM reports), 0));

-- An edit re-indexes a report only once it is indexed; one not indexed yet
-- is indexed as it is then.
DROP TRIGGER reports_fts_update;
CREATE TRIGGER reports_fts_update AFTER UPDATE OF title, tracking_id, products_text, vendors_text, description,
	proof_of_concept, impact, how_found, already_reported_to, public_details, tracking_ids ON reports
	WHEN old.id <= (SELECT indexed_through FROM reports_fts_state WHERE id = 1) BEGIN
	DELETE FROM reports_fts WHERE rowid = old.id;
	INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title,
		new.tracking_id || ' ' || new.products_text || ' ' || new.vendors_text || ' ' || new.description || ' ' ||
		new.proof_of_concept || ' ' || new.impact || ' ' || new.how_found || ' ' || new.already_reported_to || ' ' ||
		new.public_details || ' ' || new.tracking_ids);
END;
