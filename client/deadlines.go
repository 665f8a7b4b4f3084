package client

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// Deadline is one obligation in a case: who owes what by when.
type Deadline struct {
	ID             int64      `json:"id"`
	CaseID         int64      `json:"case_id"`
	CaseKey        string     `json:"case_key"`
	ParticipantID  int64      `json:"participant_id"`  // 0: the whole case
	Owner          string     `json:"owner,omitempty"` // the participant's name, in a case's list
	Kind           string     `json:"kind"`
	What           string     `json:"what"`
	Title          string     `json:"title"`
	DueAt          time.Time  `json:"due_at"`
	Zone           string     `json:"zone"`
	DueLocal       string     `json:"due_local"`
	Status         string     `json:"status"`
	Overdue        bool       `json:"overdue"`
	RemindersSent  int        `json:"reminders_sent"`
	NextReminderAt *time.Time `json:"next_reminder_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// MyDeadlines is the caller's open deadlines across its cases, soonest
// first; More is set when the limit cut the list.
type MyDeadlines struct {
	Items []Deadline `json:"items"`
	More  bool       `json:"more"`
}

// CalendarFeed is the caller's calendar feed; the URL holds a secret.
type CalendarFeed struct {
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
}

// MyDeadlines returns the caller's open deadlines (limit 0: the server's
// default).
func (c *Client) MyDeadlines(ctx context.Context, limit int) (MyDeadlines, error) {
	var out MyDeadlines
	q := ""
	if limit > 0 {
		q = "?limit=" + fmt.Sprint(limit)
	}
	err := c.Do(ctx, "GET", "/api/v1/me/deadlines"+q, nil, &out)
	return out, err
}

// CaseDeadlines returns a page of a case's open deadlines as the caller
// may see them.
func (c *Client) CaseDeadlines(ctx context.Context, key, cursor string, limit int) (List[Deadline], error) {
	var l List[Deadline]
	err := c.Do(ctx, "GET", "/api/v1/cases/"+url.PathEscape(key)+"/deadlines"+PageQuery(cursor, limit, nil), nil, &l)
	return l, err
}

// RotateCalendar makes a new calendar feed URL for the caller, ending the
// old one.
func (c *Client) RotateCalendar(ctx context.Context, opts ...Option) (CalendarFeed, error) {
	var f CalendarFeed
	err := c.Do(ctx, "POST", "/api/v1/me/calendar", nil, &f, opts...)
	return f, err
}
