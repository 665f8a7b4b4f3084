package notify

import (
	"context"
	"strconv"
	"strings"
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

// Mail to accounts. Every message about a case or a report goes through
// deliver. A message to an address outside (an organisation's security
// contact, an anonymous reporter's address) goes out at once, as always.
// A message to an account's own address is first recorded as the user's
// notification (inbox.Service.Record, which decides from the user's
// preferences and mutes in the same transaction), then mailed at once, left
// for the user's daily digest, or not mailed (the user wants no mail, or
// muted the case: then it is listed already read). A mail to an account is
// PGP/MIME-encrypted to the user's keys on file when there are any. Contact
// attempts that the case records (the first notice to a participant and
// the reminders to a silent vendor) are urgent: mailed at once whatever the
// preferences or mutes. Account-security mail (invitations, password
// resets, lockouts: mailUser) never goes through deliver.
//
// Recording is keyed by the job, so a job that runs again after a failure
// neither lists nor mails an account's notice twice (outside addresses may
// get theirs again: a second notice is harmless, a missing one is not).

// UseInbox makes messages to accounts go through box (see deliver), and
// installs the handler of the daily digests on r. orgs tells an
// organisation's security contact (an outside address) from its admins;
// with orgs nil, notices to organisations' participants are mail only.
// Without UseInbox every message goes out at once, as mail only.
func (n *Notifier) UseInbox(r *jobs.Runner, box *inbox.Service, orgs *org.Service) {
	n.box, n.orgs = box, orgs
	r.Handle(inbox.JobDigest, n.digest)
}

// about is what the messages of one job are about.
type about struct {
	kind    string // the notification's kind; the job's kind when ""
	caseID  int64
	caseKey string // the case's key, if about a case
	ref     string // kept in the subject of an encrypted mail: the case key or tracking ID
	link    string // absolute
	urgent  bool   // a contact attempt: mailed at once whatever the preferences
}

// letter is one message of a job to one address.
type letter struct {
	to      string
	user    auth.User // the account whose own address to is; ID 0: an outside address
	kind    string    // overrides about.kind, e.g. a mention in a thread
	subject string
	text    string
	headers map[string]string
	// built, if not nil, is the mail itself (with its own encryption
	// rules); subject and text are then what the user's notification
	// shows.
	built *mail.Message
}

// deliver sends the letters of job j: outside addresses at once, accounts'
// through the inbox (see above).
func (n *Notifier) deliver(ctx context.Context, j jobs.Job, a about, letters []letter) error {
	recorded, err := n.record(ctx, j, a, letters)
	if err != nil {
		return err
	}
	for i, l := range letters {
		var rec *inbox.Notification
		if r, ok := recorded[i]; ok {
			if r.Delivery != inbox.Pending {
				continue // mailed already (a retry), in the digest, or not at all
			}
			rec = &r
		}
		m, err := n.message(ctx, a, l)
		if err != nil {
			return err
		}
		if err := n.send.Send(ctx, m); err != nil {
			return err
		}
		if rec != nil {
			if err := n.box.MarkSent(ctx, rec.ID); err != nil {
				return err
			}
		}
	}
	return nil
}

// record stores the notices of the letters to accounts, one transaction
// for the job, and returns them by the letter's index.
func (n *Notifier) record(ctx context.Context, j jobs.Job, a about, letters []letter) (map[int]inbox.Notification, error) {
	if n.box == nil {
		return nil, nil
	}
	var list []inbox.Notice
	var index []int
	key := ""
	if j.ID != 0 {
		key = j.Kind + ":" + strconv.FormatInt(j.ID, 10)
	}
	for i, l := range letters {
		if l.user.ID == 0 {
			continue
		}
		kind := a.kind
		if l.kind != "" {
			kind = l.kind
		}
		if kind == "" {
			kind = j.Kind
		}
		list = append(list, inbox.Notice{UserID: l.user.ID, CaseID: a.caseID, CaseKey: a.caseKey, Kind: kind, Subject: l.subject,
			Body: l.text, Link: n.path(a.link), Key: key, Urgent: a.urgent})
		index = append(index, i)
	}
	got, err := n.box.Record(ctx, list)
	if err != nil {
		return nil, err
	}
	out := make(map[int]inbox.Notification, len(got))
	for k, rec := range got {
		out[index[k]] = rec
	}
	return out, nil
}

// path is link as a path on this instance, for the notification.
func (n *Notifier) path(link string) string {
	if p, ok := strings.CutPrefix(link, n.cfg.BaseURL); ok && strings.HasPrefix(p, "/") {
		return p
	}
	return ""
}

// message is the mail of letter l: built, or its text, encrypted to the
// keys on file of the account it goes to, if any.
func (n *Notifier) message(ctx context.Context, a about, l letter) (mail.Message, error) {
	if l.built != nil {
		return *l.built, nil
	}
	m := mail.Message{From: n.cfg.From, To: l.to, Subject: l.subject, Text: l.text, Headers: l.headers}
	if l.user.ID == 0 {
		return m, nil
	}
	now := n.cfg.Now()
	keys, err := n.userKeys(ctx, l.user, now)
	if err != nil || len(keys) == 0 {
		return m, err
	}
	return n.encrypt(ctx, m, a.ref, keys, now)
}

// encrypt makes m a PGP/MIME message to keys, signed with the instance's
// key; its outer subject keeps only ref, for threading replies.
func (n *Notifier) encrypt(ctx context.Context, m mail.Message, ref string, keys []pgp.Key, now time.Time) (mail.Message, error) {
	var signer *pgp.Identity
	if n.keyring != nil {
		var err error
		if signer, err = n.keyring.Current(ctx); err != nil {
			return m, err
		}
	}
	h, b := pgp.TextEntity(m.Subject, m.Text)
	enc, err := pgp.BuildEncrypted(h, b, keys, signer, now)
	if err != nil {
		return m, jobs.Permanent(err)
	}
	m.Subject = "Encrypted message"
	if ref != "" {
		m.Subject = "[" + ref + "] Encrypted message"
	}
	m.Text, m.ContentType, m.Body = "", enc.ContentType, enc.Body
	return m, nil
}

// userKeys returns the usable keys on file for account u that name its
// address.
func (n *Notifier) userKeys(ctx context.Context, u auth.User, now time.Time) ([]pgp.Key, error) {
	if n.contacts == nil {
		return nil, nil
	}
	list, err := n.contacts.List(ctx, pgp.Owner{Type: pgp.OwnerUser, ID: u.ID})
	if err != nil {
		return nil, err
	}
	var keys []pgp.Key
	for _, ck := range list {
		if inbox.Usable(ck.Key, u.Email, now) {
			keys = append(keys, ck.Key)
		}
	}
	return keys, nil
}

// accounts maps the addresses of a participant's notice to the accounts
// they belong to: a person's own address, or an organisation's admins'
// when it has no security contact. A security contact is an outside
// address, even when an account has the same one.
func (n *Notifier) accounts(ctx context.Context, t cases.NoticeTarget) (map[string]auth.User, error) {
	out := map[string]auth.User{}
	if n.box == nil {
		return out, nil
	}
	if t.UserID != 0 {
		u, err := n.users.Lookup(ctx, t.UserID)
		if err != nil {
			return nil, permanentIfNotFound(err)
		}
		for _, a := range t.Addresses {
			if strings.EqualFold(a, u.Email) {
				out[a] = u
			}
		}
		return out, nil
	}
	if t.OrgID == 0 || n.orgs == nil {
		return out, nil
	}
	o, err := n.orgs.Get(ctx, systemReader(), t.OrgID)
	if err != nil {
		return nil, permanentIfNotFound(err)
	}
	if o.SecurityEmail != "" {
		return out, nil
	}
	return n.byEmail(ctx, t.Addresses)
}

// byEmail maps the addresses that are accounts' to their accounts.
func (n *Notifier) byEmail(ctx context.Context, addrs []string) (map[string]auth.User, error) {
	out := map[string]auth.User{}
	if n.box == nil {
		return out, nil
	}
	for _, a := range addrs {
		u, err := n.users.UserByEmail(ctx, systemReader(), a)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out[a] = u
	}
	return out, nil
}

// account is u when messages to accounts go through the inbox, else
// nobody (an address like any other).
func (n *Notifier) account(u auth.User) auth.User {
	if n.box == nil {
		return auth.User{}
	}
	return u
}

// lettersTo makes the letters of one text to addresses, each to its
// account if accounts has it.
func lettersTo(addrs []string, accounts map[string]auth.User, subject, text string) []letter {
	out := make([]letter, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, letter{to: a, user: accounts[a], subject: subject, text: text})
	}
	return out
}

// listForAdmins lists a notice for the admins of an organisation whose
// mail went to its security contact (an outside address): they see in
// Parley what their contact address was told, and are not mailed again.
func (n *Notifier) listForAdmins(ctx context.Context, j jobs.Job, t cases.NoticeTarget, a about, subject, text string) error {
	if n.box == nil || n.orgs == nil || t.OrgID == 0 {
		return nil
	}
	o, err := n.orgs.Get(ctx, systemReader(), t.OrgID)
	if err != nil || o.SecurityEmail == "" { // without a contact the admins were the letters' accounts
		return permanentIfNotFound(err)
	}
	members, err := n.orgs.Members(ctx, systemReader(), t.OrgID)
	if err != nil {
		return err
	}
	key := j.Kind + ":" + strconv.FormatInt(j.ID, 10)
	var list []inbox.Notice
	for _, m := range members {
		if m.Role == auth.OrgAdmin {
			list = append(list, inbox.Notice{UserID: m.UserID, CaseID: a.caseID, CaseKey: a.caseKey, Kind: j.Kind, Subject: subject,
				Body: text, Link: n.path(a.link), Key: key, ListOnly: true})
		}
	}
	_, err = n.box.Record(ctx, list)
	return err
}
