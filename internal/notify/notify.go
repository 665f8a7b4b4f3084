// Package notify turns events that domain packages queued as jobs into
// messages to people (e-mail today; later webhooks and in-app notices).
// Domain packages never import it: they enqueue, it delivers.
package notify

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	"text/template"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
)

//go:embed templates/*.txt
var templateFiles embed.FS

// Config says where links point and who mail comes from.
type Config struct {
	BaseURL  string // e.g. https://parley.example.org, no trailing slash
	From     string // e.g. Parley <parley@example.org>
	Instance string // the instance's name in greetings and subjects
}

// Notifier delivers notices.
type Notifier struct {
	cfg   Config
	send  mail.Sender
	users *auth.Service
	tmpl  *template.Template
}

// New parses the templates (a broken template fails the start).
func New(cfg Config, send mail.Sender, users *auth.Service) (*Notifier, error) {
	t, err := template.ParseFS(templateFiles, "templates/*.txt")
	if err != nil {
		return nil, err
	}
	return &Notifier{cfg: cfg, send: send, users: users, tmpl: t}, nil
}

// Register installs the job handlers.
func (n *Notifier) Register(r *jobs.Runner) {
	r.Handle(auth.JobLockoutNotice, n.lockout)
	r.Handle(auth.JobAccountLink, n.accountLink)
}

func (n *Notifier) render(name string, data any) (subject, body string, err error) {
	var b bytes.Buffer
	if err := n.tmpl.ExecuteTemplate(&b, name, data); err != nil {
		return "", "", err
	}
	subj, rest, ok := bytes.Cut(b.Bytes(), []byte("\n\n"))
	if !ok || !bytes.HasPrefix(subj, []byte("Subject: ")) {
		return "", "", fmt.Errorf("template %s must start with a Subject: line and a blank line", name)
	}
	return string(subj[len("Subject: "):]), string(rest), nil
}

func (n *Notifier) mailUser(ctx context.Context, userID int64, tmpl string, data map[string]any) error {
	u, err := n.users.Lookup(ctx, userID)
	if err != nil {
		return jobs.Permanent(err)
	}
	data["User"], data["Config"] = u, n.cfg
	subject, body, err := n.render(tmpl, data)
	if err != nil {
		return jobs.Permanent(err)
	}
	return n.send.Send(ctx, mail.Message{From: n.cfg.From, To: u.Email, Subject: subject, Text: body})
}

func (n *Notifier) lockout(ctx context.Context, j jobs.Job) error {
	var p auth.LockoutNotice
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return n.mailUser(ctx, p.UserID, "lockout.txt", map[string]any{"Until": p.Until.UTC().Format(time.RFC1123)})
}

func (n *Notifier) accountLink(ctx context.Context, j jobs.Job) error {
	var p auth.AccountLink
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	return n.mailUser(ctx, p.UserID, p.Kind+".txt", map[string]any{"Link": n.cfg.BaseURL + "/account/link?token=" + p.Secret})
}
