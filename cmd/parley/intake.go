package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/mailin"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
)

// Mail intake: every message is stored first (mailin), then taken in as a
// report (a new one, or a message of the report its subject names) and
// marked accepted, or left quarantined with the reason for a coordinator.

func intakeCommands() []command {
	return []command{
		{"intake", "take in a reported vulnerability by e-mail: intake mail < message.eml", runIntake},
	}
}

// mailOutcome is what became of one message.
type mailOutcome struct {
	MailID     int64
	TrackingID string
	New        bool   // a new report; else a message added to TrackingID
	Again      bool   // filed by an earlier attempt, found by a retry
	Quarantine string // why the message was quarantined; "" when taken in
}

func (o mailOutcome) String() string {
	again := ""
	if o.Again {
		again = " (by an earlier attempt)"
	}
	switch {
	case o.Quarantine != "":
		return "quarantined: " + o.Quarantine
	case o.New:
		return "new report " + o.TrackingID + again
	}
	return "added to " + o.TrackingID + again
}

// intakeActor is the journal's actor of what the mail intake does.
var intakeActor = journal.Actor{Name: "mail intake"}

// takeMail stores raw, parses it and takes it in. An error means the
// message could not be stored or handled for a reason that is not the
// message's (the database); the outcome's MailID says whether it was
// stored.
func (a *app) takeMail(ctx context.Context, raw []byte) (mailOutcome, error) {
	in, id, err := a.intake.Process(ctx, raw)
	out := mailOutcome{MailID: id}
	switch {
	case id == 0:
		return out, err
	case err != nil && errs.KindOf(err) == errs.Internal:
		return out, err // left "received" (keys unavailable, a library panic): not the message's fault
	case err != nil:
		out.Quarantine = errs.Public(err) // Process quarantined it
		return out, nil
	}
	out, err = a.fileMail(ctx, in, time.Time{})
	out.MailID = id
	switch {
	case err != nil:
		return out, err // left "received" for the retry (retryMailJob)
	case out.Quarantine != "":
		return out, a.intake.SetStatus(ctx, intakeActor, id, mailin.Quarantined, out.Quarantine)
	}
	return out, a.intake.SetStatus(ctx, intakeActor, id, mailin.Accepted, out.String())
}

// fileMail takes in a parsed message: a new report, or a message of the
// report its subject names. A refusal is the outcome's Quarantine; an
// error is a failure that is not the message's (the database), after
// which it stays "received". since is when a message taken in again was
// stored (zero for one just received): what an earlier attempt filed
// since then is found, not filed twice.
func (a *app) fileMail(ctx context.Context, in mailin.Inbound, since time.Time) (mailOutcome, error) {
	plan, err := a.planMail(ctx, in)
	var out mailOutcome
	if err == nil && !since.IsZero() {
		var tid string
		tid, err = a.reports.MailTaken(ctx, reports.MailTrace{Since: since, Reply: plan.reply, Submission: plan.sub})
		if err == nil && tid != "" {
			return mailOutcome{TrackingID: tid, New: plan.reply == nil, Again: true}, nil
		}
	}
	if err == nil {
		out, err = a.submitMail(ctx, plan)
	}
	if err == nil || errs.KindOf(err) == errs.Internal {
		return out, err
	}
	out.Quarantine = errs.Public(err)
	if f := errs.FieldOf(err); f != "" && !strings.HasPrefix(out.Quarantine, f) {
		out.Quarantine = f + ": " + out.Quarantine
	}
	return out, nil
}

// retakeMail is the mail retry's taker (mailin.Taker): it takes in again
// a stored message that stayed "received".
func (a *app) retakeMail(ctx context.Context, m mailin.Stored) (mailin.Status, string, error) {
	in, err := a.intake.Parse(ctx, m.Raw)
	switch {
	case mailin.Retryable(ctx, err):
		return "", "", err
	case err != nil:
		return mailin.Quarantined, errs.Public(err), nil
	}
	out, err := a.fileMail(ctx, in, m.ReceivedAt)
	switch {
	case err != nil:
		return "", "", err
	case out.Quarantine != "":
		return mailin.Quarantined, out.Quarantine, nil
	}
	a.log.InfoContext(ctx, "mail intake: taken in on a retry", "mail", m.ID, "outcome", out.String())
	return mailin.Accepted, out.String(), nil
}

