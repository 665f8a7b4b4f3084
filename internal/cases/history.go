package cases

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/protocol"
)

// CSHistory is the case-state history of one vendor (or deployer) in one
// case: its own V, F and D and the case's P, X and A, in the order they
// were recorded, with when.
type CSHistory struct {
	CaseID     int64
	CaseKey    string
	Vendor     int64 // the participant
	VendorName string
	Events     []CSRecord
}

// CSRecord is one recorded CS event.
type CSRecord struct {
	Event protocol.CSEvent
	At    time.Time
}

// CSHistories reads from the journal the history of every vendor of every
// case created at or after since (zero: all cases), for skill metrics over
// the whole instance. It checks no permission: it serves administrators'
// reports, never a request.
func (s *Service) CSHistories(ctx context.Context, since time.Time) ([]CSHistory, error) {
	q := s.db.Read()
	rows, err := q.QueryContext(ctx, `SELECT c.id, c.key, p.id, COALESCE(o.name, u.name, '') FROM case_participants p
		JOIN cases c ON c.id = p.case_id LEFT JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.user_id
		WHERE p.vfd_state IS NOT NULL AND c.created_at >= $1 ORDER BY c.id, p.id`, since.UTC())
	if err != nil {
		return nil, err
	}
	var out []CSHistory
	byCase := map[int64][]int{} // case -> indexes into out
	for rows.Next() {
		var h CSHistory
		if err := rows.Scan(&h.CaseID, &h.CaseKey, &h.Vendor, &h.VendorName); err != nil {
			rows.Close()
			return nil, err
		}
		byCase[h.CaseID] = append(byCase[h.CaseID], len(out))
		out = append(out, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, s.addEvents(ctx, out, byCase)
}

// addEvents distributes the journal's case.cs entries: a vendor's own to it,
// the case-wide ones to every vendor of the case.
func (s *Service) addEvents(ctx context.Context, out []CSHistory, byCase map[int64][]int) error {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT object_id, at, data FROM journal
		WHERE object_type = 'case' AND action = 'case.cs' ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var at time.Time
		var data []byte
		if err := rows.Scan(&id, &at, &data); err != nil {
			return err
		}
		caseID, _ := strconv.ParseInt(id, 10, 64)
		var e entry
		if err := json.Unmarshal(data, &e); err != nil {
			return err
		}
		ev, err := protocol.ParseCSEvent(e.Event)
		if err != nil {
			return err
		}
		for _, i := range byCase[caseID] {
			if ev.CaseWide() || out[i].Vendor == e.Participant {
				out[i].Events = append(out[i].Events, CSRecord{Event: ev, At: at})
			}
		}
	}
	return rows.Err()
}
