package notify

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/store"
)

// Deadline reminders go to whoever owes the deadline: a participant's
// notice addresses (its security contact, else its organisation's admins,
// or the person). A case-wide deadline (the embargo ending) goes to the
// case's coordinators, or, in a case without any, to coordinator staff;
// where everyone must be told, the code that sets deadlines sets one per
// participant. Reminders carry the case key, what is due and when, never
// vulnerability details (they are not encrypted to a security contact).
// To accounts they go through deliver.

// RegisterDeadlines installs the handler of deadline reminders.
func (n *Notifier) RegisterDeadlines(r *jobs.Runner, d *deadlines.Service, c *cases.Service) {
	r.Handle(deadlines.JobReminder, func(ctx context.Context, j jobs.Job) error { return n.deadlineReminder(ctx, j, d, c) })
}

// reminderMail is the data of deadline_reminder.txt.
type reminderMail struct {
	Config   Config
	CaseKey  string
	Name     string // whom to greet, if known
	What     string // e.g. "embargo ends"
	Owner    string // the participant that owes it; "" for the whole case
	DueUTC   string
	DueLocal string // in the deadline's zone, "" when that is UTC
	When     string // e.g. "in 7 days", "overdue by 2 days"
	Link     string
}

// recipient is one address, the name to greet there and the account whose
// own address it is (ID 0: an outside address).
type recipient struct {
	to, name string
	user     auth.User
}

func (n *Notifier) deadlineReminder(ctx context.Context, j jobs.Job, d *deadlines.Service, c *cases.Service) error {
	var r deadlines.Reminder
	if err := j.Decode(&r); err != nil {
		return jobs.Permanent(err)
	}
	cur, err := d.Lookup(ctx, r.DeadlineID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	if cur.Status != deadlines.Open || !cur.DueAt.Equal(r.DueAt) {
		return nil // met, cancelled or moved since the sweep: nothing to remind of
	}
	key, owner, to, err := n.reminderTargets(ctx, c, r)
	if err != nil {
		return err
	}
	m := reminderMail{Config: n.cfg, CaseKey: key, What: cur.What(), Owner: owner, When: relative(cur.DueAt, n.cfg.Now()),
		DueUTC: cur.DueAt.UTC().Format("Mon 2006-01-02 15:04 UTC"), Link: n.cfg.BaseURL + "/cases/" + url.PathEscape(key)}
	if local := cur.Local(); local.Location().String() != "UTC" {
		m.DueLocal = local.Format("Mon 2006-01-02 15:04 MST") + " (" + cur.Zone + ")"
	}
	letters := make([]letter, 0, len(to))
	for _, rc := range to {
		m.Name = rc.name
		subject, body, err := n.render("deadline_reminder.txt", m)
		if err != nil {
			return jobs.Permanent(err)
		}
		letters = append(letters, letter{to: rc.to, user: rc.user, subject: subject, text: body})
	}
	return n.deliver(ctx, j, about{caseID: r.CaseID, caseKey: key, ref: key, link: m.Link}, letters)
}

// reminderTargets finds the case key, the owing participant's name and
// whom to write to.
func (n *Notifier) reminderTargets(ctx context.Context, c *cases.Service, r deadlines.Reminder) (key, owner string, to []recipient, err error) {
	if r.ParticipantID != 0 {
		t, err := c.NoticeTarget(ctx, r.CaseID, r.ParticipantID)
		if err != nil {
			return "", "", nil, permanentIfNotFound(err)
		}
		accounts, err := n.accounts(ctx, t)
		if err != nil {
			return "", "", nil, err
		}
		for _, a := range t.Addresses {
			to = append(to, recipient{to: a, name: t.Participant, user: accounts[a]})
		}
		return t.CaseKey, t.Participant, to, nil
	}
	key, to, err = n.coordinators(ctx, c, r.CaseID)
	if err != nil || len(to) > 0 {
		return key, "", to, err
	}
	staff, err := (&reportNotifier{Notifier: n}).staffUsers(ctx)
	for _, u := range staff {
		to = append(to, recipient{to: u.Email, name: u.Name, user: n.account(u)})
	}
	return key, "", to, err
}

// coordinators returns the case's key and the notice addresses of its
// coordinator participants, each address once.
func (n *Notifier) coordinators(ctx context.Context, c *cases.Service, caseID int64) (string, []recipient, error) {
	cs, err := c.Get(ctx, systemReader(), caseID)
	if err != nil {
		return "", nil, permanentIfNotFound(err)
	}
	list, err := c.Participants(ctx, systemReader(), caseID, cases.ParticipantFilter{Role: cases.RoleCoordinator,
		Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		return "", nil, err
	}
	var to []recipient
	var seen []string
	for _, pt := range list {
		t, err := c.NoticeTarget(ctx, caseID, pt.ID)
		if err != nil {
			return "", nil, err
		}
		accounts, err := n.accounts(ctx, t)
		if err != nil {
			return "", nil, err
		}
		for _, a := range t.Addresses {
			if !slices.Contains(seen, a) {
				seen = append(seen, a)
				to = append(to, recipient{to: a, name: t.Participant, user: accounts[a]})
			}
		}
	}
	return cs.Key, to, nil
}

// relative says when due is, seen from now, in whole days or hours.
func relative(due, now time.Time) string {
	d := due.Sub(now)
	late := d < 0
	if late {
		d = -d
	}
	var span string
	switch {
	case d < time.Hour:
		return "due now"
	case d < 48*time.Hour:
		span = plural(int(d.Round(time.Hour)/time.Hour), "hour")
	default:
		span = plural(int(d.Round(24*time.Hour)/(24*time.Hour)), "day")
	}
	if late {
		return "overdue by " + span
	}
	return "due in " + span
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
