package deadlines

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
)

// The transaction-level API: other domains call these inside their own
// transaction, so that a deadline commits (or rolls back) with the change
// that causes it. They trust the caller to name a participant of the case.

const (
	maxTitle = 200
	// MaxBulk bounds the deadlines one SetMany call sets (as many as a
	// case's participants).
	MaxBulk = 20000
	// batchRows bounds a multi-row statement: SQLite's driver looks up
	// parameters in time quadratic in their number (see cases'
	// insertBatch).
	batchRows = 100
	// lookupRows bounds the IDs one SELECT names.
	lookupRows = 500
)

// key is what makes a deadline unique while it is open.
type key struct {
	caseID, participant int64
	kind                Kind
}

func (d Deadline) key() key { return key{d.CaseID, d.ParticipantID, d.Kind} }

// entry is the journal data of a deadline's change.
type entry struct {
	CaseID      int64      `json:"case_id"`
	Participant int64      `json:"participant_id,omitempty"`
	Kind        Kind       `json:"kind"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	Zone        string     `json:"zone,omitempty"`
	Was         *time.Time `json:"was_due_at,omitempty"` // the date a Set replaced
	Stage       int        `json:"stage,omitempty"`      // the reminder stage, from 1
}

func change(at time.Time, action string, id int64, e entry) journal.Change {
	return journal.Change{At: at, Actor: journal.System, Action: action, ObjectType: "deadline", ObjectID: itoa(id), Data: e}
}

// check validates d and returns it normalised; field prefixes the names.
// zones caches the zones found valid (loading one reads a file).
func (d Deadline) check(field string, zones map[string]bool) (Deadline, error) {
	d.Title = strings.TrimSpace(d.Title)
	switch {
	case d.CaseID <= 0:
		return d, errs.Field(field+"case_id", "must name a case")
	case d.ParticipantID < 0:
		return d, errs.Field(field+"participant_id", "must be a participant of the case, or 0 for the whole case")
	case !d.Kind.Known():
		return d, errs.Field(field+"kind", "%q is not a kind of deadline", string(d.Kind))
	case d.DueAt.IsZero():
		return d, errs.Field(field+"due_at", "is required")
	case utf8.RuneCountInString(d.Title) > maxTitle:
		return d, errs.Field(field+"title", "must be at most %d characters long", maxTitle)
	case strings.ContainsAny(d.Title, "\r\n\x00"):
		return d, errs.Field(field+"title", "must be one line")
	}
	if d.Zone == "" {
		d.Zone = "UTC"
	}
	if !zones[d.Zone] {
		if _, err := time.LoadLocation(d.Zone); err != nil || d.Zone == "Local" {
			return d, errs.Field(field+"zone", "must be an IANA time zone such as Europe/Berlin or UTC")
		}
		zones[d.Zone] = true
	}
	d.DueAt = d.DueAt.UTC().Truncate(time.Microsecond)
	return d, nil
}

// remind sets d's reminder state for a due date set at now: the stages
// already past are skipped.
func (d *Deadline) remind(now time.Time) {
	d.RemindersSent = StagesPassed(d.Kind, d.DueAt, now)
	next, ok := NextReminder(d.Kind, d.DueAt, d.RemindersSent)
	d.NextReminderAt = time.Time{}
	if ok {
		d.NextReminderAt = next
	}
}

// Set sets a deadline in tx: a new one, or new terms (date, title, zone)
// for the open deadline of the same case, participant and kind. A new due
// date restarts its reminders from now. It returns the deadline as stored.
// Callers hold the case's lock (cases.Within): two transactions setting
// the same open deadline at once would otherwise collide on its unique
// index, and one would fail.
func Set(ctx context.Context, tx *sql.Tx, now time.Time, d Deadline) (Deadline, error) {
	out, err := SetMany(ctx, tx, now, []Deadline{d})
	if err != nil {
		return Deadline{}, err
	}
	return out[0], nil
}

// SetMany is Set for many deadlines at once (a case's 10,000 vendors each
// owing a response): all or none, with multi-row statements. Errors name
// the entry, as in deadlines[3].zone.
func SetMany(ctx context.Context, tx *sql.Tx, now time.Time, list []Deadline) ([]Deadline, error) {
	now = now.UTC().Truncate(time.Microsecond)
	list, err := checkAll(list)
	if err != nil {
		return nil, err
	}
	existing, err := openFor(ctx, tx, list)
	if err != nil {
		return nil, err
	}
	var fresh []*Deadline
	var changes []journal.Change
	for i := range list {
		d := &list[i]
		old, ok := existing[d.key()]
		switch {
		case !ok:
			d.Status, d.CreatedAt, d.UpdatedAt = Open, now, now
			d.remind(now)
			fresh = append(fresh, d)
		case old.DueAt.Equal(d.DueAt) && old.Title == d.Title && old.Zone == d.Zone:
			*d = old // nothing to change, nothing to journal
		default:
			if err := replace(ctx, tx, now, old, d); err != nil {
				return nil, err
			}
			was := old.DueAt
			changes = append(changes, change(now, "deadline.set", d.ID, setEntry(*d, &was)))
		}
	}
	if err := insert(ctx, tx, fresh); err != nil {
		return nil, err
	}
	for _, d := range fresh {
		changes = append(changes, change(now, "deadline.set", d.ID, setEntry(*d, nil)))
	}
	if _, err := journal.AppendAll(ctx, tx, changes); err != nil {
		return nil, err
	}
	return list, nil
}

func setEntry(d Deadline, was *time.Time) entry {
	due := d.DueAt
	if was != nil && was.Equal(due) {
		was = nil
	}
	return entry{CaseID: d.CaseID, Participant: d.ParticipantID, Kind: d.Kind, DueAt: &due, Zone: d.Zone, Was: was}
}

// checkAll validates a bulk request and refuses a deadline named twice.
func checkAll(in []Deadline) ([]Deadline, error) {
	switch {
	case len(in) == 0:
		return nil, errs.Field("deadlines", "name at least one deadline")
	case len(in) > MaxBulk:
		return nil, errs.Field("deadlines", "set at most %d deadlines at once", MaxBulk)
	}
	out := make([]Deadline, len(in))
	seen := make(map[key]bool, len(in))
	zones := map[string]bool{}
	for i, d := range in {
		field := fmt.Sprintf("deadlines[%d].", i)
		if len(in) == 1 {
			field = ""
		}
		d, err := d.check(field, zones)
		if err != nil {
			return nil, err
		}
		if seen[d.key()] {
			return nil, errs.Field(strings.TrimSuffix(field, "."), "names the same case, participant and kind as an earlier entry")
		}
		seen[d.key()] = true
		out[i] = d
	}
	return out, nil
}

// openFor reads the open deadlines that list would replace, by key.
func openFor(ctx context.Context, tx *sql.Tx, list []Deadline) (map[key]Deadline, error) {
	type group struct {
		caseID int64
		kind   Kind
	}
	groups := map[group][]int64{}
	var order []group
	for _, d := range list {
		g := group{d.CaseID, d.Kind}
		if _, ok := groups[g]; !ok {
			order = append(order, g)
		}
		groups[g] = append(groups[g], d.ParticipantID)
	}
	out := map[key]Deadline{}
	for _, g := range order {
		for _, ids := range chunks(groups[g], lookupRows) {
			args := []any{g.caseID, string(g.kind)}
			for _, id := range ids {
				args = append(args, id)
			}
			found, err := scanAll(tx.QueryContext(ctx, `SELECT `+columns+` FROM deadlines WHERE case_id = $1 AND kind = $2
				AND status = 'open' AND participant_id IN (`+placeholders(3, len(ids))+`)`, args...))
			if err != nil {
				return nil, err
			}
			for _, d := range found {
				out[d.key()] = d
			}
		}
	}
	return out, nil
}

// replace gives the open deadline old the terms of d and fills d in.
func replace(ctx context.Context, tx *sql.Tx, now time.Time, old Deadline, d *Deadline) error {
	id, created := old.ID, old.CreatedAt
	if old.DueAt.Equal(d.DueAt) {
		d.RemindersSent, d.NextReminderAt = old.RemindersSent, old.NextReminderAt
	} else {
		d.remind(now)
	}
	d.ID, d.Status, d.CreatedAt, d.UpdatedAt = id, Open, created, now
	_, err := tx.ExecContext(ctx, `UPDATE deadlines SET title = $1, due_at = $2, zone = $3, reminders_sent = $4,
		next_reminder_at = $5, updated_at = $6 WHERE id = $7`,
		d.Title, d.DueAt, d.Zone, d.RemindersSent, optTime(d.NextReminderAt), now, id)
	return err
}

// insert writes new deadlines with multi-row INSERTs and sets their IDs.
func insert(ctx context.Context, tx *sql.Tx, list []*Deadline) error {
	for _, batch := range chunks(list, batchRows) {
		var values strings.Builder
		var p params
		index := make(map[key]*Deadline, len(batch))
		for i, d := range batch {
			if i > 0 {
				values.WriteString(", ")
			}
			values.WriteString("(" + p.list(d.CaseID, d.ParticipantID, string(d.Kind), d.Title, d.DueAt, d.Zone, d.RemindersSent,
				optTime(d.NextReminderAt), d.CreatedAt, d.UpdatedAt) + ")")
			index[d.key()] = d
		}
		rows, err := tx.QueryContext(ctx, `INSERT INTO deadlines (case_id, participant_id, kind, title, due_at, zone,
			reminders_sent, next_reminder_at, created_at, updated_at) VALUES `+values.String()+
			` RETURNING id, case_id, participant_id, kind`, p.args...)
		if err != nil {
			return fmt.Errorf("insert deadlines: %w", err)
		}
		for rows.Next() {
			var k key
			var id int64
			var kind string
			if err := rows.Scan(&id, &k.caseID, &k.participant, &kind); err != nil {
				rows.Close()
				return err
			}
			k.kind = Kind(kind)
			index[k].ID = id
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// params numbers a statement's parameters, giving equal values one
// number: the rows of a bulk call share their case, kind, dates and zone,
// and SQLite's driver slows down with every parameter (see batchRows).
type params struct {
	args []any
	seen map[any]int
}

// list returns the placeholders of vs, e.g. "$1, $2, $1".
func (p *params) list(vs ...any) string {
	if p.seen == nil {
		p.seen = map[any]int{}
	}
	var b strings.Builder
	for i, v := range vs {
		n, ok := p.seen[v]
		if !ok {
			p.args = append(p.args, v)
			n = len(p.args)
			p.seen[v] = n
		}
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", n)
	}
	return b.String()
}

// Meet marks the open deadline of the case, participant and kind as met
// at now. It reports whether there was one: meeting what nobody set is not
// an error, so callers need not know whether a deadline was set.
func Meet(ctx context.Context, tx *sql.Tx, now time.Time, caseID, participantID int64, kind Kind) (bool, error) {
	return closeOne(ctx, tx, now, Met, caseID, participantID, kind)
}

// Cancel drops the open deadline of the case, participant and kind (it
// is no longer owed), reporting whether there was one.
func Cancel(ctx context.Context, tx *sql.Tx, now time.Time, caseID, participantID int64, kind Kind) (bool, error) {
	return closeOne(ctx, tx, now, Cancelled, caseID, participantID, kind)
}

func closeOne(ctx context.Context, tx *sql.Tx, now time.Time, to Status, caseID, participantID int64, kind Kind) (bool, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var id int64
	err := tx.QueryRowContext(ctx, `UPDATE deadlines SET status = $1, met_at = $2, next_reminder_at = NULL, updated_at = $3
		WHERE case_id = $4 AND participant_id = $5 AND kind = $6 AND status = 'open' RETURNING id`,
		string(to), optTime(metAt(to, now)), now, caseID, participantID, string(kind)).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	_, err = journal.Append(ctx, tx, change(now, "deadline."+string(to), id, entry{CaseID: caseID, Participant: participantID, Kind: kind}))
	return err == nil, err
}

func metAt(to Status, now time.Time) time.Time {
	if to == Met {
		return now
	}
	return time.Time{}
}

// CancelCase cancels the open deadlines of a case: those of the given
// kinds, or all of them when none is given (the case is closed, or the
// embargo was terminated). It returns how many it cancelled.
func CancelCase(ctx context.Context, tx *sql.Tx, now time.Time, caseID int64, kinds ...Kind) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	args := []any{now, caseID}
	query := `UPDATE deadlines SET status = 'cancelled', next_reminder_at = NULL, updated_at = $1
		WHERE case_id = $2 AND status = 'open'`
	if len(kinds) > 0 {
		for _, k := range kinds {
			args = append(args, string(k))
		}
		query += ` AND kind IN (` + placeholders(3, len(kinds)) + `)`
	}
	rows, err := tx.QueryContext(ctx, query+` RETURNING id, participant_id, kind`, args...)
	if err != nil {
		return 0, err
	}
	var changes []journal.Change
	for rows.Next() {
		var id, participant int64
		var kind string
		if err := rows.Scan(&id, &participant, &kind); err != nil {
			rows.Close()
			return 0, err
		}
		changes = append(changes, change(now, "deadline.cancelled", id, entry{CaseID: caseID, Participant: participant, Kind: Kind(kind)}))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	_, err = journal.AppendAll(ctx, tx, changes)
	return len(changes), err
}