// retryMailJob is the handler of the periodic mailin.JobRetry: mail that
// stayed "received" is taken in again, and quarantined after the last
// attempt.
func (a *app) retryMailJob(ctx context.Context, _ jobs.Job) error {
	res, err := a.intake.Retry(ctx, a.retakeMail)
	if res != (mailin.RetryResult{}) {
		a.log.InfoContext(ctx, "mail intake: retried", "accepted", res.Accepted, "quarantined", res.Quarantined, "failed", res.Failed,
			"gave_up", res.GaveUp)
		a.runner.Wake() // receipts and notices were queued
	}
	return err
}

// deliverMail is the SMTP listener's delivery: the sender is told to try
// again only when the message could not be stored. A stored message that
// could not be taken in stays in the inbound mail for a coordinator.
func (a *app) deliverMail(ctx context.Context, raw []byte) error {
	out, err := a.takeMail(ctx, raw)
	if out.MailID == 0 {
		return err
	}
	if err != nil {
		a.log.ErrorContext(ctx, "mail intake: stored, not taken in", "mail", out.MailID, "err", err)
		return nil
	}
	a.log.InfoContext(ctx, "mail intake", "mail", out.MailID, "outcome", out.String())
	a.runner.Wake()
	return nil
}

// mailPlan is what the intake makes of a message: a reply to the report
// its subject names, or else a new report.
type mailPlan struct {
	reply *reports.MailReply
	sub   reports.Submission
}

// planMail decides what to make of a message.
func (a *app) planMail(ctx context.Context, in mailin.Inbound) (mailPlan, error) {
	atts := mailAttachments(in)
	if ref := strings.ToUpper(in.Reference); ref != "" {
		if !strings.HasPrefix(ref, "RPT-") {
			return mailPlan{}, errs.E(errs.Invalid, "the subject names %s, which is not a report; mail about cases is not taken in yet", ref)
		}
		exists, err := a.reports.TrackingIDExists(ctx, ref)
		if err != nil {
			return mailPlan{}, err
		}
		if exists {
			return mailPlan{reply: &reports.MailReply{TrackingID: ref, From: in.From, Body: in.Text, Attachments: atts}}, nil
		}
	}
	sub := reports.Submission{Channel: reports.ChannelEmail, Attachments: atts, Details: reports.Details{
		Title:       mailTitle(in.Subject),
		Description: mailDescription(in),
		Contact:     reports.Contact{Name: cleanLine(in.FromName, reports.MaxName), Email: in.From},
		AIUse:       reports.AIUnstated,
	}}
	if len(in.Text) > reports.MaxText-4096 { // the whole text as a file, the beginning as the description
		sub.Attachments = append(sub.Attachments, reports.NewAttachment{Name: "message.txt", Data: []byte(in.Text)})
	}
	key, err := a.senderKey(ctx, in)
	if err != nil {
		return mailPlan{}, err
	}
	sub.PGPKey = key
	return mailPlan{sub: sub}, nil
}

// submitMail files what planMail made of a message.
func (a *app) submitMail(ctx context.Context, plan mailPlan) (mailOutcome, error) {
	if plan.reply != nil {
		_, err := a.reports.AddMailReply(ctx, *plan.reply)
		return mailOutcome{TrackingID: plan.reply.TrackingID}, err
	}
	sub := plan.sub
	rc, err := a.reports.Submit(ctx, auth.Principal{}, sub)
	if errs.FieldOf(err) == "contact.email" { // an unusual From: keep the report, anonymous
		sub.Contact.Email = ""
		rc, err = a.reports.Submit(ctx, auth.Principal{}, sub)
	}
	return mailOutcome{TrackingID: rc.TrackingID, New: true}, err
}

// senderKey returns the sender's armoured public key to answer to: the
// key on file that signed the message, else a key attached to it that
// names the sender; "" when there is none.
func (a *app) senderKey(ctx context.Context, in mailin.Inbound) (string, error) {
	if in.SignatureValid && in.SignedBy != "" && in.From != "" {
		list, err := a.contacts.ForEmail(ctx, in.From)
		if err != nil {
			return "", err
		}
		for _, ck := range list {
			if strings.EqualFold(ck.Key.Fingerprint, in.SignedBy) && ck.Key.HasEmail(in.From) {
				return ck.Key.Armored, nil
			}
		}
	}
	for _, at := range in.Attachments {
		if at.ContentType != "application/pgp-keys" && !strings.HasSuffix(strings.ToLower(at.Name), ".asc") {
			continue
		}
		if k, err := pgp.ParseKey(at.Data, a.now()); err == nil && in.From != "" && k.HasEmail(in.From) {
			return k.Armored, nil
		}
	}
	return "", nil
}

