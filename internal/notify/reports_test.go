package notify_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestReportMail: receipts and notices reach the reporter, encrypted to
// the reporter's key when one was given (and then carrying the message),
// in plain words otherwise; staff get short notices without report
// content; every subject starts with the tracking ID in brackets.
func TestReportMail(t *testing.T) {
	db := storetest.New(t)
	now := func() time.Time { return time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	users := auth.NewService(db, now, auth.DefaultConfig())
	bootstrap := auth.Principal{UserID: 1 << 40, Email: "command line", Admin: true}
	mk := func(email string, staff bool) auth.Principal {
		u, err := users.CreateUser(ctx, bootstrap, auth.NewUser{Email: email, Name: strings.Split(email, "@")[0], Staff: staff})
		if err != nil {
			t.Fatal(err)
		}
		return auth.Principal{UserID: u.ID, Email: u.Email, Staff: staff}
	}
	staff := mk("triage@coord.example", true)
	other := mk("second@coord.example", true)
	mk("vendor@acme.example", false)
	reg, err := ssvc.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := reports.NewService(db, now, users, reg, reports.Policy{})
	fay, err := pgp.GenerateIdentity("Fay", "fay@research.example", now())
	if err != nil {
		t.Fatal(err)
	}
	sub := func(email, key string) reports.Receipt {
		rc, err := svc.Submit(ctx, auth.Principal{}, reports.Submission{Channel: reports.ChannelAPI, Details: reports.Details{
			Title: "Overflow in SecretRouter 3000", Description: "The DHCP client of SecretRouter overflows.", AIUse: reports.AINone,
			Contact: reports.Contact{Name: "Fay", Email: email}, PGPKey: key}})
		if err != nil {
			t.Fatal(err)
		}
		return rc
	}
	withKey := sub("fay@research.example", fay.Key.Armored)
	plain := sub("pat@plain.example", "")
	sub("", "") // anonymous: no receipt
	r, err := svc.Get(ctx, staff, withKey.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Acknowledge(ctx, staff, r.ID, r.Version, "Is SecretRouter 3000 rev B affected too?"); err != nil {
		t.Fatal(err)
	}
	r2, _ := svc.Get(ctx, staff, plain.ReportID)
	if _, err := svc.Acknowledge(ctx, staff, r2.ID, r2.Version, "We reproduced it."); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddMailReply(ctx, reports.MailReply{TrackingID: plain.TrackingID, From: "pat@plain.example", Body: "Thanks"}); err != nil {
		t.Fatal(err)
	}
	r2, _ = svc.Get(ctx, staff, plain.ReportID)
	if _, err := svc.Assign(ctx, staff, r2.ID, r2.Version, other.UserID); err != nil {
		t.Fatal(err)
	}

	srv, n, runner := startNotifier(t, db, users, now)
	keyring := pgp.NewKeyring(db, now, pgp.KeyringConfig{Name: "Parley", Email: "security@parley.test"})
	n.UseOpenPGP(keyring, pgp.NewContacts(db, now))
	n.Register(runner)
	n.RegisterReports(runner, svc, notify.ReportsConfig{ReplyTo: "security@parley.test"})
	if _, err := runner.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	// 2 receipts, 2 notices, 3 reports x 2 staff, 1 reporter message to the
	// assignee-less report's staff (2), 1 assignment; plus 3 invitations.
	got := srv.Wait(16, 5*time.Second)
	type msg struct{ to, raw, text string }
	var all []msg
	for _, m := range got {
		all = append(all, msg{m.To[0], string(m.Data), strings.ReplaceAll(string(m.Data), "=\r\n", "")})
	}
	find := func(to, subject string) []msg {
		var out []msg
		for _, m := range all {
			if m.to == to && strings.Contains(m.text, subject) {
				out = append(out, m)
			}
		}
		return out
	}
	decrypt := func(raw string) string {
		t.Helper()
		start, end := strings.Index(raw, "-----BEGIN PGP MESSAGE-----"), strings.Index(raw, "-----END PGP MESSAGE-----")
		if start < 0 || end < start {
			t.Fatalf("no armoured message in:\n%s", raw)
		}
		d, err := pgp.Decrypt([]byte(raw[start:end+len("-----END PGP MESSAGE-----")]), []*pgp.Identity{fay}, nil, now())
		if err != nil {
			t.Fatal(err)
		}
		return strings.ReplaceAll(string(d.Plaintext), "=\r\n", "")
	}
	// To the reporter with a key: everything encrypted; the outer subject
	// keeps only the tracking ID.
	enc := find("fay@research.example", "Subject: ["+withKey.TrackingID+"] Encrypted message")
	if len(enc) != 2 {
		t.Fatalf("%d encrypted mails to Fay; all: %v", len(enc), len(all))
	}
	var sawReceipt, sawNotice bool
	for _, m := range enc {
		if strings.Contains(m.text, "SecretRouter") || !strings.Contains(m.text, "multipart/encrypted") || !strings.Contains(m.text, "Reply-To: security@parley.test") {
			t.Errorf("Fay's mail is not properly encrypted:\n%s", m.text)
		}
		text := decrypt(m.raw)
		sawReceipt = sawReceipt || strings.Contains(text, "we received your report")
		sawNotice = sawNotice || strings.Contains(text, "Is SecretRouter 3000 rev B affected too?")
	}
	if !sawReceipt || !sawNotice {
		t.Errorf("receipt %v, notice %v", sawReceipt, sawNotice)
	}
	// To the reporter without a key: plain words.
	if l := find("pat@plain.example", "Subject: ["+plain.TrackingID+"] Parley: we received your report"); len(l) != 1 ||
		!strings.Contains(l[0].text, "2 business days") || strings.Contains(l[0].text, "SecretRouter") {
		t.Errorf("plain receipt: %v", l)
	}
	if l := find("pat@plain.example", "Subject: ["+plain.TrackingID+"] Parley: news about your report"); len(l) != 1 || !strings.Contains(l[0].text, "We reproduced it.") {
		t.Errorf("plain notice: %v", l)
	}
	// To staff: short, no content.
	for _, who := range []string{"triage@coord.example", "second@coord.example"} {
		l := find(who, "Parley: new report")
		if len(l) != 3 {
			t.Errorf("%s got %d new-report notices", who, len(l))
		}
		for _, m := range l {
			if strings.Contains(m.text, "SecretRouter") || strings.Contains(m.text, "DHCP") || !strings.Contains(m.text, "https://parley.test/triage/") {
				t.Errorf("staff notice:\n%s", m.text)
			}
		}
		if l := find(who, "Subject: ["+plain.TrackingID+"] Parley: the reporter wrote"); len(l) != 1 {
			t.Errorf("%s: %d reporter-message notices", who, len(l))
		}
	}
	if l := find("second@coord.example", "Subject: ["+plain.TrackingID+"] Parley: a report was assigned to you"); len(l) != 1 {
		t.Errorf("assignment notices: %d", len(l))
	}
	if l := find("vendor@acme.example", "RPT-"); len(l) != 0 {
		t.Errorf("a non-staff user was told about a report")
	}
}

// TestReportMailThroughInbox: notices to accounts (staff, a reporter
// signed in) are listed as their notifications and mailed as they prefer;
// an anonymous reporter's address is mailed at once.
func TestReportMailThroughInbox(t *testing.T) {
	db := storetest.New(t)
	now := func() time.Time { return time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	users := auth.NewService(db, now, auth.DefaultConfig())
	box := inbox.NewService(db, now, pgp.NewContacts(db, now))
	bootstrap := auth.Principal{UserID: 1 << 40, Email: "command line", Admin: true}
	mk := func(email string, staff bool) auth.Principal {
		u, err := users.CreateUser(ctx, bootstrap, auth.NewUser{Email: email, Name: strings.Split(email, "@")[0], Staff: staff})
		if err != nil {
			t.Fatal(err)
		}
		return auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name, Staff: staff}
	}
	quiet, busy, reporter := mk("quiet@coord.example", true), mk("busy@coord.example", true), mk("fay@research.example", false)
	if _, err := box.SetSettings(ctx, quiet, inbox.Patch{Mail: ptr(inbox.NoMail)}); err != nil {
		t.Fatal(err)
	}
	if _, err := box.SetSettings(ctx, reporter, inbox.Patch{Mail: ptr(inbox.Daily)}); err != nil {
		t.Fatal(err)
	}
	reg, err := ssvc.New()
	if err != nil {
		t.Fatal(err)
	}
	svc := reports.NewService(db, now, users, reg, reports.Policy{})
	submit := func(p auth.Principal, contact string) reports.Receipt {
		rc, err := svc.Submit(ctx, p, reports.Submission{Channel: reports.ChannelAPI, Details: reports.Details{
			Title: "Overflow in SecretRouter 3000", Description: "The DHCP client of SecretRouter overflows.", AIUse: reports.AINone,
			Contact: reports.Contact{Name: "Someone", Email: contact}}})
		if err != nil {
			t.Fatal(err)
		}
		return rc
	}
	mine := submit(reporter, "")
	anon := submit(auth.Principal{}, "pat@plain.example")

	srv, n, runner := startNotifier(t, db, users, now)
	n.UseInbox(runner, box, nil)
	n.RegisterReports(runner, svc, notify.ReportsConfig{})
	runner.Handle(auth.JobAccountLink, func(context.Context, jobs.Job) error { return nil }) // invitations: not this test's business
	if _, err := runner.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	to := map[string]int{}
	for _, m := range srv.Messages() {
		to[m.To[0]]++
	}
	// busy: two new-report notices; pat: the receipt; quiet wants no
	// mail, Fay's receipt waits for her digest.
	if len(to) != 2 || to["busy@coord.example"] != 2 || to["pat@plain.example"] != 1 {
		t.Fatalf("mail went to %v", to)
	}
	for _, p := range []auth.Principal{quiet, busy} {
		list, err := box.List(ctx, p, inbox.Filter{})
		if err != nil || len(list) != 2 || list[0].Kind != reports.JobNew || list[0].Link != "/triage/"+itoa(anon.ReportID) || list[0].CaseID != 0 {
			t.Fatalf("%s's notifications: %v %+v", p.Email, err, list)
		}
	}
	list, _ := box.List(ctx, reporter, inbox.Filter{})
	if len(list) != 1 || list[0].Kind != reports.JobReceipt || list[0].Delivery != inbox.Digest || list[0].Link != "/reports/"+itoa(mine.ReportID) ||
		!strings.Contains(list[0].Body, mine.TrackingID) {
		t.Fatalf("Fay's notifications: %+v", list)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
