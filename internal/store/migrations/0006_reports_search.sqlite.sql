-- Full-text search over reports on SQLite.
-- Full-text search: an FTS5 table kept in step with reports by triggers.
-- rowid is the report's id.
CREATE VIRTUAL TABLE reports_fts USING fts5(title, body, tokenize = 'porter unicode61');

CREATE TRIGGER reports_fts_insert AFTER INSERT ON reports BEGIN
	INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title,
		new.tracking_id || ' ' || new.products_text || ' ' || new.vendors_text || ' ' || new.description || ' ' ||
		new.proof_of_concept || ' ' || new.impact || ' ' || new.how_found || ' ' || new.already_reported_to || ' ' ||
		new.public_details || ' ' || new.tracking_ids);
END;

CREATE TRIGGER reports_fts_update AFTER UPDATE OF title, tracking_id, products_text, vendors_text, description,
	proof_of_concept, impact, how_found, already_reported_to, public_details, tracking_ids ON reports BEGIN
	DELETE FROM reports_fts WHERE rowid = old.id;
	INSERT INTO reports_fts (rowid, title, body) VALUES (new.id, new.title,
		new.tracking_id || ' ' || new.products_text || ' ' || new.vendors_text || ' ' || new.description || ' ' ||
		new.proof_of_concept || ' ' || new.impact || ' ' || new.how_found || ' ' || new.already_reported_to || ' ' ||
		new.public_details || ' ' || new.tracking_ids);
END;

CREATE TRIGGER reports_fts_delete AFTER DELETE ON reports BEGIN
	DELETE FROM reports_fts WHERE rowid = old.id;
END;
