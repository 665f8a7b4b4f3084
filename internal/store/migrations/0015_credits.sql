-- Credits of a case (package credits): who is credited for what, in the
-- CVE JSON 5 credit types, and the credited person's answer.

-- The credited is an account (user_id) or, for someone without one, a
-- name with an optional e-mail address. A credit of an account is
-- accepted or declined by its user; one of a name by those who manage the
-- case on the person's behalf, with a reason.
CREATE TABLE credits (
	id {{id}},
	case_id BIGINT NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
	type TEXT NOT NULL CHECK (type IN ('finder', 'reporter', 'analyst', 'coordinator', 'remediation_developer',
		'remediation_reviewer', 'remediation_verifier', 'tool', 'sponsor', 'other')),
	user_id BIGINT REFERENCES users(id) ON DELETE CASCADE,
	name TEXT NOT NULL DEFAULT '',
	email TEXT NOT NULL DEFAULT '',
	organisation TEXT NOT NULL DEFAULT '',
	-- The vulnerability of the case the credit is for; none for the case
	-- as a whole.
	vulnerability_id BIGINT REFERENCES case_vulnerabilities(id) ON DELETE SET NULL,
	status TEXT NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'accepted', 'declined')),
	-- The credited chose to stay anonymous: published as "Anonymous".
	anonymous BOOLEAN NOT NULL DEFAULT FALSE,
	-- The name as the credited wants it printed ('' for the account's
	-- name, or the name given).
	printed_name TEXT NOT NULL DEFAULT '',
	-- Why those who manage the case set the answer of a credit without an
	-- account.
	reason TEXT NOT NULL DEFAULT '',
	created_by BIGINT REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	updated_at {{ts}} NOT NULL,
	version INTEGER NOT NULL DEFAULT 1,
	CHECK ((user_id IS NULL) = (name <> '')),
	CHECK (user_id IS NULL OR email = ''),
	CHECK (status = 'accepted' OR (NOT anonymous AND printed_name = ''))
);
CREATE INDEX credits_case ON credits(case_id, id);
CREATE INDEX credits_user ON credits(user_id, id);
