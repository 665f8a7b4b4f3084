-- Silent vendors (package cases): the case's reminder schedule, each
-- vendor's escalation stage, its last answer, and when it was flagged
-- unresponsive by the rule of ../shared/DOMAIN.md.
ALTER TABLE cases ADD COLUMN remind_after_days INTEGER NOT NULL DEFAULT 7 CHECK (remind_after_days BETWEEN 1 AND 180);
ALTER TABLE cases ADD COLUMN alternate_after_days INTEGER NOT NULL DEFAULT 14 CHECK (alternate_after_days BETWEEN 1 AND 180);
ALTER TABLE cases ADD COLUMN flag_after_days INTEGER NOT NULL DEFAULT 21 CHECK (flag_after_days BETWEEN 1 AND 365);
ALTER TABLE case_participants ADD COLUMN last_response_at {{ts}};
-- 0: notified; 1: reminded; 2: alternate contacts written to; 3: flagged.
ALTER TABLE case_participants ADD COLUMN escalation_stage INTEGER NOT NULL DEFAULT 0 CHECK (escalation_stage BETWEEN 0 AND 3);
ALTER TABLE case_participants ADD COLUMN unresponsive_at {{ts}};
-- The escalation job reads only contacted vendors not flagged yet.
CREATE INDEX case_participants_escalating ON case_participants(first_contact_at)
	WHERE first_contact_at IS NOT NULL AND unresponsive_at IS NULL;
