package threads

import (
	"context"
	"slices"
	"strings"

	"github.com/parleycvd/parley/internal/store"
)

// member is a participant of a case as a thread's audience sees it.
type member struct {
	Named
	OrgID  int64
	UserID int64
	Email  string // a person's own address
	// Restricted is set while an embargo is in force that the participant
	// has not accepted nor been shown the details of (cases' own rule for
	// Access.Restricted and NoticeTarget.Embargoed); coordinators never
	// are.
	Restricted bool
}

// caseMembers reads every participant of case caseID with its name.
func caseMembers(ctx context.Context, q store.Querier, caseID int64) ([]member, error) {
	return queryMembers(ctx, q, caseID, "")
}

// postMembers reads the participants a post in thread t needs to know:
// for a listed thread its audience (the coordinators and the listed), for
// a thread with the whole case the coordinators, the participants acts
// (the author's), the people taking part and the organisations the names
// a post mentions may name. A case can have thousands of vendors, and a
// post is written in the writer's transaction: it reads them all only
// for its notices, later, outside it.
func postMembers(ctx context.Context, q store.Querier, t Thread, acts []int64, names []string) ([]member, error) {
	// One indexed SELECT per kind, so that none reads the vendors.
	parts := []string{`SELECT id FROM case_participants WHERE case_id = $1 AND (',' || roles || ',') LIKE '%,coordinator,%'`}
	var args []any
	in := func(query string, vals []any) {
		if len(vals) > 0 {
			parts = append(parts, query+` IN (`+placeholders(2+len(args), len(vals))+`)`)
			args = append(args, vals...)
		}
	}
	if t.Audience != AudienceCase {
		in(`SELECT id FROM case_participants WHERE case_id = $1 AND id`, anys(t.Members))
		return queryMembers(ctx, q, t.CaseID, `p.id IN (`+strings.Join(parts, " UNION ")+`)`, args...)
	}
	parts = append(parts, `SELECT id FROM case_participants WHERE case_id = $1 AND user_id IS NOT NULL`)
	in(`SELECT id FROM case_participants WHERE case_id = $1 AND id`, anys(acts))
	var keys []any
	for _, n := range names {
		if k := orgNameKey(n); !slices.Contains(keys, any(k)) {
			keys = append(keys, k)
		}
	}
	// The organisations named, and those of the accounts named (looked up
	// as resolveMentions does). CROSS JOIN keeps SQLite reading from the
	// few names to the case, not from the case's vendors to the names.
	in(`SELECT m.id FROM organisations n CROSS JOIN case_participants m WHERE m.org_id = n.id AND m.case_id = $1 AND n.name_key`, keys)
	users := anyStrings(mentionKeys(names))
	for _, col := range []string{"LOWER(u.email)", "LOWER(u.name)"} {
		in(`SELECT m.id FROM users u CROSS JOIN memberships s CROSS JOIN case_participants m
			WHERE s.user_id = u.id AND m.org_id = s.org_id AND m.case_id = $1 AND `+col, users)
	}
	return queryMembers(ctx, q, t.CaseID, `p.id IN (`+strings.Join(parts, " UNION ")+`)`, args...)
}

