package notify

import (
	"context"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
)

// embargoNotice tells one participant what happened to the case's
// embargo. It carries the terms, never the vulnerability's details, so it
// goes unencrypted to a security contact; to accounts it goes through
// deliver.
func (n *Notifier) embargoNotice(ctx context.Context, j jobs.Job, c *cases.Service) error {
	var p cases.EmbargoNotice
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	t, err := c.NoticeTarget(ctx, p.CaseID, p.ParticipantID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	terms := cases.Terms{EndsAt: p.EndsAt, Zone: p.Zone}
	data := map[string]any{"Target": t, "Config": n.cfg, "Event": p.Event, "Link": n.cfg.BaseURL + "/cases/" + t.CaseKey + "/embargo"}
	if !p.EndsAt.IsZero() {
		data["Terms"] = cases.TermsWords(terms)
		data["Local"] = terms.Local().Format(time.RFC1123Z)
	}
	subject, body, err := n.render("embargo_notice.txt", data)
	if err != nil {
		return jobs.Permanent(err)
	}
	accounts, err := n.accounts(ctx, t)
	if err != nil {
		return err
	}
	return n.deliver(ctx, j, about{caseID: p.CaseID, caseKey: t.CaseKey, ref: t.CaseKey, link: data["Link"].(string)},
		lettersTo(t.Addresses, accounts, subject, body))
}
