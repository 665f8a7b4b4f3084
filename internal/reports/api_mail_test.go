package reports_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// TestMailTaken: what the mail intake filed (a new report by e-mail, a
// reply in a report) is found again from the same e-mail, so that a retry
// files nothing twice; other e-mails, and what was there before the
// e-mail was stored, are not.
func TestMailTaken(t *testing.T) {
	e := setup(t, policy())
	mail := func(title, text string) reports.Submission {
		return reports.Submission{Channel: reports.ChannelEmail, Details: reports.Details{Title: title, Description: text,
			Contact: reports.Contact{Email: "fay@research.example"}, AIUse: reports.AIUnstated}}
	}
	stored := e.now
	e.now = e.now.Add(time.Second)
	// Titles and text as the intake gives them; Submit normalises both.
	sub := mail("  Overflow in   Acme Router ", "A long username crashes login.cgi.\r\n\r\n---\r\nReceived by e-mail.\r\n")
	rc := e.submit(auth.Principal{}, sub)
	reply := reports.MailReply{TrackingID: rc.TrackingID, From: "fay@research.example", Body: "It is firmware 2.1.1.\r\n",
		Attachments: []reports.NewAttachment{{Name: "dir/crash.log", Data: []byte("segfault")}}}
	if _, err := e.svc.AddMailReply(e.ctx, reply); err != nil {
		t.Fatal(err)
	}
	lower := reply
	lower.TrackingID = " " + strings.ToLower(rc.TrackingID) // as typed in a subject
	for _, tc := range []struct {
		name  string
		trace reports.MailTrace
		want  string
	}{
		{"the report", reports.MailTrace{Since: stored, Submission: sub}, rc.TrackingID},
		{"the reply", reports.MailTrace{Since: stored, Reply: &reply}, rc.TrackingID},
		{"the reply, ID in lower case", reports.MailTrace{Since: stored, Reply: &lower}, rc.TrackingID},
		{"another text", reports.MailTrace{Since: stored, Submission: mail("Overflow in Acme Router", "Another text.")}, ""},
		{"by the web", reports.MailTrace{Since: stored, Submission: func() reports.Submission { s := sub; s.Channel = reports.ChannelWeb; return s }()}, ""},
		{"stored later", reports.MailTrace{Since: stored.Add(time.Hour), Submission: sub}, ""},
		{"another reply", reports.MailTrace{Since: stored, Reply: &reports.MailReply{TrackingID: rc.TrackingID, Body: "It is firmware 2.1.1."}}, ""},
		{"reply stored later", reports.MailTrace{Since: stored.Add(time.Hour), Reply: &reply}, ""},
		{"reply to another report", reports.MailTrace{Since: stored, Reply: &reports.MailReply{TrackingID: "RPT-2026-999999", Body: reply.Body,
			Attachments: reply.Attachments}}, ""},
		{"a refused submission", reports.MailTrace{Since: stored, Submission: mail("", "x")}, ""},
		{"a refused reply", reports.MailTrace{Since: stored, Reply: &reports.MailReply{TrackingID: rc.TrackingID, Body: " "}}, ""},
	} {
		got, err := e.svc.MailTaken(e.ctx, tc.trace)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}
}

// TestAttachmentsList: staff and the report's signed-in reporter list its
// attachments, without their data; to others the report does not exist.
func TestAttachmentsList(t *testing.T) {
	e := setup(t, policy())
	sub := good()
	sub.Attachments = []reports.NewAttachment{{Name: "poc.py", Data: []byte("print(1)")}, {Name: "notes.txt", Data: []byte("notes")}}
	rc := e.submit(e.reporter, sub)
	for _, tc := range []struct {
		name string
		p    auth.Principal
		id   int64
		n    int
		ok   bool
	}{
		{"staff", e.staff, rc.ReportID, 2, true},
		{"administrator", e.admin, rc.ReportID, 2, true},
		{"reporter", e.reporter, rc.ReportID, 2, true},
		{"someone else", e.other, rc.ReportID, 0, false},
		{"anonymous", auth.Principal{}, rc.ReportID, 0, false},
		{"no such report", e.staff, rc.ReportID + 1, 0, false},
	} {
		list, err := e.svc.Attachments(e.ctx, tc.p, tc.id)
		if (err == nil) != tc.ok || len(list) != tc.n {
			t.Errorf("%s: %d attachments, %v", tc.name, len(list), err)
			continue
		}
		for _, a := range list {
			if a.Data != nil || a.ReportID != rc.ReportID || a.SHA256 == "" {
				t.Errorf("%s: %+v", tc.name, a)
			}
		}
		if !tc.ok && !errs.Is(err, errs.NotFound) {
			t.Errorf("%s: %v, want not found", tc.name, err)
		}
	}
}
