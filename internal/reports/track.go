package reports

import (
	"context"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/store"
)

// TrackRecord counts a reporter's reports by the coordinator's verdict.
type TrackRecord struct {
	Valid     int
	Duplicate int
	Invalid   int
	Pending   int // not judged yet
}

// Known reports whether the reporter has had a report judged valid: the
// track record that lifts the quota for newcomers.
func (t TrackRecord) Known() bool { return t.Valid > 0 }

// TrackRecord returns the track record of a reporter's account, for
// coordinator staff.
func (s *Service) TrackRecord(ctx context.Context, p auth.Principal, userID int64) (TrackRecord, error) {
	if err := CanTriage(p); err != nil {
		return TrackRecord{}, err
	}
	key := "u:" + strconv.FormatInt(userID, 10)
	m, err := trackRecords(ctx, s.db.Read(), []string{key})
	return m[key], err
}

// trackRecords counts the reports of each reporter key ("" is nobody).
func trackRecords(ctx context.Context, q store.Querier, keys []string) (map[string]TrackRecord, error) {
	out := map[string]TrackRecord{}
	var args []any
	var marks []string
	for _, k := range keys {
		if _, dup := out[k]; k == "" || dup {
			continue
		}
		out[k] = TrackRecord{}
		args = append(args, k)
		marks = append(marks, "$"+strconv.Itoa(len(args)))
	}
	if len(args) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT reporter_key, outcome, COUNT(*) FROM reports WHERE reporter_key IN (`+
		strings.Join(marks, ", ")+`) GROUP BY reporter_key, outcome`, args...)
	if err != nil {
		return out, err
	}
	defer rows.Close()
	for rows.Next() {
		var key, outcome string
		var n int
		if err := rows.Scan(&key, &outcome, &n); err != nil {
			return out, err
		}
		t := out[key]
		switch Outcome(outcome) {
		case OutcomeValid:
			t.Valid += n
		case OutcomeDuplicate:
			t.Duplicate += n
		case OutcomeInvalid:
			t.Invalid += n
		default:
			t.Pending += n
		}
		out[key] = t
	}
	return out, rows.Err()
}
