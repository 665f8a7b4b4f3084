package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestDisputeNotices: every change to a dispute mails the parties and the
// mediator, except the participant that made it, with the case key, the
// dispute's title and a link, and nothing of the vulnerability.
func TestDisputeNotices(t *testing.T) {
	db := storetest.New(t)
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	users := auth.NewService(db, now, auth.DefaultConfig())
	orgs := org.NewService(db, now, users)
	cs := cases.NewService(db, now, cases.Config{})
	ds := disputes.NewService(db, now, cs, disputes.Config{})
	admin, err := users.CreateAdmin(ctx, auth.NewUser{Email: "root@cert.example", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	root := auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	cert, _ := orgs.Create(ctx, root, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := orgs.Create(ctx, root, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	bolt, _ := orgs.Create(ctx, root, org.Fields{Name: "Bolt", Kind: org.Vendor, SecurityEmail: "psirt@bolt.example"})
	member := func(o org.Org, email string) auth.Principal {
		m, err := orgs.AddMember(ctx, root, o.ID, email, "", auth.OrgMember)
		if err != nil {
			t.Fatal(err)
		}
		roles, _ := orgs.RolesOf(ctx, m.UserID)
		return auth.Principal{UserID: m.UserID, Email: email, Orgs: roles}
	}
	coordinator, vendor := member(cert, "sam@cert.example"), member(acme, "lee@acme.example")
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

	srv := mailtest.Start(t)
	n, err := notify.New(notify.Config{BaseURL: "https://parley.test", From: "Parley <parley@parley.test>", Instance: "Parley", Now: now},
		mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Now: now}, users)
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(db, jobs.Config{Now: now})
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
