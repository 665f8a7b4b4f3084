package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/threads"
)

// TestThreadNotices: a post mails the thread's audience (not the
// participant that wrote it, nor anyone outside) with the case key, the
// title and a link, never the text; mentioned accounts of the audience
// are told at their own address, mentions of others tell nobody.
func TestThreadNotices(t *testing.T) {
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	f := newFixture(t, now)
	ctx, orgs, cs, root := f.ctx, f.orgs, f.cases, f.root
	ts := threads.NewService(f.db, now, cs, threads.Config{})
	cert, _ := orgs.Create(ctx, root, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := orgs.Create(ctx, root, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	bolt, _ := orgs.Create(ctx, root, org.Fields{Name: "Bolt", Kind: org.Vendor, SecurityEmail: "psirt@bolt.example"})
	coordinator, vendor := f.member(cert, "sam@cert.example"), f.member(acme, "lee@acme.example")
	f.member(bolt, "kim@bolt.example")
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
	reply, err := ts.Post(ctx, vendor, c.ID, th.ID, threads.NewPost{Body: "Thanks @sam@cert.example, the heap fix works."})
	if err != nil {
		t.Fatal(err)
	}

	srv, n, r := startNotifier(t, f.db, f.users, now)
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

	// Lee edits the reply to mention CERT too: CERT is told, Sam (told
	// already) is not.
	if _, err := ts.Edit(ctx, vendor, c.ID, th.ID, reply.ID, "Thanks @sam@cert.example and @CERT, the heap fix works.", reply.Version); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got = srv.Wait(5, 5*time.Second)
	last := got[len(got)-1]
	body := strings.ReplaceAll(string(last.Data), "=\r\n", "")
	if len(got) != 5 || last.To[0] != "cert@cert.example" || !strings.Contains(body, "mentioned in") ||
		!strings.Contains(body, "Acme edited a post") || !strings.Contains(body, "CERT was mentioned in it") || strings.Contains(body, "heap") {
		t.Errorf("after the edit %d messages, the last to %v:\n%s", len(got), last.To, body)
	}
}
