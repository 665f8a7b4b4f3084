package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/smtp"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func mailMessage(from, subject, body string) string {
	return "From: Fay Finder <" + from + ">\r\nTo: security@parley.test\r\nSubject: " + subject +
		"\r\nMessage-ID: <" + fmt.Sprint(time.Now().UnixNano()) + "@research.example>\r\nDate: Wed, 6 May 2026 12:00:00 +0000\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n\r\n" + body + "\r\n"
}

// openTestDB opens the test's database beside the commands, to look.
func openTestDB(t *testing.T, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestIntakeMail: `parley intake mail` makes a report of a plain message,
// threads a reply naming it into the same report, and quarantines garbage
// and a reply from someone else (exit 1), keeping every message.
func TestIntakeMail(t *testing.T) {
	dsn := storetest.DSN(t)
	e := &e2e{t: t, env: map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": dsn, "PARLEY_LOG_LEVEL": "warn",
		"PARLEY_INTAKE_ADDRESS": "security@parley.test"}}
	out := e.must(mailMessage("fay@research.example", "Overflow in Acme Router login", "A long username crashes login.cgi."), "intake", "mail")
	m := regexp.MustCompile(`^new report (RPT-\d{4}-\d{6})\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("intake mail: %q", out)
	}
	tid := m[1]
	out = e.must(mailMessage("FAY@research.example", "Re: ["+tid+"] Parley: news about your report", "It is firmware 2.1.1."), "intake", "mail", "--json")
	var res struct {
		TrackingID  string `json:"tracking_id"`
		New         bool   `json:"new"`
		Quarantined bool   `json:"quarantined"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || res.TrackingID != tid || res.New || res.Quarantined {
		t.Fatalf("reply: %v %s", err, out)
	}
	if out, code := e.run("\x00\x01\x02\xff\xfe binary junk \x00", "intake", "mail"); code != 1 || !strings.HasPrefix(out, "quarantined: ") {
		t.Fatalf("garbage: %d %q", code, out)
	}
	if out, code := e.run(mailMessage("mallory@evil.example", "["+tid+"] close this", "x"), "intake", "mail"); code != 1 ||
		!strings.Contains(out, "quarantined: ") || !strings.Contains(out, "not the reporter") {
		t.Fatalf("stranger: %d %q", code, out)
	}
	if out, code := e.run(mailMessage("fay@research.example", "[PAR-2026-0001] about the case", "x"), "intake", "mail"); code != 1 ||
		!strings.Contains(out, "not a report") {
		t.Fatalf("case reference: %d %q", code, out)
	}
	if out, code := e.run("", "intake", "nothing"); code != 2 {
		t.Fatalf("usage: %d %q", code, out)
	}

	db := openTestDB(t, dsn)
	ctx := context.Background()
	var reports, messages, accepted, quarantined int
	var channel, contact, title string
	_ = db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM reports`).Scan(&reports)
	_ = db.Read().QueryRowContext(ctx, `SELECT channel, contact_email, title FROM reports WHERE tracking_id = $1`, tid).Scan(&channel, &contact, &title)
	_ = db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM report_messages WHERE author = 'reporter'`).Scan(&messages)
	_ = db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM inbound_mail WHERE status = 'accepted'`).Scan(&accepted)
	_ = db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM inbound_mail WHERE status = 'quarantined'`).Scan(&quarantined)
	if reports != 1 || channel != "email" || contact != "fay@research.example" || title != "Overflow in Acme Router login" || messages != 1 ||
		accepted != 2 || quarantined != 3 {
		t.Errorf("reports %d (%s, %s, %q), reporter messages %d, mail accepted %d, quarantined %d", reports, channel, contact, title, messages,
			accepted, quarantined)
	}
}

// TestServeTakesMail starts the server with the SMTP listener on, sends a
// real message over SMTP and sees a report appear and its receipt go out.
func TestServeTakesMail(t *testing.T) {
	dsn := storetest.DSN(t)
	e := &e2e{t: t, env: map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": dsn, "PARLEY_ADDR": "127.0.0.1:0",
		"PARLEY_LOG_LEVEL": "warn", "PARLEY_INTAKE_ADDRESS": "security@parley.test", "PARLEY_INTAKE_LISTEN": "127.0.0.1:0"}}
	ctx, cancel := context.WithCancel(context.Background())
	var serveOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve"}, e.getenv, strings.NewReader(""), &serveOut, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	waitForURL(t, &serveOut)
	re := regexp.MustCompile(`Mail intake \(SMTP\) is listening on (\S+) for mail to @parley\.test`)
	var addr string
	for range 400 {
		if m := re.FindStringSubmatch(serveOut.String()); m != nil {
			addr = m[1]
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if addr == "" {
		t.Fatalf("no SMTP listener:\n%s", serveOut.String())
	}
	msg := mailMessage("fay@research.example", "Heap overflow in the DHCP client", "Send a long option 61 to crash it.")
	if err := smtp.SendMail(addr, nil, "fay@research.example", []string{"security@parley.test"}, []byte(msg)); err != nil {
		t.Fatalf("SMTP: %v", err)
	}
	if err := smtp.SendMail(addr, nil, "fay@research.example", []string{"someone@elsewhere.example"}, []byte(msg)); err == nil {
		t.Error("mail for another domain was accepted")
	}
	db := openTestDB(t, dsn)
	var tid string
	var receipts int
	for range 400 { // the report is made on delivery; the receipt by a job worker
		_ = db.Read().QueryRowContext(ctx, `SELECT tracking_id FROM reports WHERE channel = 'email' AND title = $1`,
			"Heap overflow in the DHCP client").Scan(&tid)
		_ = db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM mailbox WHERE mail_to = $1 AND subject LIKE $2`,
			"fay@research.example", "["+tid+"]%").Scan(&receipts)
		if tid != "" && receipts == 1 {
			break
		}
		time.Sleep(25 * time.Millisecond)
	}
	if tid == "" || receipts != 1 {
		t.Fatalf("report %q, receipts %d\n%s", tid, receipts, serveOut.String())
	}
}
