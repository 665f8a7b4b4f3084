-- Reporter capacity (package reports): whether the reporter hands the
-- follow-up with the vendors over to the coordinator, or coordinates with
-- the vendors themselves with the coordinator's advice. '' until the
-- reporter chooses; capacity_at is when they last chose.
ALTER TABLE reports ADD COLUMN capacity TEXT NOT NULL DEFAULT '' CHECK (capacity IN ('', 'coordinator', 'reporter'));
ALTER TABLE reports ADD COLUMN capacity_at {{ts}};