func mailAttachments(in mailin.Inbound) []reports.NewAttachment {
	var out []reports.NewAttachment
	for _, at := range in.Attachments {
		if len(at.Data) == 0 {
			continue
		}
		out = append(out, reports.NewAttachment{Name: at.Name, Data: at.Data})
	}
	return out
}

// mailTitle makes a report title of a subject.
func mailTitle(subject string) string {
	t := cleanLine(subject, reports.MaxTitle)
	for _, prefix := range []string{"re:", "fwd:", "fw:", "aw:"} {
		for strings.HasPrefix(strings.ToLower(t), prefix) {
			t = strings.TrimSpace(t[len(prefix):])
		}
	}
	if t == "" {
		return "Report by e-mail (no subject)"
	}
	return t
}

// mailDescription is the message's text with what the intake noticed
// (encryption, signature, parts it could not read), cut to fit.
func mailDescription(in mailin.Inbound) string {
	text := strings.ToValidUTF8(in.Text, "\uFFFD")
	text = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && r != '\n' && r != '\t' {
			return -1
		}
		return r
	}, text)
	var notes []string
	if in.Encrypted {
		notes = append(notes, "The message was encrypted to this instance's OpenPGP key.")
	}
	switch {
	case in.SignatureValid:
		notes = append(notes, "It was signed with a key on file for the sender ("+in.SignedBy+").")
	case in.Signed:
		notes = append(notes, "It carried a signature that could not be verified: "+in.SignatureProblem)
	}
	notes = append(notes, in.Notes...)
	suffix := ""
	if len(notes) > 0 {
		suffix = "\n\n---\nReceived by e-mail. " + strings.Join(notes, " ")
	}
	limit := reports.MaxText - len(suffix) - 200
	if len(text) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		text = text[:cut] + "\n\n[… cut here; the whole text is attached as message.txt]"
	}
	if strings.TrimSpace(text) == "" {
		text = "(The e-mail had no text.)"
	}
	return text + suffix
}

// cleanLine makes s one line without control characters, of at most max
// characters.
func cleanLine(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) {
			return ' '
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		s = strings.TrimSpace(string(r[:max]))
	}
	return s
}

// runIntake is `parley intake mail`: it reads one message from standard
// input and says what became of it. Exit status 0 when it was taken in,
// 1 when it was quarantined (it is kept) or failed after it was stored,
// and 75 (EX_TEMPFAIL, so that a mail server delivering to the command
// tries again) when it could not be stored.
func runIntake(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 || args[0] != "mail" {
		return usageError("usage: parley intake mail [--json] [config flags] < message.eml")
	}
	rest, asJSON := stripJSON(args[1:])
	cfg, _, err := loadConfig(c, "intake mail", rest)
	if err != nil {
		return err
	}
	raw, err := io.ReadAll(io.LimitReader(c.stdin, 64<<20))
	if err != nil {
		return &exitError{code: 75, msg: fmt.Sprintf("read the message: %v", err)}
	}
	a, err := newCoreApp(ctx, cfg, newLogger(cfg, c.stderr))
	if err != nil {
		return &exitError{code: 75, msg: err.Error()}
	}
	defer a.close()
	out, err := a.takeMail(ctx, raw)
	if asJSON {
		_ = printJSON(c.stdout, map[string]any{"mail_id": out.MailID, "tracking_id": out.TrackingID, "new": out.New,
			"quarantined": out.Quarantine != "", "reason": out.Quarantine})
	}
	switch {
	case out.MailID == 0:
		return &exitError{code: 75, msg: fmt.Sprintf("the message was not stored: %v", err)}
	case err != nil:
		return &exitError{code: 1, msg: fmt.Sprintf("mail %d was stored but not taken in (the server tries it again in a few minutes): %v",
			out.MailID, err)}
	}
	if !asJSON {
		fmt.Fprintln(c.stdout, out.String())
	}
	if out.Quarantine != "" {
		return &exitError{code: 1}
	}
	return nil
}

// stripJSON takes --json out of args, which go on to the configuration's
// flags.
func stripJSON(args []string) (rest []string, asJSON bool) {
	for _, a := range args {
		if a == "--json" || a == "-json" {
			asJSON = true
			continue
		}
		rest = append(rest, a)
	}
	return rest, asJSON
}
