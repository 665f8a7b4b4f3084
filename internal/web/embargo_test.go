package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/org"
)

// TestEmbargoPages: the coordinator proposes terms through the form, a
// bad date comes back with its field marked, each vendor answers for
// itself, a newcomer sees only the summary until it accepts.
func TestEmbargoPages(t *testing.T) {
	s := newSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	bolt, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Bolt Systems", Kind: org.Vendor})
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	opened := coord.post("/cases/new", url.Values{"title": {"Overflow in a DHCP client"}, "vuln_title": {"Heap overflow in option 121"}})
	opened.is(t, http.StatusSeeOther, "/cases/PAR-")
	casePath := opened.location
	coord.post(casePath+"/participants", url.Values{"names": {"Acme Routers"}, "role": {"vendor"}}).is(t, http.StatusSeeOther, casePath)
	acmeUser := s.member(acme, "lee@acme.example")
	boltUser := s.member(bolt, "kim@bolt.example")

	page := casePath + "/embargo"
	coord.get(page).has(t, "Propose an embargo", "No embargo has been proposed")
	coord.post(page+"/propose", url.Values{"ends_at": {"2026-12-31T17:00"}}).has(t, `id="zone-err"`, "time zone")
	coord.post(page+"/propose", url.Values{"ends_at": {"2026-01-31T17:00"}, "zone": {"Europe/Berlin"}}).has(t, `id="ends-err"`, "in the past")
	coord.post(page+"/propose", url.Values{"ends_at": {"2027-06-30T17:00"}, "zone": {"Europe/Berlin"}}).has(t, `id="just-err"`, "longer than 90 days")
	coord.post(page+"/propose", url.Values{"ends_at": {"2026-12-31T17:00"}, "zone": {"Europe/Berlin"}}).is(t, http.StatusSeeOther, page)
	coord.get(casePath).has(t, "Who owes what", "answer the embargo proposal", "Acme Routers")
	view := acmeUser.get(page)
	view.has(t, "Waiting for answers", "2026-12-31 17:00 Europe/Berlin (2026-12-31 16:00 UTC)", `datetime="2026-12-31T16:00:00Z"`, "Accept the terms")
	if strings.Contains(view.body, "Put in force now") {
		t.Fatal("a vendor is offered the coordinators' decision")
	}
	ids := participantIDs(t, s, casePath)
	// Acme cannot answer for the coordinator.
	acmeUser.post(page+"/answer", url.Values{"participant": {ids["CERT Example"]}, "answer": {"reject"}}).is(t, http.StatusForbidden, "")
	acmeUser.post(page+"/answer", url.Values{"participant": {ids["Acme Routers"]}, "answer": {"accept"}}).is(t, http.StatusSeeOther, page)
	coord.get(casePath).has(t, "Active, ends", "2026-12-31 16:00 UTC")

	// A newcomer is invited and sees the summary only.
	coord.post(casePath+"/participants", url.Values{"names": {"Bolt Systems"}, "role": {"vendor"}}).is(t, http.StatusSeeOther, casePath)
	newcomer := boltUser.get(casePath)
	newcomer.has(t, "under an embargo that you have not accepted", "Overflow in a DHCP client")
	if strings.Contains(newcomer.body, "option 121") {
		t.Fatal("the newcomer reads the vulnerability before accepting")
	}
	ids = participantIDs(t, s, casePath)
	boltUser.post(page+"/answer", url.Values{"participant": {ids["Bolt Systems"]}, "answer": {"accept"}, "comment": {"ok"}}).is(t, http.StatusSeeOther, page)
	boltUser.get(casePath).has(t, "Heap overflow in option 121")

	// The coordinator ends it with a reason.
	coord.post(page+"/end", url.Values{"reason": {""}}).has(t, "reason")
	coord.post(page+"/end", url.Values{"reason": {"the fix shipped everywhere"}}).is(t, http.StatusSeeOther, page)
	acmeUser.get(page).has(t, "eXited")
}

