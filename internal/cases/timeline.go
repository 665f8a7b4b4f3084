package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Event is one entry of a case's timeline.
type Event struct {
	Seq     int64 // the journal entry's number: Page.After for the next page
	At      time.Time
	Actor   string // who did it: an account's e-mail address, or "system"
	Action  string // e.g. "case.rm", "case.participant_added"
	Message protocol.MessageType
	// Summary says what happened in plain words, e.g. "Acme: report Valid
	// (was Received)".
	Summary string
}

// Timeline returns a page of what happened in a case, oldest first, from
// the journal. Those who manage the case see every entry; the members of
// another participant see the entries about the case itself, about the
// coordinators and about their own participant.
func (s *Service) Timeline(ctx context.Context, p auth.Principal, caseID int64, page store.Page) ([]Event, error) {
	q := s.db.Read()
	a, err := access(ctx, q, p, caseID)
	if err != nil {
		return nil, err
	}
	if err := CanView(p, a); err != nil {
		return nil, err
	}
	if _, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, caseID)); err != nil {
		return nil, err
	}
	var roles map[int64]Roles
	var seen []int64  // the participants whose entries p sees; nil for all
	if a.Restricted { // before accepting the embargo: only what concerns them
		seen = a.Participants
	} else if !manages(p, a) {
		if roles, err = coordinatorRoles(ctx, q, caseID); err != nil {
			return nil, err
		}
		seen = append(slices.Sorted(maps.Keys(roles)), a.Participants...)
	}
	out := []Event{}
	after := page.After
	for len(out) < page.Size() {
		list, err := entries(ctx, q, caseID, after, page.Size(), seen)
		if err != nil {
			return nil, err
		}
		for _, je := range list {
			after = je.seq
			sees := SeesEntry(p, a, je.data.Participant, roles[je.data.Participant])
			if a.Restricted {
				sees = a.Acts(je.data.Participant)
			}
			if sees && len(out) < page.Size() {
				out = append(out, je.event())
			}
		}
		if len(list) < page.Size() {
			break
		}
	}
	return out, nil
}

// journalEntry is a case's journal entry as Timeline reads it.
type journalEntry struct {
	seq    int64
	at     time.Time
	actor  string
	action string
	data   entry
}

func (je journalEntry) event() Event {
	ev := Event{Seq: je.seq, At: je.at.UTC(), Actor: je.actor, Action: je.action, Summary: summary(je.action, je.data)}
	if je.data.Message != "" {
		ev.Message, _ = protocol.ParseMessageType(je.data.Message)
	}
	return ev
}

