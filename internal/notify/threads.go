package notify

import (
	"context"
	"slices"
	"strconv"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/threads"
)

// Mail about discussion threads: each post tells the thread's audience as
// it is when the mail goes out (threads.Service.Notice: never a
// participant outside it, nor the one that wrote) at their participants'
// notice addresses (cases.NoticeTarget), and each mentioned account of the
// audience at its own address. The mail carries the case key, the
// thread's title, who wrote and a link, never the text: it is not
// encrypted to a security contact. To accounts it goes through deliver.

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
	Edited    bool   // the post was edited to mention the recipient
	Mentioned string // the line that says the recipient was mentioned, if it was
	Link      string
}

// addressee is one address a post is mailed to, its account (ID 0 for
// an outside address) and its mention line.
type addressee struct {
	to        string
	user      auth.User
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
	list, err := n.threadAddressees(ctx, cs, e.CaseID, nt)
	if err != nil {
		return err
	}
	data := threadMail{Config: n.cfg, CaseKey: nt.Thread.CaseKey, Title: nt.Thread.Title, By: nt.ByName, Started: nt.Started, Edited: nt.Edited,
		Link: n.cfg.BaseURL + "/cases/" + nt.Thread.CaseKey + "/threads/" + strconv.FormatInt(nt.Thread.ID, 10)}
	letters := make([]letter, 0, len(list))
	for _, a := range list {
		data.Mentioned = a.mentioned
		subject, body, err := n.render("thread_post.txt", data)
		if err != nil {
			return jobs.Permanent(err)
		}
		l := letter{to: a.to, user: a.user, subject: subject, text: body}
		if a.mentioned == youWereMentioned {
			l.kind = KindMention
		}
		letters = append(letters, l)
	}
	return n.deliver(ctx, j, about{caseID: e.CaseID, caseKey: nt.Thread.CaseKey, ref: nt.Thread.CaseKey, link: data.Link}, letters)
}

// KindMention is the kind of the notification of an account mentioned in
// a post (other readers' are threads.JobPost).
const KindMention = "thread.mention"

const youWereMentioned = "You were mentioned in it."

// threadAddressees lists whom one post is mailed to, one per address: the
// participants' notice addresses, then the mentioned accounts' own.
func (n *Notifier) threadAddressees(ctx context.Context, cs *cases.Service, caseID int64, nt threads.Notice) ([]addressee, error) {
	var out []addressee
	add := func(to string, u auth.User, mentioned string) {
		i := slices.IndexFunc(out, func(a addressee) bool { return a.to == to })
		switch {
		case i < 0:
			out = append(out, addressee{to: to, user: u, mentioned: mentioned})
		case mentioned != "":
			out[i].mentioned = mentioned
		}
	}
	for _, pid := range nt.To {
		t, err := cs.NoticeTarget(ctx, caseID, pid)
		if err != nil {
			return nil, permanentIfNotFound(err)
		}
		accounts, err := n.accounts(ctx, t)
		if err != nil {
			return nil, err
		}
		line := ""
		if slices.Contains(nt.Mentioned, pid) {
			line = t.Participant + " was mentioned in it."
		}
		for _, addr := range t.Addresses {
			add(addr, accounts[addr], line)
		}
	}
	for _, u := range nt.Users {
		add(u.Email, n.account(auth.User{ID: u.UserID, Email: u.Email, Name: u.Name}), youWereMentioned)
	}
	return out, nil
}
