package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/web"
)

// newCreditSite is the pages with credits.
func newCreditSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(d *web.Deps) { d.Credits = credits.NewService(d.DB, d.Now, d.Cases) })
}

// TestCreditPages: the coordinator proposes credits through the form (a
// bad one comes back with its field marked), the credited person, who
// takes no part in the case, accepts hers anonymously on /credits, the
// coordinator answers for a name without an account, and a vendor sees
// the accepted credits as printed, never the proposed ones.
func TestCreditPages(t *testing.T) {
	s := newCreditSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	c, err := s.cases.Create(ctx, root, cases.NewCase{Title: "Overflow in a DHCP client", CoordinatorOrgID: cert.ID,
		Vulnerabilities: []cases.VulnFields{{Title: "Heap overflow in option 121", CVE: "CVE-2026-12345"}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}}); err != nil {
		t.Fatal(err)
	}
	acmeUser := s.member(acme, "lee@acme.example")
	fayUser, err := s.users.CreateUser(ctx, root, auth.NewUser{Email: "fay@example.net", Name: "Fay", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	fay := s.browser()
	fay.post("/login", url.Values{"email": {"fay@example.net"}, "password": {password}, "next": {"/credits"}}).is(t, http.StatusSeeOther, "/credits")
	page := "/cases/" + c.Key + "/credits"
	vuln := itoa(c.Vulnerabilities[0].ID)

	coord.get(page).has(t, "Propose a credit", "No credits to show.", "CVE-2026-12345 Heap overflow in option 121")
	coord.post(page, url.Values{"type": {"finder"}, "name": {""}}).has(t, `id="entry-name-err"`, `aria-describedby="entry-name-err"`, `aria-invalid="true"`)
	coord.post(page, url.Values{"type": {"hero"}, "name": {"Ada"}}).has(t, `id="entry-type-err"`, `value="Ada"`)
	coord.post(page, url.Values{"type": {"finder"}, "user_id": {itoa(fayUser.ID)}, "vulnerability_id": {vuln}}).is(t, http.StatusSeeOther, page)
	coord.post(page, url.Values{"type": {"analyst"}, "name": {"Ada Lovelace"}, "email": {"ada@example.org"}}).is(t, http.StatusSeeOther, page)
	view := coord.get(page)
	view.has(t, "Finder", "Fay (account)", "Ada Lovelace &lt;ada@example.org&gt;", "proposed", "Answer for Ada Lovelace")
	if body := acmeUser.get(page).body; strings.Contains(body, "Fay") || strings.Contains(body, "Ada") || strings.Contains(body, "Propose a credit") {
		t.Fatalf("a vendor sees proposed credits or the managers' form:\n%s", body)
	}
	fay.get(page).is(t, http.StatusNotFound, "")
	acmeUser.post(page, url.Values{"type": {"finder"}, "name": {"Me"}}).is(t, http.StatusForbidden, "")

	// Fay answers on her own page.
	mine := fay.get("/credits")
	mine.has(t, "Finder in "+c.Key+": Overflow in a DHCP client", "Status: <strong>proposed</strong>")
	id := regexp.MustCompile(`/credits/(\d+)/answer`).FindStringSubmatch(mine.body)
	if id == nil {
		t.Fatalf("no answer form:\n%s", mine.body)
	}
	fay.post("/credits/"+id[1]+"/answer", url.Values{"answer": {"accept"}, "printed_name": {strings.Repeat("n", 201)}, "version": {"1"}}).
		has(t, `id="answer-`+id[1]+`-printed-name-err"`, `aria-invalid="true"`)
	fay.post("/credits/"+id[1]+"/answer", url.Values{"answer": {"accept"}, "anonymous": {"on"}, "version": {"1"}}).is(t, http.StatusSeeOther, "/credits")
	fay.get("/credits").has(t, "Status: <strong>accepted</strong>, printed as Anonymous")
	acmeUser.post("/credits/"+id[1]+"/answer", url.Values{"answer": {"decline"}}).is(t, http.StatusNotFound, "")

	// The coordinator answers for Ada, with a reason.
	ada := regexp.MustCompile(`id="edit-(\d+)"[^>]*>\s*(?:<[^>]*>\s*)*`).FindAllStringSubmatch(coord.get(page).body, -1)
	if len(ada) != 2 {
		t.Fatalf("edit forms %v", ada)
	}
	edit := page + "/" + ada[1][1]
	form := url.Values{"version": {"1"}, "type": {"analyst"}, "vulnerability_id": {"0"}, "status": {"accepted"}}
	coord.post(edit, form).has(t, `id="edit-`+ada[1][1]+`-reason-err"`)
	form.Set("reason", "She agreed by e-mail")
	coord.post(edit, form).is(t, http.StatusSeeOther, page)
	coord.post(edit, form).has(t, "changed by someone else") // version 1 is stale now

	view = acmeUser.get(page)
	view.has(t, "Anonymous", "Ada Lovelace", "CVE-2026-12345 Heap overflow in option 121")
	if strings.Contains(view.body, "ada@example.org") || strings.Contains(view.body, "She agreed") || strings.Contains(view.body, "Fay") {
		t.Fatalf("a vendor sees more than the printed credits:\n%s", view.body)
	}
	coord.post(edit+"/withdraw", url.Values{"version": {"2"}}).is(t, http.StatusSeeOther, page)
	if strings.Contains(acmeUser.get(page).body, "Ada Lovelace") {
		t.Fatal("a withdrawn credit still shows")
	}
}
