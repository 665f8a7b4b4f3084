package reports_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

func TestEveryBadFieldIsNamed(t *testing.T) {
	e := setup(t, policy())
	long := func(n int) string { return strings.Repeat("x", n) }
	cases := []struct {
		field string
		edit  func(*reports.Submission)
	}{
		{"channel", func(s *reports.Submission) { s.Channel = "fax" }},
		{"channel", func(s *reports.Submission) { s.Channel = "" }},
		{"title", func(s *reports.Submission) { s.Title = "  " }},
		{"title", func(s *reports.Submission) { s.Title = long(reports.MaxTitle + 1) }},
		{"title", func(s *reports.Submission) { s.Title = "evil \u202egnp.exe" }},
		{"title", func(s *reports.Submission) { s.Title = "bad \xff utf-8" }},
		{"description", func(s *reports.Submission) { s.Description = "\n \n" }},
		{"description", func(s *reports.Submission) { s.Description = long(reports.MaxText + 1) }},
		{"description", func(s *reports.Submission) { s.Description = "nul \x00 byte" }},
		{"proof_of_concept", func(s *reports.Submission) { s.ProofOfConcept = long(reports.MaxText + 1) }},
		{"impact", func(s *reports.Submission) { s.Impact = "bell \a" }},
		{"how_found", func(s *reports.Submission) { s.HowFound = long(reports.MaxText + 1) }},
		{"already_reported_to", func(s *reports.Submission) { s.AlreadyReportedTo = long(reports.MaxText + 1) }},
		{"public_details", func(s *reports.Submission) { s.PublicDetails = long(reports.MaxText + 1) }},
		{"products[0].name", func(s *reports.Submission) { s.Products[0].Name = "" }},
		{"products[0].name", func(s *reports.Submission) { s.Products[0].Name = long(reports.MaxName + 1) }},
		{"products[0].versions[1]", func(s *reports.Submission) { s.Products[0].Versions[1] = long(reports.MaxVersion + 1) }},
		{"products[0].versions", func(s *reports.Submission) {
			s.Products[0].Versions = slices.Repeat([]string{"1"}, reports.MaxVersions+1)
		}},
		{"products", func(s *reports.Submission) {
			s.Products = slices.Repeat([]reports.Product{{Name: "p"}}, reports.MaxProducts+1)
		}},
		{"vendors[0].name", func(s *reports.Submission) { s.Vendors[0] = reports.Vendor{OrgID: 3} }},
		{"vendors[0].org_id", func(s *reports.Submission) { s.Vendors[0].OrgID = -1 }},
		{"vendors", func(s *reports.Submission) {
			s.Vendors = slices.Repeat([]reports.Vendor{{Name: "v"}}, reports.MaxVendors+1)
		}},
		{"found_on", func(s *reports.Submission) { s.FoundOn = "last tuesday" }},
		{"found_on", func(s *reports.Submission) { s.FoundOn = "2027-01-01" }},
		{"found_on", func(s *reports.Submission) { s.FoundOn = "2026-02-30" }},
		{"disclosure.date", func(s *reports.Submission) { s.Disclosure.Date = "01/08/2026" }},
		{"disclosure.date", func(s *reports.Submission) { s.Disclosure.Date = "2040-01-01" }},
		{"disclosure.zone", func(s *reports.Submission) { s.Disclosure.Zone = "" }},
		{"disclosure.zone", func(s *reports.Submission) { s.Disclosure.Zone = "Local" }},
		{"disclosure.zone", func(s *reports.Submission) { s.Disclosure.Zone = "Mars/Olympus_Mons" }},
		{"disclosure.zone", func(s *reports.Submission) { s.Disclosure.Zone = "../../etc/passwd" }},
		{"disclosure.notes", func(s *reports.Submission) { s.Disclosure.Notes = long(reports.MaxShortText + 1) }},
		{"contact.name", func(s *reports.Submission) { s.Contact.Name = long(reports.MaxName + 1) }},
		{"contact.organisation", func(s *reports.Submission) { s.Contact.Organisation = "a\x1bb" }},
		{"contact.email", func(s *reports.Submission) { s.Contact.Email = "fay@" }},
		{"contact.email", func(s *reports.Submission) { s.Contact.Email = "Fay <fay@x.example>" }},
		{"pgp_key", func(s *reports.Submission) { s.PGPKey = "my key is on keys.openpgp.org" }},
		{"pgp_key", func(s *reports.Submission) {
			s.PGPKey = "-----BEGIN PGP PRIVATE KEY BLOCK-----\nxx\n-----END PGP PRIVATE KEY BLOCK-----"
		}},
		{"pgp_key", func(s *reports.Submission) { s.PGPKey = pgpBegin + "\n" + long(reports.MaxPGPKey) + "\n" + pgpEnd }},
		{"credit", func(s *reports.Submission) { s.Credit = "famous" }},
		{"credit_name", func(s *reports.Submission) { s.CreditName = " " }},
		{"credit_name", func(s *reports.Submission) { s.CreditName = long(reports.MaxName + 1) }},
		{"tracking_ids[0]", func(s *reports.Submission) { s.TrackingIDs[0] = long(reports.MaxTrackingID + 1) }},
		{"tracking_ids", func(s *reports.Submission) {
			s.TrackingIDs = nil
			for i := range reports.MaxTrackingIDs + 1 {
				s.TrackingIDs = append(s.TrackingIDs, "ID-"+strings.Repeat("1", i+1))
			}
		}},
		{"ai_use", func(s *reports.Submission) { s.AIUse = "" }},
		{"ai_use", func(s *reports.Submission) { s.AIUse = reports.AIUnstated }},
		{"ai_use", func(s *reports.Submission) { s.AIUse = "vibes" }},
		{"ai_details", func(s *reports.Submission) { s.AIDetails = long(reports.MaxShortText + 1) }},
	}
	for _, c := range cases {
		s := good()
		c.edit(&s)
		_, err := e.svc.Submit(e.ctx, auth.Principal{}, s)
		if errs.KindOf(err) != errs.Invalid || errs.FieldOf(err) != c.field {
			t.Errorf("%s: got %v (field %q)", c.field, err, errs.FieldOf(err))
		}
	}
	if n := e.count("reports"); n != 0 {
		t.Fatalf("%d reports stored", n)
	}
}

