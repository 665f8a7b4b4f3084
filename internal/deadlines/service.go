package deadlines

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

// JobReminder is the kind of the job the sweep enqueues for each reminder;
// its payload is a Reminder. notify handles it.
const JobReminder = "deadline.reminder"

// JobSweep is the kind of the periodic job that runs Sweep; SweepJob is
// its handler.
const JobSweep = "deadline.sweep"

// Reminder is the payload of JobReminder: enough to write the mail
// without reading the deadline, which the handler reads all the same to
// skip one met or moved meanwhile.
type Reminder struct {
	DeadlineID    int64
	CaseID        int64
	ParticipantID int64 // 0: the whole case
	Kind          Kind
	Title         string
	DueAt         time.Time
	Zone          string
	Stage         int // which reminder of Schedule(Kind), from 0
}

// Status is where a deadline stands.
type Status string

// The statuses of a deadline.
const (
	Open      Status = "open"
	Met       Status = "met"
	Cancelled Status = "cancelled"
)

// Deadline is one obligation in a case with its owner and due date. Zero
// times mean "not set".
type Deadline struct {
	ID            int64
	CaseID        int64
	ParticipantID int64 // who owes it; 0: the whole case
	Kind          Kind
	Title         string    // what is due, in a few words; "" uses the kind's label
	DueAt         time.Time // UTC
	Zone          string    // the IANA zone it was given in, for display
	Status        Status
	MetAt         time.Time
	// RemindersSent counts the reminder stages passed; NextReminderAt is
	// when the next falls (zero when none is left or it is not open).
	RemindersSent  int
	NextReminderAt time.Time
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// What is the deadline in a few words: its title, else its kind's label.
func (d Deadline) What() string {
	if d.Title != "" {
		return d.Title
	}
	return d.Kind.Label()
}

// Local is the due time in the deadline's zone (UTC if it cannot be loaded).
func (d Deadline) Local() time.Time {
	if loc, err := time.LoadLocation(d.Zone); err == nil {
		return d.DueAt.In(loc)
	}
	return d.DueAt.UTC()
}

// Overdue reports whether an open deadline has passed at now.
func (d Deadline) Overdue(now time.Time) bool { return d.Status == Open && now.After(d.DueAt) }

// Config configures the service.
type Config struct {
	// BaseURL is where Parley is reached, e.g. https://parley.example.org:
	// calendar feeds link their events and are served under it.
	BaseURL string
}

// Service keeps deadlines and calendar feeds.
type Service struct {
	db  *store.DB
	now func() time.Time
	cfg Config
}

// NewService makes a Service; now is the clock.
func NewService(db *store.DB, now func() time.Time, cfg Config) *Service {
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Service{db: db, now: now, cfg: cfg}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

const columns = `id, case_id, participant_id, kind, title, due_at, zone, status, met_at, reminders_sent, next_reminder_at, created_at, updated_at`

func scan(row interface{ Scan(...any) error }) (Deadline, error) {
	var d Deadline
	var kind, status string
	var met, next sql.NullTime
	err := row.Scan(&d.ID, &d.CaseID, &d.ParticipantID, &kind, &d.Title, &d.DueAt, &d.Zone, &status, &met, &d.RemindersSent,
		&next, &d.CreatedAt, &d.UpdatedAt)
	d.Kind, d.Status = Kind(kind), Status(status)
	d.DueAt, d.CreatedAt, d.UpdatedAt = d.DueAt.UTC(), d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	d.MetAt, d.NextReminderAt = nullTime(met), nullTime(next)
	return d, err
}

// scanAll reads every row of rows.
func scanAll(rows *sql.Rows, err error) ([]Deadline, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Deadline
	for rows.Next() {
		d, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func optTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()} }

// placeholders returns "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// chunks splits list into slices of at most size.
func chunks[T any](list []T, size int) [][]T {
	var out [][]T
	for len(list) > size {
		out = append(out, list[:size])
		list = list[size:]
	}
	if len(list) > 0 {
		out = append(out, list)
	}
	return out
}
