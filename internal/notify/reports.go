package notify

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

// Mail about reports. To the reporter (report.receipt, report.notice):
// encrypted to the reporter's OpenPGP key when they gave one (or have one
// on file for their account), signed with the instance's key. Without a
// key a receipt carries only the tracking ID and a notice the message in
// plain words, as the reporter chose to write in the clear; with a key
// that cannot be used (expired, revoked) a notice carries no message at
// all, only where to read it. To coordinator staff (report.new,
// report.reporter_message, report.assigned): short notices with the
// tracking ID and a link, never report content. Every subject starts with
// the tracking ID in brackets, so that replies thread (mailin's Reference).
// Mail to an account's own address (staff, a reporter with an account)
// goes through deliver: listed as the user's notification and mailed as
// the user prefers; an anonymous reporter's address is mailed at once.

// ReportsConfig says what report mail needs to know of the program.
type ReportsConfig struct {
	// ReplyTo is the intake address that replies should go to (where the
	// mail intake threads them into the report); "" leaves it out.
	ReplyTo string
}

// RegisterReports installs the handlers of report mail.
func (n *Notifier) RegisterReports(r *jobs.Runner, svc *reports.Service, cfg ReportsConfig) {
	rn := &reportNotifier{Notifier: n, pol: svc.Policy(), rcfg: cfg}
	r.Handle(reports.JobReceipt, rn.receipt)
	r.Handle(reports.JobNotice, rn.notice)
	r.Handle(reports.JobNew, func(ctx context.Context, j jobs.Job) error { return rn.staff(ctx, j, "report_new.txt", false) })
	r.Handle(reports.JobReporterMessage, func(ctx context.Context, j jobs.Job) error {
		return rn.staff(ctx, j, "report_reporter_message.txt", true)
	})
	r.Handle(reports.JobAssigned, rn.assigned)
}

type reportNotifier struct {
	*Notifier
	pol  reports.Policy
	rcfg ReportsConfig
}

// reporterMail is the data of the templates to reporters.
type reporterMail struct {
	Config     Config
	Notice     reports.Notice
	Name       string // whom to greet
	Link       string // where to read the report
	Account    bool   // the reporter has an account
	AckDays    int
	Encrypted  bool
	WithBody   bool // the message is in this mail
	TrackingID string
}

func (n *reportNotifier) receipt(ctx context.Context, j jobs.Job) error {
	return n.toReporter(ctx, j, "report_receipt.txt")
}

func (n *reportNotifier) notice(ctx context.Context, j jobs.Job) error {
	return n.toReporter(ctx, j, "report_notice.txt")
}

func (n *reportNotifier) toReporter(ctx context.Context, j jobs.Job, tmpl string) error {
	var p reports.Notice
	if err := j.Decode(&p); err != nil {
		return jobs.Permanent(err)
	}
	now := n.cfg.Now()
	to, name := p.Email, p.Name
	var account auth.User // the reporter's account, when the mail goes to its own address
	if p.UserID != 0 {
		u, err := n.users.Lookup(ctx, p.UserID)
		if err != nil {
			return permanentIfNotFound(err)
		}
		if to == "" {
			to = u.Email
		}
		if name == "" {
			name = u.Name
		}
		if strings.EqualFold(to, u.Email) {
			account = n.account(u)
		}
	}
	if to == "" {
		return nil // nobody to tell: the reporter reads the follow-up page
	}
	keys, keyGiven, err := n.reporterKeys(ctx, p, to, now)
	if err != nil {
		return err
	}
	d := reporterMail{Config: n.cfg, Notice: p, Name: name, Account: p.UserID != 0, AckDays: n.pol.AckBusinessDays,
		Encrypted: len(keys) > 0, WithBody: len(keys) > 0 || !keyGiven, TrackingID: p.TrackingID}
	d.Link = n.cfg.BaseURL + "/report/follow-up"
	if p.UserID != 0 {
		d.Link = n.cfg.BaseURL + "/reports/" + strconv.FormatInt(p.ReportID, 10)
	}
	subject, body, err := n.render(tmpl, d)
	if err != nil {
		return jobs.Permanent(err)
	}
	m := mail.Message{From: n.cfg.From, To: to, Subject: subject, Text: body}
	if n.rcfg.ReplyTo != "" {
		m.Headers = map[string]string{"Reply-To": n.rcfg.ReplyTo}
	}
	if len(keys) > 0 {
		// The outer subject keeps only the tracking ID, for threading.
		if m, err = n.encrypt(ctx, m, p.TrackingID, keys, now); err != nil {
			return err
		}
	}
	// To the reporter's account, the notice is also listed on the user's
	// notifications page and follows the user's mail preferences; to any
	// other address (an anonymous reporter's) it goes out at once.
	return n.deliver(ctx, j, about{ref: p.TrackingID, link: d.Link},
		[]letter{{to: to, user: account, subject: subject, text: body, built: &m}})
}

