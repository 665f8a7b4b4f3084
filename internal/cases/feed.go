package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// FeedEvent is one entry of a case's timeline as an organisation's
// participant in the case sees it: what FeedFor hands to webhooks.
type FeedEvent struct {
	Seq     int64 // the journal entry's number: afterSeq for the next call
	CaseID  int64
	CaseKey string
	At      time.Time
	Action  string // e.g. "case.rm"
	Summary string
	Message string // the protocol message type, e.g. "RV"; empty for none
}

// FeedFor returns up to limit entries after journal entry afterSeq, oldest
// first, of the timelines of every case in which organisation orgID takes
// part, each as that organisation's participant may see it by the rules
// of Timeline: the entries about the case itself, the coordinators and
// itself (all of them when it coordinates the case); while an embargo it
// has not accepted withholds the case's details, only its own entries.
// Visibility is decided when FeedFor runs, as Timeline decides it when it
// is read. FeedFor checks no principal: it is for the instance's own
// deliveries to the organisation (webhooks), whose callers check who
// manages them.
func (s *Service) FeedFor(ctx context.Context, orgID int64, afterSeq int64, limit int) ([]FeedEvent, error) {
	limit = store.Page{Limit: limit}.Size()
	q := s.db.Read()
	views, err := orgAccess(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	out := []FeedEvent{}
	after := afterSeq
	for len(views) > 0 && len(out) < limit {
		list, err := feedEntries(ctx, q, orgID, after, limit)
		if err != nil {
			return nil, err
		}
		for _, fe := range list {
			after = fe.seq
			v, ok := views[fe.caseID]
			if !ok || !feedSees(v.access, fe.data.Participant, parseRoles(fe.roles)) || len(out) >= limit {
				continue
			}
			ev := fe.event()
			out = append(out, FeedEvent{Seq: ev.Seq, CaseID: fe.caseID, CaseKey: v.key, At: ev.At, Action: ev.Action,
				Summary: ev.Summary, Message: messageCode(ev.Message)})
		}
		if len(list) < limit {
			break
		}
	}
	return out, nil
}

// feedSees applies Timeline's rules for an organisation's participant
// (never staff: the zero Principal) to an entry about participant, whose
// roles are given.
func feedSees(a Access, participant int64, roles Roles) bool {
	if a.Restricted {
		return a.Acts(participant)
	}
	return SeesEntry(auth.Principal{}, a, participant, roles)
}

func messageCode(m protocol.MessageType) string {
	if m == 0 {
		return ""
	}
	return m.String()
}

// orgView is how an organisation takes part in one case.
type orgView struct {
	key    string
	access Access
}

// orgAccess finds the organisation's participants by case, with the
// Access that access computes for a member of it.
func orgAccess(ctx context.Context, q store.Querier, orgID int64) (map[int64]orgView, error) {
	rows, err := q.QueryContext(ctx, `SELECT p.id, p.case_id, p.roles, p.consent_state, p.details_shared, c.em_state, c.key
		FROM case_participants p JOIN cases c ON c.id = p.case_id WHERE p.org_id = $1`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]orgView{}
	for rows.Next() {
		var id, caseID int64
		var roles, consent, em, key string
		var shared bool
		if err := rows.Scan(&id, &caseID, &roles, &consent, &shared, &em, &key); err != nil {
			return nil, err
		}
		r := parseRoles(roles)
		a := Access{Participants: []int64{id}, Coordinator: r.Has(RoleCoordinator)}
		a.Restricted = !seesDetails(r, consent, em, shared) && !a.Coordinator // as access does
		m[caseID] = orgView{key: key, access: a}
	}
	return m, rows.Err()
}

// feedEntry is a journal entry of a case the organisation takes part in,
// with the current roles of the participant it is about ("" for none).
type feedEntry struct {
	journalEntry
	caseID int64
	roles  string
}

// feedEntries reads up to limit journal entries after seq after of the
// cases in which organisation orgID takes part. The SQL leaves out the
// entries about other participants that are not coordinators, unless the
// organisation coordinates the case; FeedFor decides the rest.
func feedEntries(ctx context.Context, q store.Querier, orgID, after int64, limit int) ([]feedEntry, error) {
	rows, err := q.QueryContext(ctx, `SELECT j.seq, j.at, j.actor, j.action, j.data, e.case_id, COALESCE(ep.roles, '')
		FROM case_events e
		JOIN case_participants op ON op.case_id = e.case_id AND op.org_id = $1
		JOIN journal j ON j.seq = e.seq
		LEFT JOIN case_participants ep ON ep.id = e.participant_id
		WHERE e.seq > $2 AND (e.participant_id = 0 OR e.participant_id = op.id
			OR (',' || ep.roles || ',') LIKE '%,coordinator,%' OR (',' || op.roles || ',') LIKE '%,coordinator,%')
		ORDER BY e.seq LIMIT $3`, orgID, after, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedEntry
	for rows.Next() {
		var fe feedEntry
		var data string
		if err := rows.Scan(&fe.seq, &fe.at, &fe.actor, &fe.action, &data, &fe.caseID, &fe.roles); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &fe.data); err != nil {
			return nil, fmt.Errorf("journal entry %d: %w", fe.seq, err)
		}
		out = append(out, fe)
	}
	return out, rows.Err()
}