// mentionKeys are what accounts' addresses and names are looked up by:
// SQLite's LOWER folds ASCII alone, so the name as written is looked up
// too, and EqualFold decides.
func mentionKeys(names []string) []string {
	var keys []string
	for _, n := range names {
		for _, k := range []string{strings.ToLower(n), n} {
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	return keys
}

func anyStrings(list []string) []any {
	out := make([]any, len(list))
	for i, s := range list {
		out[i] = s
	}
	return out
}

// orgNameKey is how the directory compares organisation names (package
// org's name_key: lower case, single spaces).
func orgNameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// queryMembers reads the participants of case caseID that meet where (all
// when it is empty), whose parameters args are numbered from $2.
func queryMembers(ctx context.Context, q store.Querier, caseID int64, where string, args ...any) ([]member, error) {
	query := `SELECT p.id, COALESCE(p.org_id, 0), COALESCE(p.user_id, 0), COALESCE(o.name, u.name, ''),
		COALESCE(u.email, ''), p.roles, p.consent_state, p.details_shared, c.em_state
		FROM case_participants p JOIN cases c ON c.id = p.case_id
		LEFT JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.user_id
		WHERE p.case_id = $1`
	if where != "" {
		query += ` AND (` + where + `)`
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY p.id`, append([]any{caseID}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []member
	for rows.Next() {
		var m member
		var roles, consent, em string
		var shared bool
		if err := rows.Scan(&m.ID, &m.OrgID, &m.UserID, &m.Name, &m.Email, &roles, &consent, &shared, &em); err != nil {
			return nil, err
		}
		m.Coordinator, m.Vendor = hasRole(roles, "coordinator"), hasRole(roles, "vendor")
		embargoed := em == "A" || em == "R"
		m.Restricted = embargoed && !shared && consent != "signatory" && consent != "lapsed" && !m.Coordinator
		out = append(out, m)
	}
	return out, rows.Err()
}

func hasRole(roles, role string) bool { return strings.Contains(","+roles+",", ","+role+",") }

// inAudience reports whether participant m reads thread t: the
// coordinators always, the listed ones of a listed thread, and everyone
// not restricted in a thread with the whole case.
func inAudience(m member, t Thread) bool {
	switch {
	case m.Coordinator:
		return true
	case t.Audience == AudienceCase:
		return !m.Restricted
	}
	return slices.Contains(t.Members, m.ID)
}

// audienceOf keeps the participants of all that read t, by ID.
func audienceOf(all []member, t Thread) map[int64]member {
	out := map[int64]member{}
	for _, m := range all {
		if inAudience(m, t) {
			out[m.ID] = m
		}
	}
	return out
}

// sortedAudience is audienceOf in order of ID.
func sortedAudience(aud map[int64]member) []member {
	out := make([]member, 0, len(aud))
	for _, m := range aud {
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b member) int { return int(a.ID - b.ID) })
	return out
}

// audienceUser is an account that reads a thread through its audience.
type audienceUser struct {
	ID    int64
	Email string
	Name  string
}

// audienceUsers returns the enabled accounts that read thread t through
// its audience aud (members of an audience organisation, or a person
// taking part), restricted to those whose address or name is in keys
// (lower case) when keys is not nil, and to ids when ids is not nil.
func audienceUsers(ctx context.Context, q store.Querier, t Thread, aud map[int64]member, keys []string, ids []int64) ([]audienceUser, error) {
	orgs := map[int64]bool{}
	var out []audienceUser
	for _, m := range sortedAudience(aud) {
		if m.OrgID != 0 {
			orgs[m.OrgID] = true
		} else if m.UserID != 0 && (ids == nil || slices.Contains(ids, m.UserID)) {
			out = append(out, audienceUser{ID: m.UserID, Email: m.Email, Name: m.Name})
		}
	}
	if len(orgs) == 0 || (keys != nil && len(keys) == 0) || (ids != nil && len(ids) == 0) {
		return out, nil
	}
	query := `SELECT DISTINCT u.id, u.email, u.name, m.org_id FROM memberships m JOIN users u ON u.id = m.user_id
		JOIN case_participants p ON p.org_id = m.org_id AND p.case_id = $1 WHERE NOT u.disabled`
	args := []any{t.CaseID}
	if keys != nil {
		query += ` AND (LOWER(u.email) IN (` + placeholders(2, len(keys)) + `) OR LOWER(u.name) IN (` + placeholders(2+len(keys), len(keys)) + `))`
		for range 2 {
			for _, k := range keys {
				args = append(args, k)
			}
		}
	}
	if ids != nil {
		query += ` AND u.id IN (` + placeholders(len(args)+1, len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY u.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var u audienceUser
		var org int64
		if err := rows.Scan(&u.ID, &u.Email, &u.Name, &org); err != nil {
			return nil, err
		}
		if orgs[org] && !slices.ContainsFunc(out, func(x audienceUser) bool { return x.ID == u.ID }) {
			out = append(out, u)
		}
	}
	return out, rows.Err()
}

// resolveMentions turns the names a post mentions into the users and
// organisations of the audience they name: an address names a user; a
// name names an organisation of the audience, else the one user of that
// name. Anything else (someone outside the audience, a name two users
// share) is no mention.
func resolveMentions(ctx context.Context, q store.Querier, t Thread, aud map[int64]member, names []string) ([]Mention, error) {
	if len(names) == 0 {
		return nil, nil
	}
	users, err := audienceUsers(ctx, q, t, aud, mentionKeys(names), nil)
	if err != nil {
		return nil, err
	}
	var out []Mention
	for _, n := range names {
		m, ok := resolveOne(n, aud, users)
		if ok && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out, nil
}

func resolveOne(name string, aud map[int64]member, users []audienceUser) (Mention, bool) {
	if strings.Contains(name, "@") {
		for _, u := range users {
			if strings.EqualFold(u.Email, name) {
				return Mention{UserID: u.ID, Name: u.Name}, true
			}
		}
		return Mention{}, false
	}
	for _, m := range sortedAudience(aud) {
		if m.OrgID != 0 && strings.EqualFold(m.Name, name) {
			return Mention{OrgID: m.OrgID, Name: m.Name}, true
		}
	}
	var found []audienceUser
	for _, u := range users {
		if strings.EqualFold(u.Name, name) {
			found = append(found, u)
		}
	}
	if len(found) != 1 {
		return Mention{}, false
	}
	return Mention{UserID: found[0].ID, Name: found[0].Name}, true
}
