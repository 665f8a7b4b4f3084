package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

// member makes an account with password in o and signs it in.
func (s *site) member(o org.Org, email string) *browser {
	s.t.Helper()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	if _, err := s.users.CreateUser(context.Background(), root, auth.NewUser{Email: email, Name: email, Password: password}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.orgs.AddMember(context.Background(), root, o.ID, email, "", auth.OrgMember); err != nil {
		s.t.Fatal(err)
	}
	b := s.browser()
	b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/cases"}}).is(s.t, http.StatusSeeOther, "/cases")
	return b
}

// TestCasePages follows a case from the coordinator opening it to a
// vendor answering, and checks who sees what on the way.
func TestCasePages(t *testing.T) {
	s := newSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	bolt, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Bolt Systems", Kind: org.Vendor})
	other, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Other Corp", Kind: org.Vendor})
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}

	coord.post("/cases/new", url.Values{"title": {"Overflow in a DHCP client"}, "vuln_title": {"Heap overflow"}, "cwe": {"787"}}).
		has(t, `id="cwe-err"`)
	coord.post("/cases/new", url.Values{"title": {"Overflow in a DHCP client"}, "vuln_title": {"Heap overflow"}, "cvss31_vector": {"CVSS:3.1/AV:N"}}).
		has(t, `id="cvss31-err"`)
	opened := coord.post("/cases/new", url.Values{"title": {"Overflow in a DHCP client"}, "vuln_title": {"Heap overflow"}, "cwe": {"CWE-787"},
		"cvss31_vector": {"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}})
	opened.is(t, http.StatusSeeOther, "/cases/PAR-")
	casePath := opened.location
	coord.get(casePath).has(t, "Overflow in a DHCP client", "Heap overflow", "9.8", "CWE-787")

	coord.post(casePath+"/participants", url.Values{"names": {"Acme Routers\nNo Such Vendor"}, "role": {"vendor"}}).
		has(t, `id="names-err"`, "no such vendor")
	coord.post(casePath+"/participants", url.Values{"names": {"acme routers, Bolt Systems"}, "role": {"vendor"}}).is(t, http.StatusSeeOther, casePath)
	page := coord.get(casePath)
	page.has(t, "Acme Routers", "Bolt Systems", "Send the report")

	acmeUser := s.member(acme, "lee@acme.example")
	boltUser := s.member(bolt, "kim@bolt.example")
	outsider := s.member(other, "pat@other.example")
	outsider.get(casePath).is(t, http.StatusNotFound, "")
	outsider.get("/cases").has(t, "No cases yet")

	vendorView := acmeUser.get(casePath)
	vendorView.has(t, "Overflow in a DHCP client", "Acme Routers")
	if strings.Contains(vendorView.body, "Bolt Systems") {
		t.Fatal("a vendor sees another vendor of the case")
	}
	if strings.Contains(vendorView.body, "Add participants") {
		t.Fatal("a vendor is offered the coordinator's forms")
	}
	boltUser.get(casePath).has(t, "Bolt Systems")

	// The coordinator sends Acme the report; Acme validates it.
	ids := participantIDs(t, s, casePath)
	coord.post(casePath+"/participants/"+ids["Acme Routers"]+"/send", nil).is(t, http.StatusSeeOther, casePath)
	acmeUser.post(casePath+"/participants/"+ids["Bolt Systems"]+"/rm", url.Values{"event": {"v"}}).is(t, http.StatusForbidden, "")
	acmeUser.post(casePath+"/participants/"+ids["Acme Routers"]+"/rm", url.Values{"event": {"c"}}).has(t, "form-error")
	acmeUser.post(casePath+"/participants/"+ids["Acme Routers"]+"/rm", url.Values{"event": {"v"}}).is(t, http.StatusSeeOther, casePath)
	coord.get(casePath).has(t, "report Valid")
	coord.post(casePath+"/cs", url.Values{"event": {"P"}}).is(t, http.StatusSeeOther, casePath)
	coord.get(casePath+"/timeline").has(t, "Timeline of")
}

// participantIDs reads the participants' IDs from the coordinator's view.
func participantIDs(t *testing.T, s *site, casePath string) map[string]string {
	t.Helper()
	key := strings.TrimPrefix(casePath, "/cases/")
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	c, err := s.cases.GetByKey(context.Background(), root, key)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := s.cases.Participants(context.Background(), root, c.ID, cases.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range parts {
		out[p.Name] = itoa(p.ID)
	}
	return out
}
