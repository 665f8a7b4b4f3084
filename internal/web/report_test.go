package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/ssvc"
)

// ssvcRegistry is the SSVC data for the reports service of the test site.
func ssvcRegistry(t testing.TB) *ssvc.Registry {
	t.Helper()
	reg, err := ssvc.New()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// file is an attachment to send with a form.
type file struct{ name, data string }

// postFiles sends a multipart form, as the report form does, and returns
// the page and its headers.
func (b *browser) postFiles(path string, form url.Values, files ...file) (page, http.Header) {
	b.s.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, vs := range form {
		for _, v := range vs {
			_ = mw.WriteField(k, v)
		}
	}
	for _, f := range files {
		w, _ := mw.CreateFormFile("attachments", f.name)
		_, _ = io.WriteString(w, f.data)
	}
	_ = mw.Close()
	req, _ := http.NewRequest("POST", b.s.srv.URL+path, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(out)}, res.Header
}

// getFull fetches a page with its headers.
func (b *browser) getFull(path string) (page, http.Header) {
	b.s.t.Helper()
	res, err := b.c.Get(b.s.srv.URL + path)
	if err != nil {
		b.s.t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return page{status: res.StatusCode, location: res.Header.Get("Location"), body: string(out)}, res.Header
}

// thin is a report with a title and a description only: every gap open.
func thin(title string) url.Values {
	return url.Values{"title": {title}, "description": {"The login page **overflows** with a long name. <script>alert(1)</script>"},
		"ai_use": {"none"}, "products[0].name": {""}, "products[0].versions": {""}, "vendors[0].name": {""}}
}

var (
	followUpLink = regexp.MustCompile(`/report/follow-up\?secret=([A-Za-z0-9_.-]+)`)
	trackingID   = regexp.MustCompile(`RPT-\d{4}-\d{6}`)
	triageLink   = regexp.MustCompile(`href="/triage/(\d+)"`)
	attachLink   = regexp.MustCompile(`href="(/triage/\d+/attachments/\d+)"`)
)

// submit sends a report as b (confirming past the gaps) and returns the
// tracking ID and the follow-up path.
func submit(t *testing.T, b *browser, form url.Values, files ...file) (string, string) {
	t.Helper()
	form.Set("confirm", "1")
	rc, h := b.postFiles("/report", form, files...)
	rc.is(t, http.StatusCreated, "")
	if got := h.Get("Referrer-Policy"); got != "no-referrer" {
		t.Fatalf("receipt Referrer-Policy %q", got)
	}
	m := followUpLink.FindStringSubmatch(rc.body)
	if m == nil {
		t.Fatalf("no follow-up link on the receipt:\n%s", rc.body)
	}
	return trackingID.FindString(rc.body), m[0]
}

// TestReportIntake follows an anonymous report from the form to its
// receipt and follow-up page, with the form's refusals on the way.
func TestReportIntake(t *testing.T) {
	s := newSite(t)
	anon := s.browser()
	form := anon.get("/report")
	form.has(t, "Report a vulnerability", `name="pow_challenge"`, `name="website"`, "/process", `enctype="multipart/form-data"`)
	anon.get("/process").has(t, "within 2 business days", "45 days")

	// Gaps are advice: the form comes back with them and "Submit anyway".
	gaps, _ := anon.postFiles("/report", thin("Overflow in login"), file{"poc.py", "print('A'*5000)"})
	gaps.is(t, http.StatusOK, "")
	gaps.has(t, "Before you send", "Name the affected product", "Name the vendor", "Add a proof of concept", "Submit anyway", "choose them again", `value="Overflow in login"`)

	// The honeypot refuses, says why, and keeps what was typed.
	trap := thin("Overflow in login")
	trap.Set("website", "http://spam.example")
	hp, _ := anon.postFiles("/report", trap)
	hp.is(t, http.StatusUnprocessableEntity, "")
	hp.has(t, "Leave this empty", "automated spam", `value="Overflow in login"`)

	// A bad field is named, marked and described; the text stays.
	bad := thin("Overflow in login")
	bad.Set("found_on", "yesterday")
	bad.Set("confirm", "1")
	refused, _ := anon.postFiles("/report", bad)
	refused.is(t, http.StatusUnprocessableEntity, "")
	refused.has(t, `id="found-on-err"`, `aria-invalid="true" aria-describedby="found-on-err found-on-help"`, "found on", "The login page")
	noAI := thin("Overflow in login")
	noAI.Del("ai_use")
	noAI.Set("confirm", "1")
	refused, _ = anon.postFiles("/report", noAI)
	refused.has(t, `id="ai-use-err"`)

	// Too many rows is not an error: "More product rows" adds some.
	more := thin("x")
	more.Set("more_products", "1")
	rows, _ := anon.postFiles("/report", more)
	rows.is(t, http.StatusOK, "")
	rows.has(t, `name="products[3].name"`)

	// Confirmed, the report is taken; the receipt holds the secret once.
	id, link := submit(t, anon, thin("Overflow in login"), file{"poc.py", "print('A'*5000)"})
	if id == "" {
		t.Fatal("no tracking ID on the receipt")
	}
	fu, h := anon.getFull(link)
	fu.is(t, http.StatusOK, "")
	fu.has(t, id, "Received. We aim to acknowledge it by", "Overflow in login", "poc.py", "&lt;script&gt;")
	if strings.Contains(fu.body, "<script>alert") {
		t.Fatal("reporter text is not sanitised")
	}
	if h.Get("Referrer-Policy") != "no-referrer" {
		t.Fatal("the follow-up page may leak its secret in referrers")
	}
	anon.get("/report/follow-up?secret=wrong").is(t, http.StatusNotFound, "")
	anon.get("/report/follow-up").is(t, http.StatusNotFound, "")

	// The reporter's own attachment downloads by the secret, not without.
	m := regexp.MustCompile(`href="(/report/follow-up/attachments/\d+)\?secret=`).FindStringSubmatch(fu.body)
	if m == nil {
		t.Fatalf("no attachment link:\n%s", fu.body)
	}
	secret := strings.TrimPrefix(link, "/report/follow-up?secret=")
	dl, dh := anon.getFull(m[1] + "?secret=" + secret)
	if dl.body != "print('A'*5000)" || !strings.HasPrefix(dh.Get("Content-Disposition"), "attachment") {
		t.Fatalf("reporter download: %q %v", dl.body, dh)
	}
	anon.get(m[1]+"?secret=wrong").is(t, http.StatusNotFound, "")

	// The reporter adds information; an empty message is refused.
	anon.post("/report/follow-up", url.Values{"secret": {secret}, "body": {" "}}).has(t, `id="body-err"`)
	anon.post("/report/follow-up", url.Values{"secret": {secret}, "body": {"Also affects 2.2."}}).is(t, http.StatusSeeOther, "/report/follow-up?secret=")
	anon.get(link).has(t, "Also affects 2.2.")
}

// TestTriage works a report from the queue: who may see it, the RM
// decisions, notes hidden from the reporter, downloads, staleness, SSVC,
// duplicates and bulk closing.
func TestTriage(t *testing.T) {
	s := newSite(t)
	staff, _ := s.admin()
	anon := s.browser()
	id1, link := submit(t, anon, thin("Overflow in the login page"), file{"poc.html", "<script>alert(1)</script>"})
	id2, _ := submit(t, anon, thin("Overflow in the login page again"))

	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	acme, err := s.orgs.Create(context.Background(), root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	vendor := s.member(acme, "lee@acme.example")
	vendor.get("/triage").is(t, http.StatusForbidden, "")
	s.browser().get("/triage").is(t, http.StatusSeeOther, "/login")

	queue := staff.get("/triage")
	queue.has(t, id1, id2, "Overflow in the login page", "Close the selected reports")
	refs := triageLink.FindAllStringSubmatch(queue.body, -1)
	if len(refs) < 2 {
		t.Fatalf("queue links: %v", refs)
	}
	r1, r2 := "/triage/"+refs[0][1], "/triage/"+refs[1][1]
	vendor.get(r1).is(t, http.StatusNotFound, "") // a report is not there for those who may not see it
	staff.get("/triage?q="+id2).has(t, id2)
	staff.get("/triage?status=bogus").has(t, `id="f-err"`)

	detail := staff.get(r1)
	detail.has(t, id1, `id="rm-state">Received<`, "Acknowledge", "Validate", "Invalidate", "Report Public", "&lt;script&gt;")
	if strings.Contains(detail.body, "<script>alert") {
		t.Fatal("reporter text is not sanitised in triage")
	}

	// The attachment is a download, never a page.
	a := attachLink.FindStringSubmatch(detail.body)
	if a == nil {
		t.Fatalf("no attachment link:\n%s", detail.body)
	}
	dl, h := staff.getFull(a[1])
	if dl.status != http.StatusOK || dl.body != "<script>alert(1)</script>" || h.Get("Content-Type") != "application/octet-stream" ||
		h.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("download %d %q %v", dl.status, dl.body, h)
	}
	staff.get(r2+"/attachments/"+strings.TrimPrefix(a[1], r1+"/attachments/")).is(t, http.StatusNotFound, "")
	vendor.get(a[1]).is(t, http.StatusForbidden, "") // the triage pages are staff's

	// Acknowledge, a note, a reply; the reporter sees the reply only.
	staff.post(r1+"/acknowledge", url.Values{"version": {"1"}, "message": {"Looking at it."}}).is(t, http.StatusSeeOther, r1)
	staff.post(r1+"/reply", url.Values{"kind": {"note"}, "body": {"Smells like CVE-2020-1234."}}).is(t, http.StatusSeeOther, r1)
	staff.post(r1+"/reply", url.Values{"kind": {"reply"}, "body": {"Which firmware build?"}}).is(t, http.StatusSeeOther, r1)
	staff.get(r1).has(t, "Smells like CVE-2020-1234.", "internal note")
	fu := anon.get(link)
	fu.has(t, "Thank you for your report", "Looking at it.", "Which firmware build?")
	if strings.Contains(fu.body, "Smells like") {
		t.Fatal("the reporter sees an internal note")
	}

	// RM decisions on the version read; a stale one is a conflict.
	staff.post(r1+"/validate", url.Values{"version": {"2"}}).is(t, http.StatusSeeOther, r1)
	staff.get(r1).has(t, `id="rm-state">Valid<`, "Accept", "Defer")
	staff.post(r1+"/accept", url.Values{"version": {"2"}}).has(t, "changed by someone else")
	staff.post(r1+"/close", url.Values{"version": {"3"}, "reason": {"resolved"}}).has(t, "form-error") // V -> C is not a step
	staff.post(r1+"/accept", url.Values{"version": {"3"}}).is(t, http.StatusSeeOther, r1)
	staff.get(r1).has(t, `id="rm-state">Accepted<`)
	anon.get(link).has(t, "Accepted: we are coordinating it")
	staff.post(r1+"/defer", url.Values{"version": {"4"}, "reason": {"other"}}).has(t, `id="defer-message-err"`)

	// Assignment, priority and the SSVC assessment.
	staff.post(r1+"/assign", url.Values{"version": {"4"}, "assignee": {"me"}}).is(t, http.StatusSeeOther, r1)
	staff.post(r1+"/priority", url.Values{"version": {"5"}, "priority": {"high"}}).is(t, http.StatusSeeOther, r1)
	staff.post(r1+"/assign", url.Values{"version": {"6"}, "assignee": {"nobody@nowhere.example"}}).has(t, `id="assign-assignee-err"`)
	staff.post(r1+"/assess", url.Values{"ssvc_RP": {"No"}, "ssvc_SCON": {"No"}, "ssvc_RC": {"Credible"}, "ssvc_SC": {"Multiple"},
		"ssvc_SE": {"Active"}, "ssvc_A": {"Yes"}, "ssvc_VD": {"Concentrated"}, "ssvc_SI": {"Critical"}}).is(t, http.StatusSeeOther, r1)
	assessed := staff.get(r1)
	assessed.has(t, `id="ssvc-outcome">`, "Root", "high")
	staff.get("/triage?assignee=me&priority=high").has(t, id1)

	// The second report is a duplicate of the first, then the queue
	// closes what is left in bulk.
	staff.get(r2).has(t, "Mark as duplicate")
	staff.post(r2+"/duplicate", url.Values{"version": {"1"}, "original": {"RPT-1999-000001"}}).has(t, `id="duplicate-original-err"`)
	staff.post(r2+"/duplicate", url.Values{"version": {"1"}, "original": {id1}}).is(t, http.StatusSeeOther, r2)
	staff.get(r2).has(t, "Duplicate of", `id="rm-state">Deferred<`)

	id3, link3 := submit(t, anon, thin("Spam about nothing"))
	q := staff.get("/triage?q=" + id3)
	ref := regexp.MustCompile(`name="ref" value="(\d+:\d+)"`).FindStringSubmatch(q.body)
	if ref == nil {
		t.Fatalf("no checkbox:\n%s", q.body)
	}
	staff.post("/triage/close", url.Values{"reason": {"not_security"}}).has(t, "tick at least one report")
	staff.post("/triage/close?status=", url.Values{"ref": {ref[1]}, "reason": {"not_security"}}).is(t, http.StatusSeeOther, "/triage")
	staff.get("/triage?status=closed").has(t, id3)
	anon.get(link3).has(t, "Closed.")
}

// TestMyReports: a signed-in reporter finds their reports, and nobody
// else's.
func TestMyReports(t *testing.T) {
	s := newSite(t)
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	acme, err := s.orgs.Create(context.Background(), root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	fay := s.member(acme, "fay@acme.example")
	form := fay.get("/report")
	if strings.Contains(form.body, "pow_challenge") {
		t.Fatal("signed-in reporters are asked for a proof of work")
	}
	id, _ := submit(t, fay, thin("Overflow in login"))
	mine := fay.get("/reports/mine")
	mine.has(t, id, "received, not yet acknowledged")
	link := regexp.MustCompile(`href="(/reports/\d+)"`).FindStringSubmatch(mine.body)
	if link == nil {
		t.Fatalf("no link:\n%s", mine.body)
	}
	fay.get(link[1]).has(t, id, "Your message")
	fay.post(link[1], url.Values{"body": {"More detail."}}).is(t, http.StatusSeeOther, link[1])
	fay.get(link[1]).has(t, "More detail.")
	kim := s.member(acme, "kim@acme.example")
	kim.get(link[1]).is(t, http.StatusNotFound, "")
	kim.get("/reports/mine").has(t, "You have not sent a report")
}
