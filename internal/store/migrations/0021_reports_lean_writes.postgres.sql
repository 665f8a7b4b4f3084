-- Fewer index entries per report taken in (package reports): a new report
-- has no duplicate original, no assignee and, when sent anonymously, no
-- account, and most vendors named are not (yet) in the directory. Queries
-- that look these up by value use the partial indexes (a comparison with
-- a value implies IS NOT NULL); the triage queue's unassigned view reads
-- reports_queue_assignee, which keeps the NULLs. (On SQLite the product
-- and vendor tables also lose their rowid; PostgreSQL has none to lose.)
DROP INDEX reports_duplicate;
CREATE INDEX reports_duplicate ON reports(duplicate_of) WHERE duplicate_of IS NOT NULL;
DROP INDEX reports_assignee;
CREATE INDEX reports_assignee ON reports(assignee_id, id) WHERE assignee_id IS NOT NULL;
DROP INDEX reports_user;
CREATE INDEX reports_user ON reports(reporter_user_id, id) WHERE reporter_user_id IS NOT NULL;
DROP INDEX report_vendors_org;
CREATE INDEX report_vendors_org ON report_vendors(org_id) WHERE org_id IS NOT NULL;
