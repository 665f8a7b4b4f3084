package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store/storetest"
	"github.com/parleycvd/parley/internal/threads"
)

// TestThreadNotices: a post mails the thread's audience (not the
// participant that wrote it, nor anyone outside) with the case key, the
// title and a link, never the text; mentioned accounts of the audience
// are told at their own address, mentions of others tell nobody.
func TestThreadNotices(t *testing.T) {
	db := storetest.New(t)
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	ctx := context.Background()
	users := auth.NewService(db, now, auth.DefaultConfig())
	orgs := org.NewService(db, now, users)
	cs := cases.NewService(db, now, cases.Config{})
	ts := threads.NewService(db, now, cs, threads.Config{})
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
	member(bolt, "kim@bolt.example")
	c, err := cs.Create(ctx, root, cases.NewCase{Title: "Heap overflow in SecretRouter 3000", CoordinatorOrgID: cert.ID})
	if err != nil {
		t.Fatal(err)
	}
	vendors := []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}, {OrgID: bolt.ID, Roles: []cases.Role{cases.RoleVendor}}}
	parts, err := cs.AddParticipants(ctx, root, c.ID, vendors)
	if err != nil {
		t.Fatal(err)
	}
	th, err := ts.Start(ctx, coordinator, c.ID, threads.NewThread{Title: "Patch review", With: []int64{parts[0].ID},
		Body: "@lee@acme.example and @kim@bolt.example: the SecretRouter diff is attached."})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts.Post(ctx, vendor, c.ID, th.ID, threads.NewPost{Body: "Thanks @sam@cert.example, the heap fix works."}); err != nil {
		t.Fatal(err)
	}

	srv := mailtest.Start(t)
	n, err := notify.New(notify.Config{BaseURL: "https://parley.test", From: "Parley <parley@parley.test>", Instance: "Parley", Now: now},
		mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Now: now}, users)
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(db, jobs.Config{Now: now})
	n.RegisterThreads(r, ts, cs)
	r.Handle(cases.JobVendorNotice, func(context.Context, jobs.Job) error { return nil }) // not this test's business
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(4, 5*time.Second)
	to := map[string]string{}
	for _, m := range got {
		to[m.To[0]] = strings.ReplaceAll(string(m.Data), "=\r\n", "")
	}
	// The start tells Acme and Lee (mentioned); the reply CERT and Sam
	// (mentioned). Bolt and Kim are outside the thread.
	if len(got) != 4 || to["psirt@acme.example"] == "" || to["lee@acme.example"] == "" || to["cert@cert.example"] == "" || to["sam@cert.example"] == "" {
		t.Fatalf("notices went to %v", keys(to))
	}
	link := "https://parley.test/cases/" + c.Key + "/threads/"
	for addr, body := range to {
		if !strings.Contains(body, "["+c.Key+"]") || !strings.Contains(body, "Patch review") || !strings.Contains(body, link) {
			t.Errorf("the notice to %s lacks the key, title or link:\n%s", addr, body)
		}
		if strings.Contains(body, "SecretRouter") || strings.Contains(body, "heap") || strings.Contains(body, "diff") {
			t.Errorf("the notice to %s reveals details:\n%s", addr, body)
		}
		mentioned := strings.Contains(body, "You were mentioned")
		if want := addr == "lee@acme.example" || addr == "sam@cert.example"; mentioned != want {
			t.Errorf("the notice to %s says mentioned %v:\n%s", addr, mentioned, body)
		}
	}
	if !strings.Contains(to["psirt@acme.example"], "new thread") || !strings.Contains(to["cert@cert.example"], "Acme wrote") {
		t.Errorf("the notices do not say what happened:\n%s\n%s", to["psirt@acme.example"], to["cert@cert.example"])
	}
}
