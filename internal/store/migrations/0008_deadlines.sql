-- Deadlines: who owes what by when in a case, their reminders, and each
-- user's secret calendar feed (package deadlines).

-- One obligation with an owner and a due date. participant_id is the
-- participant that owes it, or 0 for the whole case (e.g. the embargo
-- ending), which is why it has no foreign key. due_at is UTC; zone is the
-- IANA zone it was given in, for display.
CREATE TABLE deadlines (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL DEFAULT 0,
	kind TEXT NOT NULL CHECK (kind IN ('acknowledge', 'vendor_response', 'embargo_answer', 'statement', 'draft_review',
		'fix_confirm', 'embargo_end', 'cra_early_warning', 'cra_notification', 'cra_final_report', 'other')),
	title TEXT NOT NULL DEFAULT '',
	due_at {{ts}} NOT NULL,
	zone TEXT NOT NULL DEFAULT 'UTC',
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'met', 'cancelled')),
	met_at {{ts}},
	-- Reminder stages passed (sent, or skipped because they were past
	-- when the deadline was set); next_reminder_at is NULL when none is left
	-- or the deadline is no longer open.
	reminders_sent INTEGER NOT NULL DEFAULT 0,
	next_reminder_at {{ts}},
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	CHECK ((status = 'met') = (met_at IS NOT NULL)),
	CHECK (status = 'open' OR next_reminder_at IS NULL)
);
-- At most one open deadline of a kind per owner: Set replaces its date.
CREATE UNIQUE INDEX deadlines_open ON deadlines(case_id, participant_id, kind) WHERE status = 'open';
-- The sweep reads only the rows whose reminder is due.
CREATE INDEX deadlines_reminders ON deadlines(next_reminder_at, id) WHERE next_reminder_at IS NOT NULL;
-- A case's deadlines and a participant's, soonest first.
CREATE INDEX deadlines_case ON deadlines(case_id, due_at, id);
CREATE INDEX deadlines_participant ON deadlines(participant_id, due_at, id) WHERE status = 'open';

-- A user's calendar feed: the URL holds a secret, because calendar apps
-- send no cookies or tokens; only its SHA-256 is kept. Rotating replaces it.
CREATE TABLE calendar_feeds (
	user_id BIGINT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
	secret_hash TEXT NOT NULL UNIQUE,
	created_at {{ts}} NOT NULL
);