// TestPolicyPage: an organisation's admin publishes a preset; a vendor
// member reads it and may not change it.
func TestPolicyPage(t *testing.T) {
	s := newSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	acme, _ := s.orgs.Create(context.Background(), root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	path := "/orgs/" + itoa(acme.ID) + "/policy"
	coord.get(path).has(t, "has published no disclosure policy", "Publish the policy")
	coord.post(path, url.Values{"preset": {"custom"}, "days": {"120"}, "counts_from": {"first_contact"}}).has(t, `id="justification-err"`)
	coord.post(path, url.Values{"preset": {"list-14"}, "statement": {"We follow **linux-distros**."}}).is(t, http.StatusSeeOther, path)
	member := s.member(acme, "lee@acme.example")
	view := member.get(path)
	view.has(t, "14 days", "<strong>linux-distros</strong>")
	if strings.Contains(view.body, "Publish the policy") {
		t.Fatal("a plain member is offered the policy form")
	}
	member.post(path, url.Values{"preset": {"max-7"}, "version": {"1"}}).is(t, http.StatusForbidden, "")
}

// TestCRAForms: a vendor starts its CRA clocks from the case page and
// records its early warning.
func TestCRAForms(t *testing.T) {
	s := newSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	acme, _ := s.orgs.Create(context.Background(), root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	opened := coord.post("/cases/new", url.Values{"title": {"Exploited VPN bug"}})
	casePath := opened.location
	coord.post(casePath+"/participants", url.Values{"names": {"Acme Routers"}, "role": {"vendor"}}).is(t, http.StatusSeeOther, casePath)
	vendor := s.member(acme, "lee@acme.example")
	ids := participantIDs(t, s, casePath)
	vendor.get(casePath).has(t, "Start the CRA clocks")
	vendor.post(casePath+"/cra", url.Values{"manufacturer": {ids["Acme Routers"]}, "aware_at": {"2026-11-24T08:00"}}).has(t, "cannot lie in the future")
	vendor.post(casePath+"/cra", url.Values{"manufacturer": {ids["Acme Routers"]}, "aware_at": {"2026-11-23T08:00"}}).is(t, http.StatusSeeOther, casePath)
	vendor.post(casePath+"/cra/report", url.Values{"report": {"early_warning"}, "reference": {"EW-7"}}).is(t, http.StatusSeeOther, casePath)
	coord.get(casePath).has(t, "Early warning (24 hours)", "2026-11-24 08:00 UTC", "(EW-7)", "when a fix is available", "Start the final report")
}

// TestSchedulePage: the coordinator changes the reminders to silent
// vendors; a schedule out of order is refused with its field.
func TestSchedulePage(t *testing.T) {
	s := newSite(t)
	coord, _ := s.admin()
	opened := coord.post("/cases/new", url.Values{"title": {"Silent vendors"}})
	casePath := opened.location
	coord.get(casePath).has(t, "Reminders to silent vendors: after 7 days, other contacts after 14, flagged from 21")
	coord.post(casePath+"/schedule", url.Values{"remind_after_days": {"10"}, "alternate_after_days": {"5"}, "flag_after_days": {"30"}}).
		has(t, "must come after the reminder")
	coord.post(casePath+"/schedule", url.Values{"remind_after_days": {"3"}, "alternate_after_days": {"5"}, "flag_after_days": {"30"}}).
		is(t, http.StatusSeeOther, casePath)
	coord.get(casePath+"?unresponsive=on").has(t, "after 3 days, other contacts after 5, flagged from 30", "No participants match")
}

// TestVendorListPages: staff save a list by names, nest it, and add it to
// a case from the case page.
func TestVendorListPages(t *testing.T) {
	s := newSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	for _, n := range []string{"Acme Routers", "Bolt Systems"} {
		if _, err := s.orgs.Create(context.Background(), root, org.Fields{Name: n, Kind: org.Vendor}); err != nil {
			t.Fatal(err)
		}
	}
	coord.get("/vendor-lists").has(t, "No vendor lists yet")
	coord.post("/vendor-lists", url.Values{"name": {"Routers"}, "names": {"Acme Routers\nNo Such Corp"}}).has(t, `id="list-names-err"`, "No Such Corp")
	saved := coord.post("/vendor-lists", url.Values{"name": {"Routers"}, "names": {"acme routers, Bolt Systems"}})
	saved.is(t, http.StatusSeeOther, "/vendor-lists/")
	listID := strings.TrimPrefix(saved.location, "/vendor-lists/")
	coord.get(saved.location).has(t, "Vendor list: Routers", "Acme Routers\nBolt Systems")
	coord.post("/vendor-lists", url.Values{"name": {"Everything"}, "sublists": {listID}}).is(t, http.StatusSeeOther, "/vendor-lists/")
	opened := coord.post("/cases/new", url.Values{"title": {"Router botnet"}})
	casePath := opened.location
	coord.get(casePath).has(t, "Add a saved vendor list", "Everything")
	coord.post(casePath+"/participants/list", url.Values{"vendor_list": {listID}, "role": {"vendor"}}).is(t, http.StatusSeeOther, casePath)
	coord.get(casePath).has(t, "Acme Routers", "Bolt Systems")
	vendor := s.member(org.Org{ID: 1}, "lee@acme.example")
	vendor.get("/vendor-lists").is(t, http.StatusForbidden, "")
}
