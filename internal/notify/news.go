package notify

import (
	"context"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/store"
)

// News of credits and vendor statements. A credit proposed to an account,
// changed or withdrawn by the coordinators tells the credited account (at
// its own address, through deliver). A vendor statement that becomes
// shared, or a shared one that changes, tells the case's other
// participants that the embargo does not restrict, at their notice
// addresses; an approval tells the vendor. None carries what the statement
// says: it is not encrypted to a security contact.

// RegisterNews installs the handlers of credits' and vendor statements'
// news.
func (n *Notifier) RegisterNews(r *jobs.Runner, c *cases.Service) {
	r.Handle(credits.JobEvent, n.creditEvent)
	r.Handle(status.JobEvent, func(ctx context.Context, j jobs.Job) error { return n.statusEvent(ctx, j, c) })
}

func (n *Notifier) creditEvent(ctx context.Context, j jobs.Job) error {
	var e credits.Event
	if err := j.Decode(&e); err != nil {
		return jobs.Permanent(err)
	}
	u, err := n.users.Lookup(ctx, e.UserID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	if u.Disabled {
		return nil
	}
	data := map[string]any{"Config": n.cfg, "Event": e, "Name": u.Name, "Type": e.Type.Label(), "Link": n.cfg.BaseURL + "/credits"}
	subject, body, err := n.render("credit_event.txt", data)
	if err != nil {
		return jobs.Permanent(err)
	}
	return n.deliver(ctx, j, about{kind: e.Action, caseID: e.CaseID, caseKey: e.CaseKey, ref: e.CaseKey, link: n.cfg.BaseURL + "/credits"},
		[]letter{{to: u.Email, user: n.account(u), subject: subject, text: body}})
}

func (n *Notifier) statusEvent(ctx context.Context, j jobs.Job, c *cases.Service) error {
	var e status.Event
	if err := j.Decode(&e); err != nil {
		return jobs.Permanent(err)
	}
	link := n.cfg.BaseURL + "/cases/" + e.CaseKey + "/status"
	subject, body, err := n.render("status_event.txt", map[string]any{"Config": n.cfg, "Event": e, "Link": link})
	if err != nil {
		return jobs.Permanent(err)
	}
	to := []int64{e.Participant}
	if e.What != status.EventApproved {
		if to, err = n.othersIn(ctx, c, e.CaseID, e.Participant); err != nil {
			return err
		}
	}
	var letters []letter
	seen := map[string]bool{}
	for _, pid := range to {
		t, err := c.NoticeTarget(ctx, e.CaseID, pid)
		if err != nil {
			return permanentIfNotFound(err)
		}
		if t.Embargoed && e.What != status.EventApproved {
			continue // the embargo keeps the statements from it
		}
		accounts, err := n.accounts(ctx, t)
		if err != nil {
			return err
		}
		for _, addr := range t.Addresses {
			if !seen[addr] {
				seen[addr] = true
				letters = append(letters, letter{to: addr, user: accounts[addr], subject: subject, text: body})
			}
		}
	}
	return n.deliver(ctx, j, about{kind: "status." + e.What, caseID: e.CaseID, caseKey: e.CaseKey, ref: e.CaseKey, link: link}, letters)
}

// othersIn lists the participants of case caseID but one.
func (n *Notifier) othersIn(ctx context.Context, c *cases.Service, caseID, but int64) ([]int64, error) {
	var out []int64
	page := store.Page{Limit: store.MaxPageSize}
	for {
		list, err := c.Participants(ctx, systemReader(), caseID, cases.ParticipantFilter{Page: page})
		if err != nil {
			return nil, permanentIfNotFound(err)
		}
		for _, pt := range list {
			if pt.ID != but {
				out = append(out, pt.ID)
			}
		}
		if len(list) < page.Size() {
			return out, nil
		}
		page.After = list[len(list)-1].ID
	}
}
