package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
)

// Deadlines: who owes what by when. A caller sees the deadlines of the
// cases it takes part in: all of a case it manages, else the case-wide
// ones and those of the participants it acts for.

func (a *API) deadlineRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/me/deadlines", a.myDeadlines},
		{"GET", "/api/v1/cases/{key}/deadlines", a.caseDeadlines},
		{"POST", "/api/v1/me/calendar", a.rotateCalendar},
	}
}

// Deadline is one obligation in a case.
type Deadline struct {
	ID            int64  `json:"id"`
	CaseID        int64  `json:"case_id"`
	CaseKey       string `json:"case_key"`
	ParticipantID int64  `json:"participant_id"`  // who owes it; 0: the whole case
	Owner         string `json:"owner,omitempty"` // its name, in a case's list
	Kind          string `json:"kind"`
	What          string `json:"what"` // the title, else the kind in words
	Title         string `json:"title"`
	// DueAt is the instant in UTC; DueLocal the same in Zone.
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

func deadlineOut(d deadlines.Deadline, key string, now time.Time) Deadline {
	out := Deadline{ID: d.ID, CaseID: d.CaseID, CaseKey: key, ParticipantID: d.ParticipantID, Kind: string(d.Kind), What: d.What(),
		Title: d.Title, DueAt: d.DueAt, Zone: d.Zone, DueLocal: d.Local().Format(time.RFC3339), Status: string(d.Status),
		Overdue: d.Overdue(now), RemindersSent: d.RemindersSent, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt}
	if !d.NextReminderAt.IsZero() {
		out.NextReminderAt = &d.NextReminderAt
	}
	return out
}

// MyDeadlines is the caller's open deadlines across its cases, soonest
// first; More is set when there are more than the limit.
type MyDeadlines struct {
	Items []Deadline `json:"items"`
	More  bool       `json:"more"`
}

// CalendarFeed is the caller's calendar feed; its URL holds a secret and
// is shown once.
type CalendarFeed struct {
	URL       string    `json:"url"`
	CreatedAt time.Time `json:"created_at"`
}

// viewer is how p sees a case's deadlines, by the cases package's rule of
// who manages a case.
func viewer(p auth.Principal, acc cases.Access) deadlines.Viewer {
	return deadlines.Viewer{All: cases.Manages(p, acc), Participants: acc.Participants}
}

func (a *API) myDeadlines(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	limit := deadlines.DefaultList
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > deadlines.MaxList {
			a.fail(w, r, errs.Field("limit", "must be a whole number from 1 to %d", deadlines.MaxList))
			return
		}
		limit = n
	}
	mine, err := a.Cases.Involvement(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in := make([]deadlines.Involved, len(mine))
	keys := make(map[int64]string, len(mine))
	for i, m := range mine {
		in[i] = deadlines.Involved{CaseID: m.CaseID, Viewer: viewer(p, cases.Access{Participants: m.Participants, Coordinator: m.Coordinator})}
		keys[m.CaseID] = m.Key
	}
	list, err := a.Deadlines.ForUser(r.Context(), in, limit+1)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Now()
	out := MyDeadlines{Items: []Deadline{}, More: len(list) > limit}
	for _, d := range list[:min(len(list), limit)] {
		out.Items = append(out.Items, deadlineOut(d, keys[d.CaseID], now))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) caseDeadlines(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	c, err := a.caseOf(r, p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, err := pageOf(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	acc, err := a.Cases.Access(r.Context(), p, c.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	list, err := a.Deadlines.ForCase(r.Context(), c.ID, viewer(p, acc), page)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	names, err := a.ownerNames(r, c.ID, list)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Now()
	out := List[Deadline]{Items: []Deadline{}}
	for _, d := range list {
		item := deadlineOut(d, c.Key, now)
		item.Owner = names[d.ParticipantID]
		out.Items = append(out.Items, item)
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

// rotateCalendar makes a new feed secret, ending the old one.
func (a *API) rotateCalendar(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	secret, err := a.Deadlines.RotateFeed(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	since, err := a.Deadlines.FeedSince(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, CalendarFeed{URL: a.Deadlines.FeedURL(secret), CreatedAt: since})
}

// ownerNames names the participants owing deadlines of case caseID (the
// caller may see them: ForCase showed it their deadlines).
func (a *API) ownerNames(r *http.Request, caseID int64, list []deadlines.Deadline) (map[int64]string, error) {
	var ids []int64
	for _, d := range list {
		if d.ParticipantID != 0 {
			ids = append(ids, d.ParticipantID)
		}
	}
	names := map[int64]string{}
	if len(ids) == 0 {
		return names, nil
	}
	parts, err := cases.ParticipantsIn(r.Context(), a.DB.Read(), caseID, ids...)
	for id, pt := range parts {
		names[id] = pt.Name
	}
	return names, err
}
