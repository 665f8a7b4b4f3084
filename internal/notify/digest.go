package notify

import (
	"context"
	"strings"

	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
)

// maxDigest is how many notices a digest lists; it counts the others.
const maxDigest = 100

// digestMail is the data of digest.txt.
type digestMail struct {
	Config    Config
	Name      string
	Total     int
	Items     []digestItem
	More      int  // waiting notices not listed
	Encrypted bool // the mail is encrypted, so it carries each notice's text
	Link      string
}

// digestItem is one notice of a digest.
type digestItem struct {
	When    string
	Subject string
	Link    string // absolute, "" when the notice has none
	Body    string // indented; only in an encrypted digest
}

// digest mails one user's daily digest (inbox.JobDigest): the notices
// waiting for it, each with its subject and link (and, encrypted to the
// user's keys when there are any, its text), then marks them sent. A digest
// run again after that finds nothing waiting and sends nothing; one run
// again after a failed send sends the same digest.
func (n *Notifier) digest(ctx context.Context, j jobs.Job) error {
	var d inbox.DigestRequest
	if err := j.Decode(&d); err != nil {
		return jobs.Permanent(err)
	}
	u, err := n.users.Lookup(ctx, d.UserID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	if u.Disabled {
		return nil // the notices stay listed; nobody reads the mail of a disabled account
	}
	list, total, last, err := n.box.Waiting(ctx, u.ID, maxDigest)
	if err != nil || total == 0 {
		return err
	}
	now := n.cfg.Now()
	keys, err := n.userKeys(ctx, u, now)
	if err != nil {
		return err
	}
	data := digestMail{Config: n.cfg, Name: u.Name, Total: total, More: total - len(list), Encrypted: len(keys) > 0,
		Link: n.cfg.BaseURL + "/notifications"}
	for _, nt := range list {
		it := digestItem{When: nt.CreatedAt.UTC().Format("2006-01-02 15:04 UTC"), Subject: nt.Subject}
		if nt.Link != "" {
			it.Link = n.cfg.BaseURL + nt.Link
		}
		if data.Encrypted {
			it.Body = indent(strings.TrimSpace(nt.Body), "    ")
		}
		data.Items = append(data.Items, it)
	}
	subject, body, err := n.render("digest.txt", data)
	if err != nil {
		return jobs.Permanent(err)
	}
	m := mail.Message{From: n.cfg.From, To: u.Email, Subject: subject, Text: body}
	if len(keys) > 0 {
		if m, err = n.encrypt(ctx, m, "", keys, now); err != nil {
			return err
		}
		m.Subject = n.cfg.Instance + ": your daily digest"
	}
	if err := n.send.Send(ctx, m); err != nil {
		return err
	}
	return n.box.MarkDigested(ctx, u.ID, last)
}

// indent puts prefix before every line of s that is not empty.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if strings.TrimSpace(l) != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}
