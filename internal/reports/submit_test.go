package reports_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/reports"
)

func TestSubmitHappyPath(t *testing.T) {
	e := setup(t, policy())
	s := good()
	s.Attachments = []reports.NewAttachment{{Name: "../../etc/poc.py", Data: []byte("#!/usr/bin/env python3\nprint('A'*5000)\n")}}
	rc := e.submit(auth.Principal{}, s)
	if rc.TrackingID != "RPT-2026-000001" || len(rc.FollowUpSecret) < 40 {
		t.Fatalf("receipt: %+v", rc)
	}
	if len(rc.Completeness) != 0 {
		t.Errorf("a complete report has gaps: %+v", rc.Completeness)
	}
	r := e.get(rc.ReportID)
	if r.RM != protocol.RMReceived || r.Status != reports.StatusNew || r.Version != 1 || r.Contact.Email != "fay@research.example" {
		t.Fatalf("stored: rm %v status %s version %d email %s", r.RM, r.Status, r.Version, r.Contact.Email)
	}
	want := time.Date(2026, 8, 1, 6, 0, 0, 0, time.UTC) // 09:00 in Helsinki (UTC+3 in summer)
	if !r.DisclosureAt.Equal(want) || r.Disclosure.Zone != "Europe/Helsinki" {
		t.Errorf("disclosure at %v in %q, want %v", r.DisclosureAt, r.Disclosure.Zone, want)
	}
	if len(r.Products) != 1 || !slices.Equal(r.Products[0].Versions, []string{"2.1.0", "2.1.1"}) || r.Vendors[0].Name != "Acme Networks" ||
		!slices.Equal(r.TrackingIDs, []string{"ACME-SEC-42"}) {
		t.Errorf("lists: %+v %+v %+v", r.Products, r.Vendors, r.TrackingIDs)
	}
	if len(r.Attachments) != 1 || r.Attachments[0].Name != "poc.py" || r.Attachments[0].ContentType != "text/plain; charset=utf-8" ||
		r.Attachments[0].Data != nil {
		t.Errorf("attachments: %+v", r.Attachments)
	}
	if got := e.actions(); !slices.Equal(got, []string{"report.submitted"}) {
		t.Errorf("journal: %v", got)
	}
	if got := e.jobKinds(); !slices.Equal(got, []string{reports.JobReceipt, reports.JobNew}) {
		t.Errorf("jobs: %v", got)
	}
	// The receipt job tells notify whom to write, and never holds the secret.
	var payload string
	_ = e.db.Read().QueryRowContext(e.ctx, `SELECT payload FROM jobs WHERE kind = $1`, reports.JobReceipt).Scan(&payload)
	var n reports.Notice
	if err := json.Unmarshal([]byte(payload), &n); err != nil || n.Email != "fay@research.example" || n.TrackingID != rc.TrackingID {
		t.Errorf("receipt payload %s: %v", payload, err)
	}
	if strings.Contains(payload, rc.FollowUpSecret) || journalHas(e, rc.FollowUpSecret) || journalHas(e, "Fay") {
		t.Error("the secret or personal data reached a job or the journal")
	}
	rc2 := e.submit(e.reporter, good())
	if rc2.TrackingID != "RPT-2026-000002" || e.get(rc2.ReportID).ReporterUserID != e.reporter.UserID {
		t.Errorf("second report: %+v", rc2)
	}
}

