-- Embargo terms and their negotiation, disclosure policies (package cases).
-- The case's EM state and each participant's consent stay where 0003 put
-- them; these tables hold what the model does not: dates, who proposed
-- what, and who answered.

-- Who may propose embargo terms in a case: its coordinators only, or any
-- participant. The zone is the IANA time zone the terms in force were
-- given in, for display beside UTC.
ALTER TABLE cases ADD COLUMN embargo_proposers TEXT NOT NULL DEFAULT 'participants'
	CHECK (embargo_proposers IN ('coordinators', 'participants'));
ALTER TABLE cases ADD COLUMN embargo_zone TEXT NOT NULL DEFAULT '';

-- When a participant's consent last changed: how long an invitation has
-- gone unanswered. details_shared: the coordinator shared the case's
-- details before the participant accepted the embargo (recorded).
ALTER TABLE case_participants ADD COLUMN consent_at {{ts}};
ALTER TABLE case_participants ADD COLUMN details_shared BOOLEAN NOT NULL DEFAULT FALSE;
-- The silence job reads only the open invitations.
CREATE INDEX case_participants_invited ON case_participants(consent_at) WHERE consent_state = 'invited';

-- Every set of terms put to a case. At most one is pending (the EM state
-- is P or R); queued ones are competing defaults waiting to become a
-- revision once an embargo is in force.
CREATE TABLE embargo_proposals (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	-- proposal: made without an embargo in force; revision: with one.
	kind TEXT NOT NULL CHECK (kind IN ('proposal', 'revision')),
	ends_at {{ts}} NOT NULL,
	zone TEXT NOT NULL,
	justification TEXT NOT NULL DEFAULT '',
	-- manual, or the disclosure policy of the proposer's organisation.
	source TEXT NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'policy')),
	proposed_by BIGINT NOT NULL REFERENCES case_participants(id) ON DELETE CASCADE,
	proposed_by_user BIGINT REFERENCES users(id),
	status TEXT NOT NULL CHECK (status IN ('queued', 'pending', 'accepted', 'rejected', 'superseded')),
	-- Why it was decided as it was, e.g. "put in force by the coordinator".
	outcome TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	decided_at {{ts}}
);
CREATE INDEX embargo_proposals_case ON embargo_proposals(case_id, id);
CREATE UNIQUE INDEX embargo_proposals_pending ON embargo_proposals(case_id) WHERE status = 'pending';

-- Each participant's answer to a proposal, with its words.
CREATE TABLE embargo_answers (
	proposal_id BIGINT NOT NULL REFERENCES embargo_proposals(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL REFERENCES case_participants(id) ON DELETE CASCADE,
	-- silence: no answer within the silence period, counted as a rejection.
	answer TEXT NOT NULL CHECK (answer IN ('accept', 'reject', 'silence')),
	comment TEXT NOT NULL DEFAULT '',
	answered_by BIGINT REFERENCES users(id),
	answered_at {{ts}} NOT NULL,
	PRIMARY KEY (proposal_id, participant_id)
);

-- An organisation's published disclosure policy and default embargo.
CREATE TABLE disclosure_policies (
	org_id BIGINT PRIMARY KEY REFERENCES organisations(id) ON DELETE CASCADE,
	preset TEXT NOT NULL DEFAULT 'custom',
	days INTEGER NOT NULL CHECK (days BETWEEN 1 AND 365),
	-- The event the days count from.
	counts_from TEXT NOT NULL CHECK (counts_from IN ('first_contact', 'report', 'proposal')),
	justification TEXT NOT NULL DEFAULT '',
	statement TEXT NOT NULL DEFAULT '', -- the policy in the organisation's words (Markdown)
	version INTEGER NOT NULL DEFAULT 1,
	updated_by BIGINT REFERENCES users(id),
	updated_at {{ts}} NOT NULL
);

-- EU Cyber Resilience Act clocks of a case marked as an actively exploited
-- vulnerability reported under the CRA: the manufacturer's awareness and
-- the fix's availability start them; the times reports were made stop them.
CREATE TABLE case_cra (
	case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
	manufacturer_id BIGINT NOT NULL REFERENCES case_participants(id) ON DELETE CASCADE,
	aware_at {{ts}} NOT NULL,
	fix_available_at {{ts}},
	early_warning_at {{ts}},
	notification_at {{ts}},
	final_report_at {{ts}},
	early_warning_ref TEXT NOT NULL DEFAULT '',
	notification_ref TEXT NOT NULL DEFAULT '',
	final_report_ref TEXT NOT NULL DEFAULT '',
	marked_by BIGINT REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
