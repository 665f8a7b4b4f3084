package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/org"
)

// TestDisputeNotices: every change to a dispute mails the parties and the
// mediator, except the participant that made it, with the case key, the
// dispute's title and a link, and nothing of the vulnerability.
func TestDisputeNotices(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	f := newFixture(t, now)
	ctx, orgs, cs, root := f.ctx, f.orgs, f.cases, f.root
	ds := disputes.NewService(f.db, now, cs, disputes.Config{})
	cert, _ := orgs.Create(ctx, root, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := orgs.Create(ctx, root, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	bolt, _ := orgs.Create(ctx, root, org.Fields{Name: "Bolt", Kind: org.Vendor, SecurityEmail: "psirt@bolt.example"})
	coordinator, vendor := f.member(cert, "sam@cert.example"), f.member(acme, "lee@acme.example")
	c, err := cs.Create(ctx, root, cases.NewCase{Title: "Heap overflow in SecretRouter 3000", CoordinatorOrgID: cert.ID})
	if err != nil {
		t.Fatal(err)
	}
	vendors := []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}, {OrgID: bolt.ID, Roles: []cases.Role{cases.RoleVendor}}}
	if _, err := cs.AddParticipants(ctx, root, c.ID, vendors); err != nil {
		t.Fatal(err)
	}
	d, err := ds.Create(ctx, vendor, c.ID, disputes.NewDispute{Topic: disputes.TopicTiming, Title: "Publication date",
		Position: "We need until August for SecretRouter.", Visibility: disputes.VisibleToCoordinator})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ds.Propose(ctx, coordinator, c.ID, d.ID, "Publish on 1 August."); err != nil {
		t.Fatal(err)
	}

	srv, n, r := startNotifier(t, f.db, f.users, now)
	n.RegisterDisputes(r, ds, cs)
	r.Handle(cases.JobVendorNotice, func(context.Context, jobs.Job) error { return nil }) // not this test's business
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(2, 5*time.Second)
	to := map[string]string{}
	for _, m := range got {
		to[m.To[0]] = strings.ReplaceAll(string(m.Data), "=\r\n", "")
	}
	// Opening tells CERT (not Acme, which opened it); the proposal tells
	// Acme (not CERT, which made it); Bolt is no party.
	if len(got) != 2 || to["cert@cert.example"] == "" || to["psirt@acme.example"] == "" {
		t.Fatalf("notices went to %v", keys(to))
	}
	link := "https://parley.test/cases/" + c.Key + "/disputes/"
	for addr, body := range to {
		if !strings.Contains(body, "["+c.Key+"]") || !strings.Contains(body, "Publication date") || !strings.Contains(body, link) {
			t.Errorf("the notice to %s lacks the key, title or link:\n%s", addr, body)
		}
		if strings.Contains(body, "SecretRouter") || strings.Contains(body, "Heap overflow") || strings.Contains(body, "August") {
			t.Errorf("the notice to %s reveals details:\n%s", addr, body)
		}
	}
	if !strings.Contains(to["psirt@acme.example"], "proposed a resolution") || !strings.Contains(to["cert@cert.example"], "dispute was opened") {
		t.Errorf("the notices do not say what happened:\n%s\n%s", to["psirt@acme.example"], to["cert@cert.example"])
	}
}
