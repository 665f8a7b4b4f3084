-- Vendor status (VEX) in a case (package status): what each vendor states
-- per vulnerability and product, and what the coordinators approved for
-- publication.

CREATE TABLE vendor_statements (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	-- The vendor participant that states it; only its members edit it.
	participant_id BIGINT NOT NULL REFERENCES case_participants(id),
	vulnerability_id BIGINT NOT NULL REFERENCES case_vulnerabilities(id),
	product TEXT NOT NULL CHECK (product <> ''),
	purl TEXT NOT NULL DEFAULT '',
	cpe TEXT NOT NULL DEFAULT '',
	-- The affected versions as constraints (">=2.0 <2.4.1 || =1.9.7"),
	-- checked by status.ParseVersions; '' for every version.
	versions TEXT NOT NULL DEFAULT '',
	fixed_version TEXT NOT NULL DEFAULT '',
	status TEXT NOT NULL CHECK (status IN ('under_investigation', 'affected', 'not_affected', 'fixed')),
	-- OpenVEX's justification of not_affected, and only there.
	justification TEXT NOT NULL DEFAULT '' CHECK (justification IN ('', 'component_not_present',
		'vulnerable_code_not_present', 'vulnerable_code_not_in_execute_path',
		'vulnerable_code_cannot_be_controlled_by_adversary', 'inline_mitigations_already_exist')),
	action_statement TEXT NOT NULL DEFAULT '',
	statement TEXT NOT NULL DEFAULT '',
	-- http(s) URLs, one a line.
	refs TEXT NOT NULL DEFAULT '',
	-- Shown to the case's other participants before publication.
	shared BOOLEAN NOT NULL DEFAULT FALSE,
	-- Approved for publication by a coordinator; any edit returns it to a
	-- draft (all three NULL or '').
	approved_at {{ts}},
	approved_by BIGINT REFERENCES users(id),
	approved_by_name TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users(id),
	version INTEGER NOT NULL DEFAULT 1,
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	CHECK ((status = 'not_affected') = (justification <> '')),
	CHECK (status <> 'fixed' OR fixed_version <> ''),
	CHECK (status <> 'affected' OR action_statement <> ''),
	CHECK ((approved_at IS NULL) = (approved_by_name = '')),
	UNIQUE (participant_id, vulnerability_id, product)
);
CREATE INDEX vendor_statements_case ON vendor_statements(case_id, id);
CREATE INDEX vendor_statements_vulnerability ON vendor_statements(vulnerability_id);

-- The version of each case's OpenVEX document: it goes up whenever the set
-- of approved statements changes.
CREATE TABLE vex_documents (
	case_id BIGINT PRIMARY KEY REFERENCES cases(id) ON DELETE CASCADE,
	version INTEGER NOT NULL,
	first_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL
);
