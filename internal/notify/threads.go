package notify

import (
	"context"
	"slices"
	"strconv"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/threads"
)

// Mail about discussion threads: each post tells the thread's audience as
// it is when the mail goes out (threads.Service.Notice: never a
// participant outside it, nor the one that wrote) at their participants'
// notice addresses (cases.NoticeTarget), and each mentioned account of the
// audience at its own address. The mail is not encrypted, so it carries
// the case key, the thread's title, who wrote and a link, never the text.

// RegisterThreads installs the handler of thread notices.
func (n *Notifier) RegisterThreads(r *jobs.Runner, t *threads.Service, c *cases.Service) {
	r.Handle(threads.JobPost, func(ctx context.Context, j jobs.Job) error { return n.threadPost(ctx, j, t, c) })
}

// threadMail is the data of thread_post.txt.
type threadMail struct {
	Config    Config
	CaseKey   string
	Title     string
	By        string
	Started   bool
	Mentioned string // the line that says the recipient was mentioned, if it was
	Link      string
}

// letter is one mail to send: an address and its mention line.
type letter struct {
	to        string
	mentioned string
}

func (n *Notifier) threadPost(ctx context.Context, j jobs.Job, ts *threads.Service, cs *cases.Service) error {
	var e threads.Event
	if err := j.Decode(&e); err != nil {
		return jobs.Permanent(err)
	}
	nt, err := ts.Notice(ctx, e)
	if err != nil {
		return permanentIfNotFound(err)
	}
	letters, err := threadLetters(ctx, cs, e.CaseID, nt)
	if err != nil {
		return err
	}
	data := threadMail{Config: n.cfg, CaseKey: nt.Thread.CaseKey, Title: nt.Thread.Title, By: nt.ByName, Started: nt.Started,
		Link: n.cfg.BaseURL + "/cases/" + nt.Thread.CaseKey + "/threads/" + strconv.FormatInt(nt.Thread.ID, 10)}
	for _, l := range letters {
		data.Mentioned = l.mentioned
		subject, body, err := n.render("thread_post.txt", data)
		if err != nil {
			return jobs.Permanent(err)
		}
		if err := n.send.Send(ctx, mail.Message{From: n.cfg.From, To: l.to, Subject: subject, Text: body}); err != nil {
			return err
		}
	}
	return nil
}

// threadLetters lists the mails of one post, one per address: the
// participants' notice addresses, then the mentioned accounts' own.
func threadLetters(ctx context.Context, cs *cases.Service, caseID int64, nt threads.Notice) ([]letter, error) {
	var out []letter
	add := func(to, mentioned string) {
		i := slices.IndexFunc(out, func(l letter) bool { return l.to == to })
		switch {
		case i < 0:
			out = append(out, letter{to: to, mentioned: mentioned})
		case mentioned != "":
			out[i].mentioned = mentioned
		}
	}
	for _, pid := range nt.To {
		t, err := cs.NoticeTarget(ctx, caseID, pid)
		if err != nil {
			return nil, permanentIfNotFound(err)
		}
		line := ""
		if slices.Contains(nt.Mentioned, pid) {
			line = t.Participant + " was mentioned in it."
		}
		for _, addr := range t.Addresses {
			add(addr, line)
		}
	}
	for _, u := range nt.Users {
		add(u.Email, "You were mentioned in it.")
	}
	return out, nil
}