func journalHas(e *env, s string) bool {
	var n int
	_ = e.db.Read().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM journal WHERE data LIKE $1`, "%"+s+"%").Scan(&n)
	return n > 0
}

func TestTrackingIDsCountPerYear(t *testing.T) {
	e := setup(t, policy())
	e.submit(auth.Principal{}, good())
	e.now = time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)
	if rc := e.submit(auth.Principal{}, good()); rc.TrackingID != "RPT-2027-000001" {
		t.Fatalf("got %s", rc.TrackingID)
	}
}

// A database that counted in report_counters (all of them before
// PostgreSQL took numbers from a sequence) goes on from its count.
func TestTrackingIDsContinueTheCount(t *testing.T) {
	e := setup(t, policy())
	err := e.db.Tx(e.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(e.ctx, `INSERT INTO report_counters (year, last) VALUES (2026, 41)`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RPT-2026-000042", "RPT-2026-000043"} {
		if rc := e.submit(auth.Principal{}, good()); rc.TrackingID != want {
			t.Fatalf("got %s, want %s", rc.TrackingID, want)
		}
	}
}

func TestAnonymousWithoutAddressGetsNoReceiptJob(t *testing.T) {
	e := setup(t, policy())
	s := good()
	s.Contact = reports.Contact{}
	rc := e.submit(auth.Principal{}, s)
	if got := e.jobKinds(); !slices.Equal(got, []string{reports.JobNew}) {
		t.Errorf("jobs: %v", got)
	}
	if !hasGap(rc.Completeness, "contact.email") {
		t.Errorf("no gap for the missing address: %+v", rc.Completeness)
	}
}

func hasGap(gaps []reports.Gap, field string) bool {
	for _, g := range gaps {
		if g.Field == field {
			return true
		}
	}
	return false
}

func TestBadSubmissionWritesNothing(t *testing.T) {
	e := setup(t, policy())
	before := e.count("journal")
	s := good()
	s.Contact.Email = "not an address"
	if _, err := e.svc.Submit(e.ctx, auth.Principal{}, s); errs.FieldOf(err) != "contact.email" {
		t.Fatalf("got %v", err)
	}
	// A failure inside the transaction (an unknown organisation) rolls
	// back the report row, its lists, attachments, journal and jobs.
	s = good()
	s.Vendors = []reports.Vendor{{Name: "Acme", OrgID: 999}}
	s.Attachments = []reports.NewAttachment{{Name: "a.txt", Data: []byte("x")}}
	if _, err := e.svc.Submit(e.ctx, auth.Principal{}, s); errs.FieldOf(err) != "vendors[0].org_id" {
		t.Fatalf("got %v", err)
	}
	for _, table := range []string{"reports", "report_products", "report_vendors", "report_attachments", "report_counters"} {
		if n := e.count(table); n != 0 {
			t.Errorf("%s has %d rows", table, n)
		}
	}
	if e.count("journal") != before || len(e.jobKinds()) != 0 {
		t.Error("journal or jobs written")
	}
}

func TestSubmitReadOnlyTokenRefused(t *testing.T) {
	e := setup(t, policy())
	p := e.reporter
	p.Scope = auth.ScopeRead
	if _, err := e.svc.Submit(e.ctx, p, good()); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("got %v", err)
	}
}

func TestGates(t *testing.T) {
	pol := policy()
	pol.RequirePoC, pol.RequireVersion = true, true
	e := setup(t, pol)
	cases := []struct {
		name  string
		edit  func(*reports.Submission)
		field string
	}{
		{"no PoC", func(s *reports.Submission) { s.ProofOfConcept = "  " }, "proof_of_concept"},
		{"no product", func(s *reports.Submission) { s.Products = nil }, "products"},
		{"no version", func(s *reports.Submission) { s.Products[0].Versions = []string{" "} }, "products[0].versions"},
	}
	for _, c := range cases {
		s := good()
		c.edit(&s)
		_, err := e.svc.Submit(e.ctx, auth.Principal{}, s)
		if errs.KindOf(err) != errs.Invalid || errs.FieldOf(err) != c.field {
			t.Errorf("%s: %v; want invalid %s", c.name, err, c.field)
		}
	}
	e.submit(auth.Principal{}, good())
}

func TestQuotaNeverBlocksExploitedOrCritical(t *testing.T) {
	pol := policy()
	pol.Quota, pol.QuotaWindow = 2, 24*time.Hour
	e := setup(t, pol)
	for range 2 {
		e.submit(e.reporter, good())
	}
	if _, err := e.svc.Submit(e.ctx, e.reporter, good()); !errs.Is(err, errs.TooMany) {
		t.Fatalf("third report: %v", err)
	}
	// By address, for anonymous reporters, too; other reporters are not affected.
	anon := good()
	anon.Contact.Email = "anon@x.example"
	e.submit(auth.Principal{}, anon)
	e.submit(auth.Principal{}, anon)
	if _, err := e.svc.Submit(e.ctx, auth.Principal{}, anon); !errs.Is(err, errs.TooMany) {
		t.Fatalf("anonymous third report: %v", err)
	}
	e.submit(e.other, good())
	for _, mark := range []func(*reports.Submission){
		func(s *reports.Submission) { s.ActivelyExploited = true },
		func(s *reports.Submission) { s.Critical = true },
	} {
		s := good()
		mark(&s)
		e.submit(e.reporter, s)
	}
	// The window passes...
	e.now = e.now.Add(25 * time.Hour)
	rc := e.submit(e.reporter, good())
	// ...and a valid report lifts the quota for good.
	r := e.get(rc.ReportID)
	if _, err := e.svc.Validate(e.ctx, e.staff, r.ID, reports.Decision{Version: r.Version}); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		e.submit(e.reporter, good())
	}
}

func TestAttachmentLimits(t *testing.T) {
	pol := policy()
	pol.MaxAttachments, pol.MaxAttachmentSize, pol.MaxAttachmentsSize = 2, 10, 15
	e := setup(t, pol)
	cases := []struct {
		files []reports.NewAttachment
		field string
		kind  errs.Kind
	}{
		{[]reports.NewAttachment{{"a", []byte("1")}, {"b", []byte("1")}, {"c", []byte("1")}}, "attachments", errs.Invalid},
		{[]reports.NewAttachment{{"a", bytes.Repeat([]byte("x"), 11)}}, "attachments[0]", errs.TooLarge},
		{[]reports.NewAttachment{{"a", bytes.Repeat([]byte("x"), 8)}, {"b", bytes.Repeat([]byte("x"), 8)}}, "attachments", errs.TooLarge},
		{[]reports.NewAttachment{{"a", nil}}, "attachments[0]", errs.Invalid},
	}
	for i, c := range cases {
		s := good()
		s.Attachments = c.files
		_, err := e.svc.Submit(e.ctx, auth.Principal{}, s)
		if errs.FieldOf(err) != c.field || errs.KindOf(err) != c.kind {
			t.Errorf("case %d: %v; want %s on %s", i, err, c.kind, c.field)
		}
	}
	if e.count("report_attachments") != 0 {
		t.Fatal("attachments stored")
	}
}

func TestAttachmentAccess(t *testing.T) {
	e := setup(t, policy())
	s := good()
	s.Attachments = []reports.NewAttachment{{Name: "x.html", Data: []byte("<html><script>alert(1)</script>")}}
	mine := e.submit(e.reporter, s)
	anon := e.submit(auth.Principal{}, s)
	a := e.get(mine.ReportID).Attachments[0]
	if a.ContentType != "text/html; charset=utf-8" || a.Size != 31 || len(a.SHA256) != 64 {
		t.Errorf("attachment: %+v", a)
	}
	for _, c := range []struct {
		name string
		p    auth.Principal
		want errs.Kind
	}{
		{"staff", e.staff, ""}, {"admin", e.admin, ""}, {"reporter", e.reporter, ""},
		{"someone else", e.other, errs.NotFound}, {"anonymous", auth.Principal{}, errs.NotFound},
	} {
		got, err := e.svc.Attachment(e.ctx, c.p, a.ID)
		if c.want == "" && (err != nil || string(got.Data) != "<html><script>alert(1)</script>") {
			t.Errorf("%s: %v", c.name, err)
		}
		if c.want != "" && !errs.Is(err, c.want) {
			t.Errorf("%s: %v, want %s", c.name, err, c.want)
		}
	}
	b := e.get(anon.ReportID).Attachments[0]
	if _, err := e.svc.AttachmentByFollowUp(e.ctx, anon.FollowUpSecret, b.ID); err != nil {
		t.Errorf("by secret: %v", err)
	}
	if _, err := e.svc.AttachmentByFollowUp(e.ctx, anon.FollowUpSecret, a.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("another report's attachment by secret: %v", err)
	}
	if _, err := e.svc.AttachmentByFollowUp(e.ctx, "wrong", b.ID); !errs.Is(err, errs.NotFound) {
		t.Errorf("wrong secret: %v", err)
	}
	if _, err := e.svc.Attachment(e.ctx, e.staff, 12345); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing attachment: %v", err)
	}
}

func TestExpireJobHandler(t *testing.T) {
	e := setup(t, policy())
	if err := e.svc.ExpireJob(context.Background(), jobs.Job{Kind: reports.JobExpireWaiting}); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSubmissionsGetDistinctTrackingIDs(t *testing.T) {
	e := setup(t, policy())
	const n = 8
	got := make(chan string, n)
	for range n {
		go func() {
			rc, err := e.svc.Submit(e.ctx, auth.Principal{}, good())
			if err != nil {
				t.Error(err)
			}
			got <- rc.TrackingID
		}()
	}
	seen := map[string]bool{}
	for range n {
		id := <-got
		if seen[id] {
			t.Errorf("tracking ID %s given twice", id)
		}
		seen[id] = true
	}
	if e.count("reports") != n {
		t.Errorf("%d reports stored", e.count("reports"))
	}
}
