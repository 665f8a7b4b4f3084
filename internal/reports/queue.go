package reports

import (
	"context"
	"database/sql"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// AnyStatus in a Filter selects reports in every status, closed ones too.
const AnyStatus Status = "all"

// Unassigned in a Filter selects the reports assigned to nobody.
const Unassigned int64 = -1

// Filter selects reports for the triage queue.
type Filter struct {
	Status   Status   // "" selects every report not closed
	Assignee int64    // 0: anyone; Unassigned: nobody
	Priority Priority // "": any
	Query    string   // words to search for; a tracking ID finds its report
	Page     store.Page
}

// QueueItem is a line of the triage queue.
type QueueItem struct {
	ID                int64
	TrackingID        string
	Title             string
	Products          string // one line, e.g. "Router X 1.0, 1.1; Hub"
	Vendors           string
	Status            Status
	RM                protocol.RMState
	Outcome           Outcome
	Priority          Priority
	AssigneeID        int64
	Channel           Channel
	ActivelyExploited bool
	Critical          bool
	DuplicateOf       int64
	SSVCOutcome       string
	ReceivedAt        time.Time
	AcknowledgedAt    time.Time
	Age               time.Duration // time with the coordinator, without waiting for the reporter
	AckDue            time.Time     // the acknowledgement target; zero once acknowledged
	Overdue           bool          // not acknowledged and past AckDue
	ReporterUserID    int64
	Reporter          TrackRecord // of the reporter's account, or of their address
	Version           int
}

var trackingIDPattern = regexp.MustCompile(`^(?i)RPT-\d{4}-\d{6,}$`)

// Queue lists reports for triage, oldest first (the order of their IDs):
// at most f.Page.Size() of them after f.Page.After.
func (s *Service) Queue(ctx context.Context, p auth.Principal, f Filter) ([]QueueItem, error) {
	if err := CanTriage(p); err != nil {
		return nil, err
	}
	from, where, args, err := s.queueWhere(f)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(from, "reports_fts") {
		if _, err := s.catchUp(ctx); err != nil {
			return nil, err
		}
	}
	order := "r.id"
	if strings.HasPrefix(from, "reports_fts") {
		order = "f.rowid" // the same, but SQLite then reads the FTS index in order
	}
	args = append(args, f.Page.Size())
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+queueColumns+` FROM `+from+` WHERE `+strings.Join(where, " AND ")+
		` ORDER BY `+order+` LIMIT $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []QueueItem
	var keys []string
	now := s.clock()
	for rows.Next() {
		it, key, err := s.scanItem(rows, now)
		if err != nil {
			return nil, err
		}
		items, keys = append(items, it), append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	records, err := trackRecords(ctx, s.db.Read(), keys)
	if err != nil {
		return nil, err
	}
	for i := range items {
		items[i].Reporter = records[keys[i]]
	}
	return items, nil
}

// Get returns a report with its triage state, for coordinator staff.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (Report, error) {
	r, err := load(ctx, s.db.Read(), id)
	if err != nil {
		return Report{}, err
	}
	if err := CanTriageReport(p, r.ReporterUserID); err != nil {
		return Report{}, err
	}
	return r, nil
}

// queueWhere turns a filter into the tables to read, SQL conditions and
// their arguments.
func (s *Service) queueWhere(f Filter) (string, []string, []any, error) {
	from, where, args := "reports r", []string{"r.id > $1"}, []any{f.Page.After}
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, strings.ReplaceAll(cond, "$?", "$"+strconv.Itoa(len(args))))
	}
	switch f.Status {
	case "":
		where = append(where, "r.active = TRUE")
	case AnyStatus:
	case StatusNew, StatusOpen, StatusWaiting, StatusClosed:
		add("r.status = $?", string(f.Status))
	default:
		return "", nil, nil, errs.Field("status", "must be new, open, waiting, closed or all")
	}
	switch {
	case f.Assignee == Unassigned:
		where = append(where, "r.assignee_id IS NULL")
	case f.Assignee > 0:
		add("r.assignee_id = $?", f.Assignee)
	}
	if f.Priority != "" {
		if !validPriority(f.Priority) {
			return "", nil, nil, errs.Field("priority", "must be none, low, medium, high or urgent")
		}
		add("r.priority = $?", string(f.Priority))
	}
	q := strings.TrimSpace(f.Query)
	switch {
	case q == "":
	case trackingIDPattern.MatchString(q):
		add("r.tracking_id = $?", strings.ToUpper(q))
	default:
		terms := searchTerms(q)
		if len(terms) == 0 {
			return "", nil, nil, errs.Field("query", "has no words to search for")
		}
		if s.db.Engine == store.Postgres {
			add("r.search @@ plainto_tsquery('english', $?)", strings.Join(terms, " "))
		} else {
			// Reading the FTS5 index in rowid order, joined to reports,
			// stops after a page of matches instead of collecting all.
			from = "reports_fts f JOIN reports r ON r.id = f.rowid"
			where[0] = "f.rowid > $1"
			add("reports_fts MATCH $?", `"`+strings.Join(terms, `" "`)+`"`)
		}
	}
	return from, where, args, nil
}

const queueColumns = `r.id, r.tracking_id, r.title, r.products_text, r.vendors_text, r.status, r.rm_state, r.outcome,
	r.priority, r.assignee_id, r.channel, r.actively_exploited, r.critical, r.duplicate_of, r.ssvc_outcome, r.received_at,
	r.acknowledged_at, r.waiting_since, r.paused_seconds, r.reporter_key, r.reporter_user_id, r.version`

func (s *Service) scanItem(rows *sql.Rows, now time.Time) (QueueItem, string, error) {
	var it QueueItem
	var status, rm, outcome, priority, channel, key string
	var assignee, duplicate, reporter sql.NullInt64
	var ack, waiting sql.NullTime
	var paused int64
	err := rows.Scan(&it.ID, &it.TrackingID, &it.Title, &it.Products, &it.Vendors, &status, &rm, &outcome, &priority, &assignee,
		&channel, &it.ActivelyExploited, &it.Critical, &duplicate, &it.SSVCOutcome, &it.ReceivedAt, &ack, &waiting, &paused,
		&key, &reporter, &it.Version)
	if err != nil {
		return it, "", err
	}
	it.Status, it.Outcome, it.Priority, it.Channel = Status(status), Outcome(outcome), Priority(priority), Channel(channel)
	if it.RM, err = protocol.ParseRMState(rm); err != nil {
		return it, "", err
	}
	it.AssigneeID, it.DuplicateOf, it.ReporterUserID = assignee.Int64, duplicate.Int64, reporter.Int64
	it.ReceivedAt, it.AcknowledgedAt = it.ReceivedAt.UTC(), utc(ack)
	r := Report{ReceivedAt: it.ReceivedAt, WaitingSince: utc(waiting), Paused: time.Duration(paused) * time.Second}
	it.Age = r.Age(now)
	if it.AcknowledgedAt.IsZero() && it.Status != StatusClosed {
		it.AckDue = AckDue(it.ReceivedAt, s.pol.AckBusinessDays, s.pol.Location)
		it.Overdue = now.After(it.AckDue)
	}
	return it, key, nil
}

// searchTerms are the words of a query: runs of letters and digits, lower
// case, at most 16 of at most 64 characters each. Only these reach the
// full-text engines, so no query syntax can.
func searchTerms(q string) []string {
	words := strings.FieldsFunc(strings.ToLower(q), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		if r := []rune(w); len(r) > 64 {
			w = string(r[:64])
		}
		if !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
		if len(out) == 16 {
			break
		}
	}
	return out
}
