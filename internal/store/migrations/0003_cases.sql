-- Cases: one coordinated disclosure with its vulnerabilities and
-- participants, and the states of the Vultron model (internal/cases).

-- The last case number given out in each year; keys are PREFIX-YEAR-NNNN.
CREATE TABLE case_counters (
	case_year INTEGER PRIMARY KEY,
	last_number INTEGER NOT NULL
);

CREATE TABLE cases (
	id {{id}},
	key TEXT NOT NULL UNIQUE,
	title TEXT NOT NULL,
	summary TEXT NOT NULL DEFAULT '',
	-- The case's EM state as its letter (N P A R X).
	em_state TEXT NOT NULL DEFAULT 'N' CHECK (em_state IN ('N', 'P', 'A', 'R', 'X')),
	-- The case-wide part of the CS state (P, X, A) in the six-letter form of
	-- protocol.CSState.String: v, f and d are always lower case here, the
	-- vendors' own V, F and D live on their participants.
	cs_global TEXT NOT NULL DEFAULT 'vfdpxa' CHECK (cs_global IN
		('vfdpxa', 'vfdPxa', 'vfdpXa', 'vfdPXa', 'vfdpxA', 'vfdPxA', 'vfdpXA', 'vfdPXA')),
	embargo_ends_at {{ts}},
	version INTEGER NOT NULL DEFAULT 1,
	created_by BIGINT REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
CREATE INDEX cases_em ON cases(em_state, id);
CREATE INDEX cases_created_by ON cases(created_by, id);

CREATE TABLE case_vulnerabilities (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	title TEXT NOT NULL,
	description TEXT NOT NULL DEFAULT '',
	cwe TEXT NOT NULL DEFAULT '',
	cvss31_vector TEXT NOT NULL DEFAULT '',
	cvss31_score DOUBLE PRECISION,
	cvss40_vector TEXT NOT NULL DEFAULT '',
	cvss40_score DOUBLE PRECISION,
	cve_id TEXT NOT NULL DEFAULT '',
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	CHECK ((cvss31_vector = '') = (cvss31_score IS NULL)),
	CHECK ((cvss40_vector = '') = (cvss40_score IS NULL))
);
CREATE INDEX case_vulnerabilities_case ON case_vulnerabilities(case_id, id);

-- A participant is an organisation or, for a reporter without one, a
-- person: exactly one of org_id and user_id is set.
CREATE TABLE case_participants (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	org_id BIGINT REFERENCES organisations(id),
	user_id BIGINT REFERENCES users(id),
	-- A set of vendor, reporter, coordinator, deployer, other: a comma list
	-- in that order, checked by the service.
	roles TEXT NOT NULL CHECK (roles <> ''),
	rm_state TEXT NOT NULL CHECK (rm_state IN ('S', 'R', 'I', 'V', 'A', 'D', 'C')),
	consent_state TEXT NOT NULL DEFAULT 'none' CHECK (consent_state IN ('none', 'invited', 'signatory', 'declined', 'lapsed')),
	-- A vendor's or deployer's own V, F and D ('vfd' ... 'VFD'); NULL for
	-- participants without them.
	vfd_state TEXT CHECK (vfd_state IN ('vfd', 'Vfd', 'VFd', 'VFD')),
	added_at {{ts}} NOT NULL,
	added_by BIGINT REFERENCES users(id),
	first_contact_at {{ts}},
	last_contact_at {{ts}},
	contact_attempts INTEGER NOT NULL DEFAULT 0,
	delivery_failures INTEGER NOT NULL DEFAULT 0,
	first_view_at {{ts}},
	first_response_at {{ts}},
	statement_at {{ts}},
	version INTEGER NOT NULL DEFAULT 1,
	updated_at {{ts}} NOT NULL,
	CHECK ((org_id IS NULL) <> (user_id IS NULL)),
	UNIQUE (case_id, org_id),
	UNIQUE (case_id, user_id)
);
CREATE INDEX case_participants_case ON case_participants(case_id, id);
CREATE INDEX case_participants_org ON case_participants(org_id, case_id);
CREATE INDEX case_participants_user ON case_participants(user_id, case_id);
-- The coordinators of a case, found without reading its vendors.
CREATE INDEX case_participants_coordinators ON case_participants(case_id)
	WHERE (',' || roles || ',') LIKE '%,coordinator,%';

-- An index of the journal's entries about each case: which participant an
-- entry concerns (0 for the case itself), so that a participant's timeline
-- reads its own entries and not its 10,000 neighbours'. Written in the
-- transaction of the entry; the journal stays the record.
CREATE TABLE case_events (
	seq BIGINT PRIMARY KEY REFERENCES journal(seq),
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	participant_id BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX case_events_case ON case_events(case_id, seq);
CREATE INDEX case_events_participant ON case_events(case_id, participant_id, seq);
