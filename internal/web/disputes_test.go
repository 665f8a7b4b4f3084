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
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/web"
)

// newDisputeSite is the pages with the disputes, the instance's key and
// reports.
func newDisputeSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(d *web.Deps) {
		d.Disputes = disputes.NewService(d.DB, d.Now, d.Cases, disputes.Config{})
		d.Keyring = pgp.NewKeyring(d.DB, d.Now, pgp.KeyringConfig{Name: "Parley", Email: "security@cert.example"})
		d.Reports = reports.NewService(d.DB, d.Now, d.Users, ssvcRegistry(t), reports.Policy{})
	})
}

// TestDisputePages follows a vendor's dispute with the coordinator through
// the pages: opening with bad and good input, who sees it, the thread, a
// rejected and an accepted proposal, the timeline; then an extension
// request answered in part, and a hand-over.
func TestDisputePages(t *testing.T) {
	s := newDisputeSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	partner, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Partner CSIRT", Kind: org.Coordinator})
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	bolt, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Bolt Systems", Kind: org.Vendor})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	c, err := s.cases.Create(ctx, root, cases.NewCase{Title: "Overflow in a DHCP client", CoordinatorOrgID: cert.ID})
	if err != nil {
		t.Fatal(err)
	}
	vendor := []cases.Role{cases.RoleVendor}
	if _, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: vendor}, {OrgID: bolt.ID, Roles: vendor}}); err != nil {
		t.Fatal(err)
	}
	acmeUser, boltUser := s.member(acme, "lee@acme.example"), s.member(bolt, "kim@bolt.example")
	list := "/cases/" + c.Key + "/disputes"

	form := acmeUser.get(list)
	form.has(t, "Open a dispute", "CERT Example", "Timing of disclosure", "No disputes that concern you")
	if strings.Contains(form.body, "Bolt Systems") || strings.Contains(form.body, "Hand the disputes") {
		t.Fatal("a vendor is offered another vendor, or the coordinator's form")
	}
	acmeUser.post(list, url.Values{"topic": {"weather"}, "title": {"Rain"}}).has(t, `id="open-topic-err"`, `aria-invalid="true"`)
	acmeUser.post(list, url.Values{"topic": {"timing"}, "title": {" "}}).has(t, `id="open-title-err"`)
	acmeUser.post(list, url.Values{"topic": {"extension"}, "title": {"More time"}, "until": {"2026-12-20T12:00"}, "zone": {""}}).
		has(t, `id="open-zone-err"`, `value="More time"`)
	opened := acmeUser.post(list, url.Values{"topic": {"timing"}, "title": {"Publication date"},
		"position": {"We need until *February*."}, "private": {"on"}})
	opened.is(t, http.StatusSeeOther, list+"/")
	one := opened.location

	boltUser.get(one).is(t, http.StatusNotFound, "")
	boltUser.get(list).has(t, "No disputes that concern you")
	coord.get("/disputes").has(t, "Publication date", "less than an hour", "Acme Routers", `href="/disputes" aria-current="page"`)
	coord.get(one).has(t, "Propose a resolution", "<em>February</em>", "for the mediator only")

	coord.post(one+"/messages", url.Values{"body": {"Could a **workaround** come earlier?"}}).is(t, http.StatusSeeOther, one)
	acmeUser.get(one).has(t, "<strong>workaround</strong>", "CERT Example (mediator)")
	acmeUser.post(one+"/resolutions", url.Values{"proposal": {"Mine"}}).is(t, http.StatusForbidden, "")
	coord.post(one+"/resolutions", url.Values{"proposal": {" "}}).has(t, `id="propose-proposal-err"`)
	coord.post(one+"/resolutions", url.Values{"proposal": {"Publish on 15 January."}}).is(t, http.StatusSeeOther, one)
	page := acmeUser.get(one)
	page.has(t, `value="accept"`, `value="reject"`)
	rid := regexp.MustCompile(`/resolutions/(\d+)/answer`).FindStringSubmatch(page.body)[1]
	acmeUser.post(one+"/resolutions/"+rid+"/answer", url.Values{"answer": {"maybe"}}).has(t, "choose accept or reject")
	acmeUser.post(one+"/resolutions/"+rid+"/answer", url.Values{"answer": {"reject"}, "comment": {"Too early"}}).is(t, http.StatusSeeOther, one)
	acmeUser.get(one).has(t, "rejected", "Too early")
	acmeUser.post(one+"/resolutions/"+rid+"/answer", url.Values{"answer": {"accept"}}).has(t, "form-error", "rejected already")

	coord.post(one+"/resolutions", url.Values{"proposal": {"Workaround on 1 December, details on 1 February."}}).is(t, http.StatusSeeOther, one)
	rid = regexp.MustCompile(`/resolutions/(\d+)/answer`).FindStringSubmatch(acmeUser.get(one).body)[1]
	acmeUser.post(one+"/resolutions/"+rid+"/answer", url.Values{"answer": {"accept"}}).is(t, http.StatusSeeOther, one)
	done := acmeUser.get(one)
	done.has(t, `<dd id="dispute-status">resolved</dd>`, "Workaround on 1 December")
	if strings.Contains(done.body, `id="post-form"`) || strings.Contains(done.body, `value="accept"`) {
		t.Error("a resolved dispute still offers forms")
	}
	acmeUser.get("/cases/"+c.Key+"/timeline").has(t, "resolved: the parties accepted")
	if strings.Contains(boltUser.get("/cases/"+c.Key+"/timeline").body, "Publication date") {
		t.Error("another vendor's timeline shows the dispute")
	}

	// An extension request, answered in part.
	ext := acmeUser.post(list, url.Values{"topic": {"extension"}, "title": {"Two more weeks"}, "until": {"2026-12-20T12:00"}, "zone": {"Europe/Berlin"}})
	ext.is(t, http.StatusSeeOther, list+"/")
	coord.get(ext.location).has(t, "Answer the extension request", "2026-12-20 12:00 Europe/Berlin")
	coord.post(ext.location+"/decision", url.Values{"answer": {"partly"}, "until": {"2026-12-24T12:00"}, "zone": {"Europe/Berlin"}, "reasons": {"x"}}).
		has(t, `id="decide-until-err"`)
	coord.post(ext.location+"/decision", url.Values{"answer": {"partly"}, "until": {"2026-12-10T12:00"}, "zone": {"Europe/Berlin"},
		"reasons": {"Users are at risk"}}).is(t, http.StatusSeeOther, ext.location)
	acmeUser.get(ext.location).has(t, "partly granted, until 2026-12-10 12:00 Europe/Berlin", "Users are at risk")

	// A hand-over to a second coordinator.
	if _, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: partner.ID, Roles: []cases.Role{cases.RoleCoordinator}}}); err != nil {
		t.Fatal(err)
	}
	coord.get(list).has(t, "Hand the disputes to another coordinator", "Partner CSIRT")
	ids := participantIDs(t, s, "/cases/"+c.Key)
	coord.post("/cases/"+c.Key+"/mediator", url.Values{"participant": {ids["Partner CSIRT"]}, "reason": {""}}).has(t, `id="handover-reason-err"`)
	coord.post("/cases/"+c.Key+"/mediator", url.Values{"participant": {ids["Partner CSIRT"]}, "reason": {"Acme disputes with us"}}).
		is(t, http.StatusSeeOther, list)
	acmeUser.get(list).has(t, "mediated by <strong>Partner CSIRT</strong>, as neutral third party")
}
