package web

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
)

func (s *Web) deadlineRoutes() []route {
	return []route{
		{"GET /deadlines", signedIn, s.deadlineList},
		{"POST /deadlines/calendar", signedIn, s.calendarRotate},
		// Calendar apps send no cookie: the secret in the path is the credential.
		{"GET /calendar/{file}", anyone, s.calendarFeed},
	}
}

// deadlineRow is one deadline as the dashboard shows it.
type deadlineRow struct {
	deadlines.Deadline
	CaseKey   string
	CaseTitle string
	Owner     string // the participant that owes it; "" for the whole case
	Mine      bool   // owed by one of the visitor's participants
	Left      string // e.g. "3 days left", "2 days overdue"
}

// deadlineTable is one table of the dashboard.
type deadlineTable struct {
	Caption string
	Rows    []deadlineRow
	Late    bool
}

type deadlinesPage struct {
	Layout
	Overdue   deadlineTable
	Upcoming  deadlineTable
	More      bool
	FeedSince time.Time
	FeedURL   string // shown once, right after it was made
}

// involved gathers p's open deadlines across the cases p takes part in:
// every deadline of the cases p manages when all is set, else the
// case-wide ones and those of p's own participants.
func (s *Web) involved(ctx context.Context, p auth.Principal, all bool, limit int) ([]deadlineRow, error) {
	mine, err := s.Cases.Involvement(ctx, p)
	if err != nil {
		return nil, err
	}
	in := make([]deadlines.Involved, len(mine))
	byCase := make(map[int64]cases.Involvement, len(mine))
	for i, m := range mine {
		v := deadlines.Viewer{Participants: m.Participants}
		v.All = all && cases.Manages(p, cases.Access{Participants: m.Participants, Coordinator: m.Coordinator})
		in[i], byCase[m.CaseID] = deadlines.Involved{CaseID: m.CaseID, Viewer: v}, m
	}
	list, err := s.Deadlines.ForUser(ctx, in, limit)
	if err != nil {
		return nil, err
	}
	rows := make([]deadlineRow, len(list))
	for i, d := range list {
		m := byCase[d.CaseID]
		rows[i] = deadlineRow{Deadline: d, CaseKey: m.Key, CaseTitle: m.Title, Mine: d.ParticipantID == 0 || slices.Contains(m.Participants, d.ParticipantID)}
	}
	return rows, nil
}

// owners fills in the names of the participants that owe rows' deadlines.
func (s *Web) owners(ctx context.Context, rows []deadlineRow) error {
	ids := map[int64][]int64{}
	for _, r := range rows {
		if r.ParticipantID != 0 {
			ids[r.CaseID] = append(ids[r.CaseID], r.ParticipantID)
		}
	}
	names := map[int64]string{}
	for caseID, list := range ids {
		parts, err := cases.ParticipantsIn(ctx, s.DB.Read(), caseID, list...)
		if err != nil {
			return err
		}
		for id, pt := range parts {
			names[id] = pt.Name
		}
	}
	for i := range rows {
		rows[i].Owner = names[rows[i].ParticipantID]
	}
	return nil
}

func (s *Web) deadlinesPage(r *http.Request, v *visitor) (deadlinesPage, error) {
	ctx := r.Context()
	page := deadlinesPage{Layout: s.layout(v, "Deadlines", "deadlines"),
		Overdue: deadlineTable{Caption: "Overdue deadlines", Late: true}, Upcoming: deadlineTable{Caption: "Deadlines coming up"}}
	rows, err := s.involved(ctx, v.P, true, deadlines.DefaultList+1)
	if err != nil {
		return page, err
	}
	page.More = len(rows) > deadlines.DefaultList
	rows = rows[:min(len(rows), deadlines.DefaultList)]
	if err := s.owners(ctx, rows); err != nil {
		return page, err
	}
	now := s.Now()
	for _, row := range rows {
		row.Left = timeLeft(row.DueAt, now)
		if row.Overdue(now) {
			page.Overdue.Rows = append(page.Overdue.Rows, row)
		} else {
			page.Upcoming.Rows = append(page.Upcoming.Rows, row)
		}
	}
	page.FeedSince, err = s.Deadlines.FeedSince(ctx, v.P)
	return page, err
}

func (s *Web) deadlineList(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.deadlinesPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "deadlines", page)
}

// calendarRotate makes a new feed URL and shows it once.
func (s *Web) calendarRotate(w http.ResponseWriter, r *http.Request, v *visitor) {
	secret, err := s.Deadlines.RotateFeed(r.Context(), v.P)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page, err := s.deadlinesPage(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.FeedURL = s.Deadlines.FeedURL(secret)
	page.Flash = "Your calendar feed is ready. Copy its address now: it is not shown again."
	s.render(w, r, http.StatusCreated, "deadlines", page)
}

// calendarFeed serves a user's deadlines as iCalendar: what their
// participants owe and what their cases await (not every vendor's
// deadline of the cases they coordinate, which would flood a calendar).
func (s *Web) calendarFeed(w http.ResponseWriter, r *http.Request, _ *visitor) {
	ctx := r.Context()
	var b bytes.Buffer
	err := s.feed(ctx, r.PathValue("file"), &b)
	if err != nil {
		st := status(err)
		if st == http.StatusInternalServerError {
			s.Logger.Error("calendar feed", "err", err) // the path holds the secret: not logged
		}
		http.Error(w, http.StatusText(st), st)
		return
	}
	w.Header().Set("Content-Type", "text/calendar; charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=300")
	_, _ = w.Write(b.Bytes())
}

// feed writes the calendar behind file ("SECRET.ics") to b.
func (s *Web) feed(ctx context.Context, file string, b *bytes.Buffer) error {
	secret, ok := strings.CutSuffix(file, ".ics")
	if !ok {
		return errs.E(errs.NotFound, "no such calendar")
	}
	userID, err := s.Deadlines.FeedOwner(ctx, secret)
	if err != nil {
		return err
	}
	u, err := s.Users.Lookup(ctx, userID)
	if err != nil {
		return err
	}
	if u.Disabled {
		return errs.E(errs.NotFound, "no such calendar")
	}
	// The feed reads as its owner would, and can change nothing.
	p := auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Admin: u.Admin, Staff: u.Staff, Scope: auth.ScopeRead}
	if p.Orgs, err = s.Orgs.RolesOf(ctx, u.ID); err != nil {
		return err
	}
	rows, err := s.involved(ctx, p, false, deadlines.MaxList)
	if err != nil {
		return err
	}
	items := make([]deadlines.FeedItem, len(rows))
	for i, row := range rows {
		items[i] = deadlines.FeedItem{Deadline: row.Deadline, CaseKey: row.CaseKey}
	}
	return s.Deadlines.Calendar(b, s.Instance+" deadlines", items, s.Now())
}

// timeLeft says how long until due, or how long it is overdue.
func timeLeft(due, now time.Time) string {
	d := due.Sub(now)
	suffix := "left"
	if d < 0 {
		d, suffix = -d, "overdue"
	}
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min %s", int(d/time.Minute), suffix)
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h %s", int(d/time.Hour), suffix)
	}
	return fmt.Sprintf("%d days %s", int(d/(24*time.Hour)), suffix)
}