// entries reads up to limit of a case's journal entries after seq after,
// through the case_events index: with seen not nil, only the entries about
// the case itself (participant 0) and about the participants in seen. The
// journal table is only read, never written.
func entries(ctx context.Context, q store.Querier, caseID, after int64, limit int, seen []int64) ([]journalEntry, error) {
	args := []any{caseID, after}
	filter := ""
	if seen != nil {
		filter = ` AND e.participant_id IN (0`
		for _, id := range seen {
			args = append(args, id)
			filter += `, $` + itoa(len(args))
		}
		filter += `)`
	}
	args = append(args, limit)
	rows, err := q.QueryContext(ctx, `SELECT j.seq, j.at, j.actor, j.action, j.data FROM case_events e JOIN journal j ON j.seq = e.seq
		WHERE e.case_id = $1 AND e.seq > $2`+filter+` ORDER BY e.seq LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []journalEntry
	for rows.Next() {
		var je journalEntry
		var data string
		if err := rows.Scan(&je.seq, &je.at, &je.actor, &je.action, &data); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(data), &je.data); err != nil {
			return nil, fmt.Errorf("journal entry %d: %w", je.seq, err)
		}
		out = append(out, je)
	}
	return out, rows.Err()
}

// coordinatorRoles returns the roles of a case's coordinators by
// participant ID: the participants everyone in the case sees.
func coordinatorRoles(ctx context.Context, q store.Querier, caseID int64) (map[int64]Roles, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, roles FROM case_participants WHERE case_id = $1
		AND (',' || roles || ',') LIKE '%,coordinator,%'`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[int64]Roles{}
	for rows.Next() {
		var id int64
		var roles string
		if err := rows.Scan(&id, &roles); err != nil {
			return nil, err
		}
		m[id] = parseRoles(roles)
	}
	return m, rows.Err()
}

// summary says what an entry records in plain words.
func summary(action string, d entry) string {
	switch action {
	case "case.created":
		return fmt.Sprintf("Case %s opened: %s", d.Key, d.Title)
	case "case.participant_added":
		s := fmt.Sprintf("%s joined as %s", d.Name, roleWords(parseRoles(d.Roles)))
		if d.Message != "" {
			s += " and was invited to the embargo"
		}
		return s
	case "case.vulnerability_added":
		return "Vulnerability added: " + vulnWords(d)
	case "case.vulnerability_updated":
		return "Vulnerability updated: " + vulnWords(d)
	case "case.rm":
		return rmWords(d)
	case "case.em":
		return emWords(d)
	case "case.consent":
		return fmt.Sprintf("%s: embargo consent %s (was %s)", d.Name, d.To, d.From)
	case "case.cs":
		return csWords(d)
	case "case.contacted":
		return fmt.Sprintf("%s was notified (%s)", d.Name, d.Channel)
	case "case.delivery_failed":
		return fmt.Sprintf("Notifying %s failed (%s)", d.Name, d.Channel)
	case "case.viewed":
		return d.Name + " looked at the case for the first time"
	}
	if d.Text != "" {
		return d.Text
	}
	return action
}

func roleWords(r Roles) string {
	words := make([]string, len(r))
	for i, x := range r {
		words[i] = string(x)
	}
	if len(words) < 2 {
		return strings.Join(words, "")
	}
	return strings.Join(words[:len(words)-1], ", ") + " and " + words[len(words)-1]
}

func vulnWords(d entry) string {
	if d.CVE != "" {
		return fmt.Sprintf("%s (%s)", d.Title, d.CVE)
	}
	return d.Title
}

func rmWords(d entry) string {
	to, err1 := protocol.ParseRMState(d.To)
	from, err2 := protocol.ParseRMState(d.From)
	if err1 != nil || err2 != nil {
		return d.Name + ": report state changed"
	}
	s := fmt.Sprintf("%s: report %s (was %s)", d.Name, to.Name(), from.Name())
	if d.Event == protocol.RMReceive.String() {
		s = d.Name + " received the report"
	}
	if d.Reason != "" {
		s += "; reason: " + d.Reason
	}
	return s
}

func emWords(d entry) string {
	to, err1 := protocol.ParseEMState(d.To)
	from, err2 := protocol.ParseEMState(d.From)
	if err1 != nil || err2 != nil {
		return "Embargo changed"
	}
	s := fmt.Sprintf("Embargo %s (was %s)", emWord(to), emWord(from))
	if d.Implied {
		s += ", as the case state requires"
	}
	states := slices.Sorted(maps.Keys(d.Consent))
	var counts []string
	for _, st := range states {
		counts = append(counts, fmt.Sprintf("%d %s", d.Consent[st], st))
	}
	if len(counts) > 0 {
		s += "; consent: " + strings.Join(counts, ", ")
	}
	return s
}

// emWord names an EM state in plain words.
func emWord(s protocol.EMState) string {
	switch s {
	case protocol.EMNone:
		return "none"
	case protocol.EMProposed:
		return "proposed"
	case protocol.EMActive:
		return "in force"
	case protocol.EMRevise:
		return "in force, revision proposed"
	}
	return "ended"
}

func csWords(d entry) string {
	e, err := protocol.ParseCSEvent(d.Event)
	if err != nil {
		return "Case state changed"
	}
	name := e.Name()
	s := strings.ToUpper(name[:1]) + name[1:]
	if d.Participant != 0 {
		s = d.Name + ": " + name
	}
	if d.Implied {
		s += " (implied)"
	}
	return s
}
