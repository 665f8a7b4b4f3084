package web

import (
	"context"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/reports"
)

// reportRoutes are the pages of report intake and triage.
func (s *Web) reportRoutes() []route {
	return []route{
		{"GET /report", anyone, s.reportForm},
		{"POST /report", anyone, s.reportSubmit},
		{"GET /process", anyone, s.processPage},
		{"GET /report/follow-up", anyone, s.followUp},
		{"POST /report/follow-up", anyone, s.followUpMessage},
		{"GET /report/follow-up/attachments/{aid}", anyone, s.followUpAttachment},
		{"POST /report/follow-up/capacity", anyone, s.followUpCapacity},
		{"GET /reports/mine", signedIn, s.myReports},
		{"GET /reports/{id}", signedIn, s.myReport},
		{"POST /reports/{id}", signedIn, s.myReportMessage},
		{"POST /reports/{id}/capacity", signedIn, s.capacitySave},
		{"GET /reports/{id}/attachments/{aid}", signedIn, s.myReportAttachment},
		{"GET /triage", signedIn, s.triageQueue},
		{"POST /triage/close", signedIn, s.triageCloseMany},
		{"GET /triage/{id}", signedIn, s.triageReport},
		{"POST /triage/{id}/case", signedIn, s.caseFromReport},
		{"POST /triage/{id}/attach", signedIn, s.reportToCase},
		{"POST /triage/{id}/{action}", signedIn, s.triageAction},
		{"GET /triage/{id}/attachments/{aid}", signedIn, s.triageAttachment},
	}
}

// policyFacts are the numbers of the program's policy that pages tell
// reporters.
type policyFacts struct {
	AckDays        int
	WaitingDays    int
	MaxFiles       int
	MaxFile        string
	MaxTotal       string
	RequirePoC     bool
	RequireVersion bool
	Quota          int
	QuotaDays      int
}

func (s *Web) policyFacts() policyFacts {
	p := s.Reports.Policy()
	return policyFacts{AckDays: p.AckBusinessDays, WaitingDays: int(p.WaitingExpiry.Hours() / 24), MaxFiles: p.MaxAttachments,
		MaxFile: mib(p.MaxAttachmentSize), MaxTotal: mib(p.MaxAttachmentsSize), RequirePoC: p.RequirePoC,
		RequireVersion: p.RequireVersion, Quota: p.Quota, QuotaDays: max(1, int(p.QuotaWindow.Hours()/24))}
}

// reportFormPage is the public report form.
type reportFormPage struct {
	Layout
	In        reportInput
	Form      Form
	Gaps      []reports.Gap // shown with "Submit anyway"
	Files     int           // files chosen before the form came back; they must be chosen again
	Challenge string        // the proof-of-work challenge; "" for signed-in reporters
	PoWBits   int
	Policy    policyFacts
	Zones     []string
	Reasons   []reports.Reason
	Program   *org.Program // the program the report is sent through, if any
}

// Attrs describes field's input by its help, and by its error if any.
func (p reportFormPage) Attrs(field string) template.HTMLAttr { return fieldAttrs(p.Form, field) }

// Err is the error about field, if any.
func (p reportFormPage) Err(field string) string { return p.Form.Err(field) }

// ErrLink is the anchor of the input the error is about.
func (p reportFormPage) ErrLink() string { return anchorOf(p.Form.Field) }

// ErrLabel names the field the error is about, in words.
func (p reportFormPage) ErrLabel() string {
	return strings.NewReplacer("_", " ", ".", " ").Replace(p.Form.Field)
}

// Row numbers a form row for people, from 1.
func (p reportFormPage) Row(i int) int { return i + 1 }

// GapLink is the anchor of a gap's input.
func (p reportFormPage) GapLink(field string) string { return gapLink(field) }

// commonZones are offered as suggestions; any IANA zone is accepted.
var commonZones = []string{"UTC", "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Helsinki", "Europe/Amsterdam",
	"America/New_York", "America/Chicago", "America/Los_Angeles", "America/Sao_Paulo", "Asia/Tokyo", "Asia/Singapore",
	"Asia/Kolkata", "Asia/Shanghai", "Australia/Sydney", "Africa/Johannesburg"}

func (s *Web) reportPage(v *visitor, in reportInput) reportFormPage {
	page := reportFormPage{Layout: s.layout(v, "Report a vulnerability", "report"), In: in, PoWBits: powBits,
		Policy: s.policyFacts(), Zones: commonZones}
	if !v.signedIn() {
		page.Challenge = powChallenge(s.FormKey, s.Now())
	}
	return page
}

func (s *Web) reportForm(w http.ResponseWriter, r *http.Request, v *visitor) {
	in := newReportInput()
	in.Program = r.URL.Query().Get("program")
	page := s.reportPage(v, in)
	if err := s.formProgram(r.Context(), v, &page); err != nil {
		s.fail(w, r, v, err)
		return
	}
	if g := page.Program; g != nil && g.OrgKind != org.Coordinator && page.In.Vendors[0] == "" {
		page.In.Vendors[0] = g.OrgName // the vendor, pre-filled
	}
	s.render(w, r, http.StatusOK, "report", page)
}

// formProgram finds the program the report form is sent through (its
// slug in page.In.Program): an unknown or unpublished one is dropped, and
// the form is the instance's own.
func (s *Web) formProgram(ctx context.Context, v *visitor, page *reportFormPage) error {
	if page.In.Program == "" {
		return nil
	}
	g, err := s.Orgs.ProgramBySlug(ctx, v.P, page.In.Program)
	if errs.Is(err, errs.NotFound) {
		page.In.Program = ""
		return nil
	}
	if err != nil {
		return err
	}
	page.Program = &g
	return nil
}