// reporterKeys returns the keys to encrypt to: the key given with the
// report, else usable keys on file for the reporter's account that name
// the address. keyGiven is true when the reporter gave a key, usable or
// not.
func (n *reportNotifier) reporterKeys(ctx context.Context, p reports.Notice, to string, now time.Time) (keys []pgp.Key, keyGiven bool, err error) {
	if strings.TrimSpace(p.PGPKey) != "" {
		k, err := pgp.ParseKey([]byte(p.PGPKey), now)
		if err != nil {
			return nil, true, nil // unusable now: send no content
		}
		return []pgp.Key{k}, true, nil
	}
	if n.contacts == nil || p.UserID == 0 {
		return nil, false, nil
	}
	list, err := n.contacts.ForEmail(ctx, to)
	if err != nil {
		return nil, false, err
	}
	for _, ck := range list {
		usable := ck.Key.CanEncrypt && !ck.Key.Revoked && (ck.Key.Expires.IsZero() || ck.Key.Expires.After(now))
		if ck.Owner.Type == pgp.OwnerUser && ck.Owner.ID == p.UserID && usable && ck.Key.HasEmail(to) {
			keys = append(keys, ck.Key)
		}
	}
	return keys, len(keys) > 0, nil
}

// staffMail is the data of the templates to coordinator staff.
type staffMail struct {
	Config Config
	Event  reports.Event
	User   auth.User
	Link   string
}

// staff tells coordinator staff about a report: its assignee only when
// toAssignee and it has one, else every active staff member.
func (n *reportNotifier) staff(ctx context.Context, j jobs.Job, tmpl string, toAssignee bool) error {
	var e reports.Event
	if err := j.Decode(&e); err != nil {
		return jobs.Permanent(err)
	}
	var to []auth.User
	if toAssignee && e.AssigneeID != 0 {
		u, err := n.users.Lookup(ctx, e.AssigneeID)
		if err == nil && !u.Disabled {
			to = append(to, u)
		} else if err != nil && !errs.Is(err, errs.NotFound) {
			return err
		}
	}
	if len(to) == 0 {
		var err error
		if to, err = n.staffUsers(ctx); err != nil {
			return err
		}
	}
	return n.mailStaff(ctx, j, e, tmpl, to)
}

func (n *reportNotifier) assigned(ctx context.Context, j jobs.Job) error {
	var e reports.Event
	if err := j.Decode(&e); err != nil {
		return jobs.Permanent(err)
	}
	u, err := n.users.Lookup(ctx, e.AssigneeID)
	if err != nil {
		return permanentIfNotFound(err)
	}
	if u.Disabled {
		return nil
	}
	return n.mailStaff(ctx, j, e, "report_assigned.txt", []auth.User{u})
}

// mailStaff sends one notice per person, through deliver: a retry after a
// partial failure mails only those not mailed yet (without an inbox, the
// job's progress is not kept, so some may get it twice; a notice is
// harmless).
func (n *reportNotifier) mailStaff(ctx context.Context, j jobs.Job, e reports.Event, tmpl string, to []auth.User) error {
	link := n.cfg.BaseURL + "/triage/" + strconv.FormatInt(e.ReportID, 10)
	letters := make([]letter, 0, len(to))
	for _, u := range to {
		subject, body, err := n.render(tmpl, staffMail{Config: n.cfg, Event: e, User: u, Link: link})
		if err != nil {
			return jobs.Permanent(err)
		}
		letters = append(letters, letter{to: u.Email, user: n.account(u), subject: subject, text: body})
	}
	return n.deliver(ctx, j, about{ref: e.TrackingID, link: link}, letters)
}

// systemReader is the principal that lists accounts for system work
// (finding whom to tell).
func systemReader() auth.Principal { return auth.Principal{UserID: -1, Email: "notify", Staff: true} }

// staffUsers returns the active coordinator staff, else (when there is
// none) the active administrators.
func (n *reportNotifier) staffUsers(ctx context.Context) ([]auth.User, error) {
	var staff, admins []auth.User
	page := store.Page{Limit: 200}
	for {
		list, err := n.users.Users(ctx, systemReader(), page)
		if err != nil {
			return nil, err
		}
		for _, u := range list {
			switch {
			case u.Disabled:
			case u.Staff:
				staff = append(staff, u)
			case u.Admin:
				admins = append(admins, u)
			}
		}
		if len(list) < page.Size() {
			break
		}
		page.After = list[len(list)-1].ID
	}
	if len(staff) == 0 {
		return admins, nil
	}
	return staff, nil
}
