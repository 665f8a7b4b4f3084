-- Full-text search over reports on PostgreSQL, and planner statistics for the queue.

-- Which priorities and assignees the active reports have is not what the
-- whole table suggests (urgent reports get closed); without these the
-- planner may walk every active report looking for an urgent one.
CREATE STATISTICS reports_active_priority (mcv) ON priority, active FROM reports;
CREATE STATISTICS reports_active_assignee (mcv) ON assignee_id, active FROM reports;

-- Full-text search: a generated tsvector (titles, products and vendors
-- weigh more than the text) with a GIN index.
ALTER TABLE reports ADD COLUMN search tsvector GENERATED ALWAYS AS (
	setweight(to_tsvector('english', title || ' ' || tracking_id || ' ' || products_text || ' ' || vendors_text), 'A') ||
	setweight(to_tsvector('english', description || ' ' || proof_of_concept || ' ' || impact || ' ' || how_found || ' ' ||
		already_reported_to || ' ' || public_details || ' ' || tracking_ids), 'B')
) STORED;
CREATE INDEX reports_search ON reports USING GIN (search);
