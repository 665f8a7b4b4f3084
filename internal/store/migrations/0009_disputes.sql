-- Disputes in a case and their mediation (package disputes).

-- The coordinator participant a case was handed to as neutral mediator of
-- its disputes. Without a row the case's lead coordinator (its coordinator
-- participant with the lowest ID) mediates.
CREATE TABLE dispute_mediators (
	case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL REFERENCES case_participants(id),
	reason TEXT NOT NULL,
	handed_by BIGINT REFERENCES users(id),
	handed_at {{ts}} NOT NULL
);

CREATE TABLE disputes (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	topic TEXT NOT NULL CHECK (topic IN ('reproducibility', 'security_implications', 'deployed_impact',
		'whether_to_disclose', 'disclosure_detail', 'timing', 'extension', 'other')),
	title TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'resolved', 'unresolved', 'withdrawn')),
	opened_by_participant BIGINT NOT NULL REFERENCES case_participants(id),
	opened_by_user BIGINT REFERENCES users(id),
	mediator_participant BIGINT NOT NULL REFERENCES case_participants(id),
	-- An extension request: the end asked for, and the IANA zone it was
	-- given in ('' when given as an RFC 3339 time with an offset).
	requested_until {{ts}},
	requested_zone TEXT NOT NULL DEFAULT '',
	-- The mediator's answer to an extension request.
	answer TEXT NOT NULL DEFAULT '' CHECK (answer IN ('', 'granted', 'partly', 'denied')),
	granted_until {{ts}},
	granted_zone TEXT NOT NULL DEFAULT '',
	-- The reasons of a denial or partial grant, of closing unresolved, or
	-- of withdrawing.
	reasons TEXT NOT NULL DEFAULT '',
	-- The accepted resolution's text, once resolved by agreement.
	outcome TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	resolved_at {{ts}},
	version INTEGER NOT NULL DEFAULT 1,
	CHECK ((topic = 'extension') = (requested_until IS NOT NULL)),
	CHECK ((status = 'open') = (resolved_at IS NULL)),
	CHECK ((answer IN ('granted', 'partly')) = (granted_until IS NOT NULL)),
	CHECK (answer = '' OR topic = 'extension')
);
CREATE INDEX disputes_case ON disputes(case_id, id);
CREATE INDEX disputes_status ON disputes(status, id);
CREATE INDEX disputes_mediator ON disputes(mediator_participant, status, id);

-- The participants in a dispute (the opener's among them) and the position
-- each stated: visible to the mediator only ('coordinator') or to the other
-- parties too ('parties').
CREATE TABLE dispute_parties (
	dispute_id BIGINT NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL REFERENCES case_participants(id),
	position TEXT NOT NULL DEFAULT '',
	position_visibility TEXT NOT NULL DEFAULT 'parties' CHECK (position_visibility IN ('coordinator', 'parties')),
	position_by TEXT NOT NULL DEFAULT '', -- the author's account as the journal names it
	position_at {{ts}},
	PRIMARY KEY (dispute_id, participant_id),
	CHECK ((position = '') = (position_at IS NULL))
);
CREATE INDEX dispute_parties_participant ON dispute_parties(participant_id, dispute_id);

-- The mediator's proposals; a new one supersedes the pending one.
CREATE TABLE dispute_resolutions (
	id {{id}},
	dispute_id BIGINT NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	proposal TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'rejected', 'superseded')),
	proposed_by TEXT NOT NULL,
	proposed_by_user BIGINT REFERENCES users(id),
	proposed_at {{ts}} NOT NULL,
	decided_at {{ts}},
	CHECK ((status = 'pending') = (decided_at IS NULL))
);
CREATE INDEX dispute_resolutions_dispute ON dispute_resolutions(dispute_id, id);
CREATE UNIQUE INDEX dispute_resolutions_pending ON dispute_resolutions(dispute_id) WHERE status = 'pending';

-- Each party's answer to a proposal.
CREATE TABLE dispute_answers (
	resolution_id BIGINT NOT NULL REFERENCES dispute_resolutions(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL REFERENCES case_participants(id),
	accept BOOLEAN NOT NULL,
	comment TEXT NOT NULL DEFAULT '',
	answered_by TEXT NOT NULL,
	answered_at {{ts}} NOT NULL,
	PRIMARY KEY (resolution_id, participant_id)
);

-- The mediation thread: posts of the parties and the mediator.
CREATE TABLE dispute_messages (
	id {{id}},
	dispute_id BIGINT NOT NULL REFERENCES disputes(id) ON DELETE CASCADE,
	author TEXT NOT NULL,
	author_user BIGINT REFERENCES users(id),
	participant_id BIGINT REFERENCES case_participants(id), -- NULL: an administrator mediating
	mediator BOOLEAN NOT NULL DEFAULT FALSE,
	body TEXT NOT NULL, -- Markdown source
	created_at {{ts}} NOT NULL
);
CREATE INDEX dispute_messages_dispute ON dispute_messages(dispute_id, id);