const (
	pgpBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----"
	pgpEnd   = "-----END PGP PUBLIC KEY BLOCK-----"
)

func TestSubmissionIsNormalised(t *testing.T) {
	e := setup(t, policy())
	s := good()
	s.Title = "  Stack   overflow\tin login "
	s.Description = "\r\nline one\r\nline two\r\n\n"
	s.Products = []reports.Product{{Name: " Router ", Versions: []string{"", "1.0", " "}}, {Name: "", Versions: []string{""}}}
	s.Vendors = []reports.Vendor{{Name: "Acme"}, {}}
	s.TrackingIDs = []string{"CVE-2026-1", "", "cve-2026-1", "VU#123"}
	s.Disclosure = reports.Disclosure{Zone: "UTC"} // a form's default zone without a date
	s.Credit, s.CreditName = reports.CreditAnonymous, "ignored"
	s.PGPKey = "\n" + pgpBegin + "\n\nmQINBF...\n" + pgpEnd + "\n"
	s.FoundOn = "2026-04"
	rc := e.submit(auth.Principal{}, s)
	r := e.get(rc.ReportID)
	if r.Title != "Stack overflow in login" || r.Description != "line one\nline two" {
		t.Errorf("texts: %q %q", r.Title, r.Description)
	}
	if len(r.Products) != 1 || r.Products[0].Name != "Router" || !slices.Equal(r.Products[0].Versions, []string{"1.0"}) || len(r.Vendors) != 1 {
		t.Errorf("lists: %+v %+v", r.Products, r.Vendors)
	}
	if !slices.Equal(r.TrackingIDs, []string{"CVE-2026-1", "VU#123"}) {
		t.Errorf("tracking IDs: %v", r.TrackingIDs)
	}
	if r.Disclosure.Zone != "" || !r.DisclosureAt.IsZero() || r.CreditName != "" || !strings.HasPrefix(r.PGPKey, pgpBegin) {
		t.Errorf("disclosure %+v at %v, credit name %q, key %q", r.Disclosure, r.DisclosureAt, r.CreditName, r.PGPKey)
	}
	// E-mail reports may leave AI use unstated: nobody could ask.
	s = good()
	s.Channel, s.AIUse = reports.ChannelEmail, ""
	rc = e.submit(auth.Principal{}, s)
	if r := e.get(rc.ReportID); r.AIUse != reports.AIUnstated || !hasGap(rc.Completeness, "ai_use") {
		t.Errorf("e-mail report: AI use %q, gaps %+v", r.AIUse, rc.Completeness)
	}
}