// withProgramVendor records the organisation of the program a report is
// sent through as its vendor: the row that names it, else a row added.
// A coordinator's program names no vendor.
func withProgramVendor(sub reports.Submission, g *org.Program) reports.Submission {
	if g == nil || g.OrgKind == org.Coordinator {
		return sub
	}
	key := strings.ToLower(strings.Join(strings.Fields(g.OrgName), " "))
	vendors := slices.Clone(sub.Vendors)
	for i, vd := range vendors {
		if strings.ToLower(strings.Join(strings.Fields(vd.Name), " ")) == key {
			vendors[i].OrgID = g.OrgID
			sub.Vendors = vendors
			return sub
		}
	}
	sub.Vendors = append(vendors, reports.Vendor{Name: g.OrgName, OrgID: g.OrgID})
	return sub
}

// reportSubmit takes the form in: a honeypot or an unreadable upload
// sends it back with the reason; gaps send it back with advice and a
// "Submit anyway" button, unless the reporter confirmed; then reports
// validates and stores it, and the receipt is shown at once (it holds the
// follow-up secret, which is never put in a URL of ours).
func (s *Web) reportSubmit(w http.ResponseWriter, r *http.Request, v *visitor) {
	vals, files, fileErr := s.readReportForm(w, r)
	in := inputFrom(vals)
	page := s.reportPage(v, in)
	if err := s.formProgram(r.Context(), v, &page); err != nil {
		s.fail(w, r, v, err)
		return
	}
	again := func(st int, err error) {
		page.Form = formOf(err)
		page.Form.Field = formField(page.Form.Field)
		page.Files = len(files)
		s.render(w, r, st, "report", page)
	}
	if vals.Get("more_products") != "" || vals.Get("more_vendors") != "" {
		page.Files = len(files)
		s.render(w, r, http.StatusOK, "report", page)
		return
	}
	if strings.TrimSpace(vals.Get("website")) != "" {
		s.Logger.Info("report form: honeypot filled", "remote", r.RemoteAddr)
		again(http.StatusUnprocessableEntity, errs.E(errs.Invalid, "The report was not sent: the field \"Leave this empty\" "+
			"was filled in. It is there to catch automated spam. If you are a person, empty it and send the report again."))
		return
	}
	if fileErr != nil {
		again(formStatus(fileErr), fileErr)
		return
	}
	sub := withProgramVendor(in.submission(files), page.Program)
	if vals.Get("confirm") == "" {
		if gaps := reports.Completeness(withoutEmptyRows(sub)); len(gaps) > 0 {
			page.Gaps, page.Files = gaps, len(files)
			s.render(w, r, http.StatusOK, "report", page)
			return
		}
	}
	rc, err := s.Reports.Submit(r.Context(), v.P, sub)
	if err != nil {
		if errs.Is(err, errs.Forbidden) || errs.Is(err, errs.Internal) || errs.KindOf(err) == "" {
			s.fail(w, r, v, err)
			return
		}
		again(formStatus(err), err)
		return
	}
	if !v.signedIn() {
		if why := powCheck(s.FormKey, vals.Get("pow_challenge"), vals.Get("pow_nonce"), s.Now()); why != "" {
			s.Logger.Info("report form: anonymous report without a valid proof of work", "tracking_id", rc.TrackingID, "why", why)
		}
	}
	s.Wake() // the receipt and the staff notification are queued
	s.showReceipt(w, r, v, rc, in.ContactEmail)
}

// receiptPage is shown once after a report is sent.
type receiptPage struct {
	Layout
	Receipt   reports.Receipt
	FollowUp  string // the follow-up link, with its secret
	AckDue    string
	Email     string
	SignedIn  bool
	Policy    policyFacts
	ReportURL string
}

// GapLink is unused on the receipt but keeps gaps renderable alike.
func (p receiptPage) GapLink(field string) string { return gapLink(field) }

func (s *Web) showReceipt(w http.ResponseWriter, r *http.Request, v *visitor, rc reports.Receipt, email string) {
	pol := s.Reports.Policy()
	due := reports.AckDue(s.Now(), pol.AckBusinessDays, pol.Location)
	page := receiptPage{Layout: s.layout(v, "Report "+rc.TrackingID+" received", "report"), Receipt: rc,
		FollowUp: s.baseURL(r) + "/report/follow-up?" + url.Values{"secret": {rc.FollowUpSecret}}.Encode(),
		AckDue:   due.In(pol.Location).Format("Monday 2 January 2006, 15:04 MST"), Email: strings.TrimSpace(email),
		SignedIn: v.signedIn(), Policy: s.policyFacts()}
	if v.signedIn() {
		page.ReportURL = "/reports/" + itoa(rc.ReportID)
	}
	noReferrer(w)
	s.render(w, r, http.StatusCreated, "report_receipt", page)
}

// noReferrer keeps a page's address (which holds a follow-up secret) from
// being sent to the sites its links lead to.
func noReferrer(w http.ResponseWriter) { w.Header().Set("Referrer-Policy", "no-referrer") }

// baseURL is the instance's address for links people copy: the configured
// one, else the one the request came to.
func (s *Web) baseURL(r *http.Request) string {
	if b := strings.TrimSuffix(s.Security.BaseURL, "/"); b != "" {
		return b
	}
	scheme := "http"
	if r.TLS != nil || s.Secure {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// processPage explains how a report is handled, for reporters.
type processPage struct {
	Layout
	Policy policyFacts
}

func (s *Web) processPage(w http.ResponseWriter, r *http.Request, v *visitor) {
	s.render(w, r, http.StatusOK, "report_process", processPage{Layout: s.layout(v, "How reporting works", "process"),
		Policy: s.policyFacts()})
}
