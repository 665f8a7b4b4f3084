package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

// triagePage is the coordinators' queue of reports.
type triagePage struct {
	Layout
	Items                             []queueRow
	Status, Assignee, Priority, Query string
	Statuses                          []option
	Priorities                        []reports.Priority
	Reasons                           []reports.Reason
	Next                              string
	BulkAction                        string // the bulk form's address, which keeps this page's filters
	Form                              Form
	FormName                          string // "filter" or "bulk"
}

type option struct{ Value, Label string }

var queueStatuses = []option{{"", "open (not closed)"}, {string(reports.StatusNew), "new: not acknowledged"},
	{string(reports.StatusOpen), "acknowledged"}, {string(reports.StatusWaiting), "waiting for the reporter"},
	{string(reports.StatusClosed), "closed"}, {string(reports.AnyStatus), "all"}}

// queueRow is a line of the queue with the assignee's name.
type queueRow struct {
	reports.QueueItem
	AssigneeName string
}

// AgeText is how long the report has been with the coordinator.
func (q queueRow) AgeText() string { return ageText(q.Age) }

func ageText(d time.Duration) string {
	switch {
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}

// names reads the names of the assignees, each once.
type names struct {
	s     *Web
	ctx   context.Context
	cache map[int64]string
}

func (n *names) of(id int64) string {
	if id <= 0 {
		return ""
	}
	if name, ok := n.cache[id]; ok {
		return name
	}
	name := "user " + itoa(id)
	if u, err := n.s.Users.Lookup(n.ctx, id); err == nil {
		name = u.Name
	}
	n.cache[id] = name
	return name
}

func (s *Web) names(ctx context.Context) *names {
	return &names{s: s, ctx: ctx, cache: map[int64]string{}}
}

func (s *Web) triageQueue(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.showQueue(w, r, v, http.StatusOK, Form{}, "")
}

func (s *Web) showQueue(w http.ResponseWriter, r *http.Request, v *visitor, status int, form Form, formName string) {
	q := r.URL.Query()
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	page := triagePage{Layout: s.layout(v, "Triage", "triage"), Status: q.Get("status"), Assignee: q.Get("assignee"),
		Priority: q.Get("priority"), Query: strings.TrimSpace(q.Get("q")), Statuses: queueStatuses,
		Priorities: reports.Priorities, Reasons: reports.Reasons, Form: form, FormName: formName}
	f := reports.Filter{Status: reports.Status(page.Status), Priority: reports.Priority(page.Priority), Query: page.Query,
		Page: store.Page{After: after, Limit: reportsPerPage}}
	switch page.Assignee {
	case "me":
		f.Assignee = v.P.UserID
	case "none":
		f.Assignee = reports.Unassigned
	}
	items, err := s.Reports.Queue(r.Context(), v.P, f)
	if errs.KindOf(err) == errs.Invalid {
		page.Form, page.FormName = formOf(err), "filter"
		if page.Form.Field == "query" {
			page.Form.Field = "q"
		}
		s.render(w, r, http.StatusUnprocessableEntity, "triage", page)
		return
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	n := s.names(r.Context())
	for _, it := range items {
		page.Items = append(page.Items, queueRow{QueueItem: it, AssigneeName: n.of(it.AssigneeID)})
	}
	here := url.Values{"status": {page.Status}, "assignee": {page.Assignee}, "priority": {page.Priority}, "q": {page.Query}}
	page.BulkAction = "/triage/close?" + here.Encode()
	if len(items) == reportsPerPage {
		here.Set("after", itoa(items[len(items)-1].ID))
		page.Next = "/triage?" + here.Encode()
	}
	s.render(w, r, status, "triage", page)
}

// triageCloseMany closes the reports ticked in the queue with one canned
// reason; each report is closed on the version the queue showed.
func (s *Web) triageCloseMany(w http.ResponseWriter, r *http.Request, v *visitor) {
	_ = r.ParseForm() // a bad body leaves no refs, which says so
	var refs []reports.Ref
	for _, ref := range r.PostForm["ref"] {
		id, ver, _ := strings.Cut(ref, ":")
		n, err1 := strconv.ParseInt(id, 10, 64)
		vn, err2 := strconv.Atoi(ver)
		if err1 == nil && err2 == nil {
			refs = append(refs, reports.Ref{ID: n, Version: vn})
		}
	}
	back := "/triage?" + r.URL.RawQuery
	if len(refs) == 0 {
		s.showQueue(w, r, v, http.StatusUnprocessableEntity, Form{Field: "ref", Error: "tick at least one report to close"}, "bulk")
		return
	}
	results, err := s.Reports.CloseMany(r.Context(), v.P, refs, reports.Reason(r.PostFormValue("reason")), r.PostFormValue("message"))
	if err != nil {
		if errs.KindOf(err) != errs.Invalid {
			s.fail(w, r, v, err)
			return
		}
		s.showQueue(w, r, v, http.StatusUnprocessableEntity, formOf(err), "bulk")
		return
	}
	closed, failed := 0, []string{}
	for _, res := range results {
		if res.Err == nil {
			closed++
			continue
		}
		failed = append(failed, fmt.Sprintf("report %d: %s", res.ID, errs.Public(res.Err)))
	}
	s.Wake()
	msg := fmt.Sprintf("Closed %d report(s).", closed)
	if len(failed) > 0 {
		msg += " Not closed: " + strings.Join(failed, "; ")
	}
	redirect(w, r, back, msg)
}
