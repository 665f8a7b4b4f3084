// Package notify turns events that domain packages queued as jobs into
// messages to people: e-mail, and for accounts notifications in the web
// interface and the API (package inbox), mailed at once, in a daily digest
// or not at all as each user prefers (see deliver in accounts.go).
// Domain packages never import it: they enqueue, it delivers.
package notify

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"text/template"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
)

//go:embed templates/*.txt
var templateFiles embed.FS

// Config says where links point and who mail comes from.
type Config struct {
	BaseURL  string           // e.g. https://parley.example.org, no trailing slash
	From     string           // e.g. Parley <parley@example.org>
	Instance string           // the instance's name in greetings and subjects
	Now      func() time.Time // the clock; nil means time.Now
}

// Notifier delivers notices.
type Notifier struct {
	cfg      Config
	send     mail.Sender
	users    *auth.Service
	tmpl     *template.Template
	keyring  *pgp.Keyring   // the instance's key, to sign; nil: no encryption
	contacts *pgp.Contacts  // recipients' keys
	box      *inbox.Service // users' notifications and preferences; nil: mail only
	orgs     *org.Service   // tells a security contact from an organisation's admins
}

// UseOpenPGP makes notices to recipients with a key on file encrypted (and
// signed with the instance's key), so that they can carry details.
func (n *Notifier) UseOpenPGP(keyring *pgp.Keyring, contacts *pgp.Contacts) {
	n.keyring, n.contacts = keyring, contacts
}

// New parses the templates (a broken template fails the start).
func New(cfg Config, send mail.Sender, users *auth.Service) (*Notifier, error) {
	t, err := template.ParseFS(templateFiles, "templates/*.txt")
	if err != nil {
		return nil, err
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Notifier{cfg: cfg, send: send, users: users, tmpl: t}, nil
}

// RegisterCases installs the handlers of case notices.
func (n *Notifier) RegisterCases(r *jobs.Runner, c *cases.Service) {
	r.Handle(cases.JobVendorNotice, func(ctx context.Context, j jobs.Job) error { return n.vendorNotice(ctx, j, c) })
	r.Handle(cases.JobEmbargoNotice, func(ctx context.Context, j jobs.Job) error { return n.embargoNotice(ctx, j, c) })
	r.Handle(cases.JobVendorReminder, func(ctx context.Context, j jobs.Job) error { return n.vendorReminder(ctx, j, c) })
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

// mailUser mails account-security mail (invitations, password resets,
// lockouts) to an account at once: never through the inbox, whatever the
// user's preferences.
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

// vendorNotice tells a new participant that a case concerns it, without any
// vulnerability detail (the message is not encrypted), and records the
// contact: V for a vendor, or a failed delivery.
func (n *Notifier) vendorNotice(ctx context.Context, j jobs.Job, c *cases.Service) error {
	var p cases.VendorNotice
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	t, err := c.NoticeTarget(ctx, p.CaseID, p.ParticipantID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	if t.AlreadyNotice { // the mail went out and was recorded: a retry
		return nil
	}
	now := n.cfg.Now()
	if len(t.Addresses) == 0 {
		err := c.MarkDeliveryFailed(ctx, p.CaseID, p.ParticipantID, now, "email", "no security contact and no organisation admin to write to")
		return jobs.Permanent(errors.Join(err, fmt.Errorf("no address for participant %d", p.ParticipantID)))
	}
	link := n.cfg.BaseURL + "/cases/" + t.CaseKey
	accounts, err := n.accounts(ctx, t)
	if err != nil {
		return err
	}
	// What the accounts' notifications show: the notice without details.
	subject, text, err := n.render("vendor_notice.txt", map[string]any{"Target": t, "Config": n.cfg, "Link": link})
	if err != nil {
		return jobs.Permanent(err)
	}
	letters := make([]letter, 0, len(t.Addresses))
	for _, to := range t.Addresses {
		m, err := n.notice(ctx, t, to, link, now)
		if err != nil {
			return err
		}
		letters = append(letters, letter{to: to, user: accounts[to], subject: subject, text: text, built: &m})
	}
	// The first contact is urgent: mailed at once whatever the preferences.
	if err := n.deliver(ctx, j, about{caseID: p.CaseID, caseKey: t.CaseKey, ref: t.CaseKey, link: link, urgent: true}, letters); err != nil {
		if j.Attempts >= j.MaxAttempts {
			_ = c.MarkDeliveryFailed(ctx, p.CaseID, p.ParticipantID, now, "email", err.Error())
		}
		return err
	}
	if err := n.listForAdmins(ctx, j, t, about{caseID: p.CaseID, caseKey: t.CaseKey, link: link}, subject, text); err != nil {
		return err
	}
	return c.MarkNotified(ctx, p.CaseID, p.ParticipantID, now, "email")
}

func permanentIfNotFound(err error) error {
	if errs.Is(err, errs.NotFound) {
		return jobs.Permanent(err)
	}
	return err
}

// notice is the message to one address: encrypted with details when the
// participant has a key for it on file, otherwise without any detail.
func (n *Notifier) notice(ctx context.Context, t cases.NoticeTarget, to, link string, now time.Time) (mail.Message, error) {
	data := map[string]any{"Target": t, "Config": n.cfg, "Link": link}
	keys, err := n.keysFor(ctx, t, to, now)
	if err != nil {
		return mail.Message{}, err
	}
	if len(keys) == 0 || t.Embargoed { // no details before the embargo is accepted
		subject, body, err := n.render("vendor_notice.txt", data)
		if err != nil {
			return mail.Message{}, jobs.Permanent(err)
		}
		return mail.Message{From: n.cfg.From, To: to, Subject: subject, Text: body}, nil
	}
	subject, body, err := n.render("vendor_notice_encrypted.txt", data)
	if err != nil {
		return mail.Message{}, jobs.Permanent(err)
	}
	id, err := n.keyring.Current(ctx)
	if err != nil {
		return mail.Message{}, err
	}
	h, b := pgp.TextEntity(subject, body)
	enc, err := pgp.BuildEncrypted(h, b, keys, id, now)
	if err != nil {
		return mail.Message{}, err
	}
	// The outer subject keeps only the case key, for threading replies.
	return mail.Message{From: n.cfg.From, To: to, Subject: "[" + t.CaseKey + "] Encrypted message", ContentType: enc.ContentType, Body: enc.Body}, nil
}

// keysFor returns the usable keys on file for address to that belong to
// the participant itself (its organisation, or the person).
func (n *Notifier) keysFor(ctx context.Context, t cases.NoticeTarget, to string, now time.Time) ([]pgp.Key, error) {
	if n.contacts == nil || n.keyring == nil {
		return nil, nil
	}
	list, err := n.contacts.ForEmail(ctx, to)
	if err != nil {
		return nil, err
	}
	var keys []pgp.Key
	for _, ck := range list {
		own := (ck.Owner.Type == pgp.OwnerOrg && ck.Owner.ID == t.OrgID && t.OrgID != 0) ||
			(ck.Owner.Type == pgp.OwnerUser && ck.Owner.ID == t.UserID && t.UserID != 0)
		usable := ck.Key.CanEncrypt && !ck.Key.Revoked && (ck.Key.Expires.IsZero() || ck.Key.Expires.After(now))
		if own && usable && ck.Key.HasEmail(to) {
			keys = append(keys, ck.Key)
		}
	}
	return keys, nil
}