func TestCompleteness(t *testing.T) {
	if gaps := reports.Completeness(good()); len(gaps) != 0 {
		t.Fatalf("complete report: %+v", gaps)
	}
	thin := reports.Submission{Channel: reports.ChannelAPI,
		Details: reports.Details{Title: "XSS", Description: "There is XSS.", AIUse: reports.AIGenerated}}
	var fields []string
	for _, g := range reports.Completeness(thin) {
		if g.Message == "" {
			t.Errorf("%s: no message", g.Field)
		}
		fields = append(fields, g.Field)
	}
	want := []string{"products", "vendors", "proof_of_concept", "impact", "how_found", "already_reported_to", "contact.email",
		"disclosure.date", "ai_details"}
	if !slices.Equal(fields, want) {
		t.Errorf("gaps %v, want %v", fields, want)
	}
	noVersion := good()
	noVersion.Products[0].Versions = nil
	if gaps := reports.Completeness(noVersion); len(gaps) != 1 || gaps[0].Field != "products.versions" {
		t.Errorf("no version: %+v", gaps)
	}
	// A thin report is still taken.
	e := setup(t, policy())
	if rc := e.submit(auth.Principal{}, thin); len(rc.Completeness) != len(want) {
		t.Errorf("receipt gaps: %+v", rc.Completeness)
	}
}

func TestAckDue(t *testing.T) {
	d := func(day, hour int) time.Time { return time.Date(2026, 5, day, hour, 0, 0, 0, time.UTC) }
	helsinki, _ := time.LoadLocation("Europe/Helsinki")
	cases := []struct {
		name string
		at   time.Time
		days int
		loc  *time.Location
		want time.Time
	}{
		{"Monday", d(4, 10), 2, time.UTC, d(6, 10)},
		{"Thursday skips the weekend", d(7, 10), 2, time.UTC, d(11, 10)},
		{"Friday", d(8, 17), 2, time.UTC, d(12, 17)},
		{"Saturday counts from Monday", d(9, 15), 2, time.UTC, d(13, 0)},
		{"Sunday", d(10, 23), 1, time.UTC, d(12, 0)},
		{"zero days", d(6, 9), 0, time.UTC, d(6, 9)},
		{"weekend in Helsinki", time.Date(2026, 5, 8, 22, 30, 0, 0, time.UTC), 1, helsinki, time.Date(2026, 5, 11, 21, 0, 0, 0, time.UTC)},
	}
	for _, c := range cases {
		if got := reports.AckDue(c.at, c.days, c.loc); !got.Equal(c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
	}
}

func TestReasonsHaveWords(t *testing.T) {
	invalid := 0
	for _, r := range reports.Reasons {
		if r.Label() == "" || (r.Text() == "" && r != reports.ReasonOther) {
			t.Errorf("%s: no label or text", r)
		}
		if r.Invalidates() {
			invalid++
		}
	}
	if invalid != 6 {
		t.Errorf("%d reasons invalidate, want 6", invalid)
	}
}
