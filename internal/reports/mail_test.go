package reports_test

import (
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// TestAddMailReply: a reply by e-mail threads into the report its subject
// names, from the reporter's address only, with its attachments; a wait
// for the reporter ends; other senders and unknown IDs are refused.
func TestAddMailReply(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good()) // contact Fay@Research.example
	r := e.get(rc.ReportID)
	if _, err := e.svc.AskForInfo(e.ctx, e.staff, r.ID, r.Version, "Which firmware build?"); err != nil {
		t.Fatal(err)
	}
	if ok, err := e.svc.TrackingIDExists(e.ctx, strings.ToLower(rc.TrackingID)); !ok || err != nil {
		t.Fatalf("exists: %v %v", ok, err)
	}
	if ok, err := e.svc.TrackingIDExists(e.ctx, "RPT-1999-000001"); ok || err != nil {
		t.Fatalf("exists (unknown): %v %v", ok, err)
	}
	for _, tc := range []struct {
		name string
		in   reports.MailReply
		kind errs.Kind
	}{
		{"stranger", reports.MailReply{TrackingID: rc.TrackingID, From: "mallory@evil.example", Body: "close it"}, errs.Forbidden},
		{"unknown ID", reports.MailReply{TrackingID: "RPT-2026-999999", From: "fay@research.example", Body: "x"}, errs.NotFound},
		{"not an ID", reports.MailReply{TrackingID: "PAR-2026-0001", From: "fay@research.example", Body: "x"}, errs.NotFound},
		{"empty", reports.MailReply{TrackingID: rc.TrackingID, From: "fay@research.example", Body: " "}, errs.Invalid},
	} {
		if _, err := e.svc.AddMailReply(e.ctx, tc.in); !errs.Is(err, tc.kind) {
			t.Errorf("%s: %v, want %s", tc.name, err, tc.kind)
		}
	}
	m, err := e.svc.AddMailReply(e.ctx, reports.MailReply{TrackingID: rc.TrackingID, From: "FAY@research.example", Body: "Build 2.1.1-r7.",
		Attachments: []reports.NewAttachment{{Name: "../crash.txt", Data: []byte("segfault")}}})
	if err != nil || m.Author != reports.AuthorReporter || !strings.Contains(m.Body, "Build 2.1.1-r7.") || !strings.Contains(m.Body, "crash.txt") {
		t.Fatalf("reply: %+v, %v", m, err)
	}
	r = e.get(rc.ReportID)
	if r.Status != reports.StatusOpen || len(r.Attachments) != 1 || r.Attachments[0].Name != "crash.txt" {
		t.Errorf("after the reply: status %s, attachments %+v", r.Status, r.Attachments)
	}
	if got := e.jobKinds(); got[len(got)-1] != reports.JobReporterMessage {
		t.Errorf("jobs: %v", got)
	}
	// The signed-in reporter's account address counts too.
	rc2 := e.submit(e.reporter, func() reports.Submission { s := good(); s.Contact = reports.Contact{}; return s }())
	if _, err := e.svc.AddMailReply(e.ctx, reports.MailReply{TrackingID: rc2.TrackingID, From: e.reporter.Email, Body: "hello"}); err != nil {
		t.Errorf("reply from the account's address: %v", err)
	}
}
