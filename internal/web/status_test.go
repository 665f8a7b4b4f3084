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
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/web"
)

// newStatusSite is the pages with vendor status and reports.
func newStatusSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(d *web.Deps) {
		d.Status = status.NewService(d.DB, d.Now, d.Cases, status.Config{BaseURL: "https://parley.test"})
		d.Reports = reports.NewService(d.DB, d.Now, d.Users, ssvcRegistry(t), reports.Policy{})
	})
}

// TestStatusPages: a vendor states its status through the form (a bad
// entry comes back with its field marked), another vendor sees nothing
// until it is shared, the coordinator approves, an edit makes it a draft
// again, and nobody edits another vendor's statement.
func TestStatusPages(t *testing.T) {
	s := newStatusSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	bolt, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Bolt Systems", Kind: org.Vendor})
	other, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Other Corp", Kind: org.Vendor})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	c, err := s.cases.Create(ctx, root, cases.NewCase{Title: "Overflow in a DHCP client", CoordinatorOrgID: cert.ID,
		Vulnerabilities: []cases.VulnFields{{Title: "Heap overflow in option 121", CVE: "CVE-2026-12345"}}})
	if err != nil {
		t.Fatal(err)
	}
	vendor := []cases.Role{cases.RoleVendor}
	if _, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: vendor}, {OrgID: bolt.ID, Roles: vendor}}); err != nil {
		t.Fatal(err)
	}
	acmeUser, boltUser, outsider := s.member(acme, "lee@acme.example"), s.member(bolt, "kim@bolt.example"), s.member(other, "pat@other.example")
	page := "/cases/" + c.Key + "/status"
	vuln := itoa(c.Vulnerabilities[0].ID)

	acmeUser.get(page).has(t, "State your status on a product", "CVE-2026-12345 Heap overflow in option 121", "No statements to show.")
	entry := url.Values{"vulnerability_id": {vuln}, "product": {"Acme Router"}, "versions": {">=2.0 <2.4.1"}, "status": {"not_affected"}}
	bad := acmeUser.post(page, entry)
	bad.is(t, http.StatusUnprocessableEntity, "")
	bad.has(t, `id="st-justification-err"`, `aria-describedby="st-justification-err"`, `value="Acme Router"`)
	entry.Set("status", "affected")
	entry.Set("references", "https://acme.example/sa/1\njavascript:alert(1)")
	acmeUser.post(page, entry).has(t, `id="st-action-statement-err"`)
	entry.Set("action_statement", "Update to 2.4.1.")
	acmeUser.post(page, entry).has(t, `id="st-references-err"`, "is not an http(s) URL")
	entry.Set("references", "https://acme.example/sa/1")
	acmeUser.post(page, entry).is(t, http.StatusSeeOther, page)

	if view := boltUser.get(page); strings.Contains(view.body, "Acme Router") {
		t.Fatal("another vendor reads an unshared statement")
	}
	outsider.get(page).is(t, http.StatusNotFound, "")
	view := coord.get(page)
	view.has(t, "Every vendor's statements", "Acme Routers", "Acme Router", "&gt;=2.0 &lt;2.4.1", "Download the OpenVEX document", ">Approve<")
	if strings.Contains(view.body, "State your status") {
		t.Fatal("the coordinator is offered the vendor's form")
	}
	id := regexp.MustCompile(`/status/(\d+)/approve`).FindStringSubmatch(view.body)
	if id == nil {
		t.Fatalf("no approve form:\n%s", view.body)
	}
	coord.post(page+"/"+id[1]+"/approve", url.Values{"version": {"1"}}).is(t, http.StatusSeeOther, page)
	coord.get(page).has(t, "approved by root@cert.example", "Withdraw approval")
	acmeUser.post(page+"/"+id[1]+"/approve", url.Values{"version": {"2"}}).is(t, http.StatusForbidden, "")

	// Acme edits: fixed now, and shared; the approval is gone.
	edit := acmeUser.get(page + "?edit=" + id[1])
	edit.has(t, "Change your statement #"+id[1], `name="version" value="2"`, "Update to 2.4.1.")
	entry.Set("status", "fixed")
	entry.Set("fixed_version", "2.4.1")
	entry.Set("shared", "on")
	entry.Set("version", "2")
	acmeUser.post(page+"/"+id[1], entry).is(t, http.StatusSeeOther, page)
	acmeUser.post(page+"/"+id[1], entry).has(t, "changed by someone else") // version 2 is stale now
	boltUser.get(page).has(t, "Acme Router", "Fixed (fixed in 2.4.1)", "shared")
	boltUser.post(page+"/"+id[1], entry).is(t, http.StatusForbidden, "")
	boltUser.get(page+"?edit="+id[1]).is(t, http.StatusForbidden, "")
	coord.get(page+"?approval=draft").has(t, "Acme Router", ">Approve<")
	coord.get(page+"?status=bogus").has(t, "is not a status")
}
