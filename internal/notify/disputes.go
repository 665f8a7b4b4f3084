package notify

import (
	"context"
	"slices"
	"strconv"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/jobs"
)

// Mail about disputes: each change tells the parties and the mediator
// (but not the participant that made it) at their participant's notice
// addresses (cases.NoticeTarget). The mail carries no vulnerability detail
// and no text of the dispute (it is not encrypted to a security contact):
// the case key, the dispute's title, what happened and where to read it.
// To accounts it goes through deliver.

// RegisterDisputes installs the handler of dispute notices.
func (n *Notifier) RegisterDisputes(r *jobs.Runner, d *disputes.Service, c *cases.Service) {
	r.Handle(disputes.JobEvent, func(ctx context.Context, j jobs.Job) error { return n.disputeEvent(ctx, j, d, c) })
}

// disputeMail is the data of dispute_event.txt.
type disputeMail struct {
	Config  Config
	CaseKey string
	Dispute disputes.Dispute
	What    string // what happened, in plain words
	Link    string
}

// disputeWords says what happened, for an Event's What.
var disputeWords = map[string]string{
	"opened":     "A dispute was opened in which you are a party or the mediator.",
	"position":   "A party stated its position.",
	"message":    "There is a new message in the mediation thread.",
	"proposed":   "The mediator proposed a resolution: every party is asked to accept or reject it.",
	"answered":   "A party answered the proposed resolution.",
	"rejected":   "A party rejected the proposed resolution; the dispute stays open.",
	"resolved":   "Every party accepted the proposed resolution: the dispute is resolved.",
	"decided":    "The mediator answered the request to extend the deadline.",
	"unresolved": "The mediator closed the dispute without agreement.",
	"withdrawn":  "The dispute was withdrawn.",
	"mediator":   "Another coordinator now mediates the dispute as neutral third party.",
}

func (n *Notifier) disputeEvent(ctx context.Context, j jobs.Job, ds *disputes.Service, cs *cases.Service) error {
	var e disputes.Event
	if err := j.Decode(&e); err != nil {
		return jobs.Permanent(err)
	}
	d, to, err := ds.Recipients(ctx, e.DisputeID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	what, ok := disputeWords[e.What]
	if !ok {
		what = "The dispute changed."
	}
	data := disputeMail{Config: n.cfg, CaseKey: d.CaseKey, Dispute: d, What: what,
		Link: n.cfg.BaseURL + "/cases/" + d.CaseKey + "/disputes/" + strconv.FormatInt(d.ID, 10)}
	subject, body, err := n.render("dispute_event.txt", data)
	if err != nil {
		return jobs.Permanent(err)
	}
	var sent []string
	var letters []letter
	for _, pid := range to {
		if pid == e.By {
			continue
		}
		t, err := cs.NoticeTarget(ctx, d.CaseID, pid)
		if err != nil {
			return permanentIfNotFound(err)
		}
		accounts, err := n.accounts(ctx, t)
		if err != nil {
			return err
		}
		for _, addr := range t.Addresses {
			if slices.Contains(sent, addr) {
				continue
			}
			letters = append(letters, letter{to: addr, user: accounts[addr], subject: subject, text: body})
			sent = append(sent, addr)
		}
	}
	return n.deliver(ctx, j, about{caseID: d.CaseID, caseKey: d.CaseKey, ref: d.CaseKey, link: data.Link}, letters)
}
