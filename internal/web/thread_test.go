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
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/threads"
	"github.com/parleycvd/parley/internal/web"
)

// newThreadSite is the pages with the threads (files of at most 1 KiB,
// two to a post) and the instance's key.
func newThreadSite(t testing.TB) *site {
	t.Helper()
	return newSiteWith(t, func(d *web.Deps) {
		limits := threads.Limits{MaxAttachmentSize: 1 << 10, MaxAttachmentsSize: 2 << 10, MaxAttachments: 2}
		d.Threads = threads.NewService(d.DB, d.Now, d.Cases, threads.Config{Limits: limits})
		d.Keyring = pgp.NewKeyring(d.DB, d.Now, pgp.KeyringConfig{Name: "Parley", Email: "security@cert.example"})
	})
}

// TestThreadPages: the coordinator starts a thread with one vendor
// through the pages, with a file; the vendor reads, answers and edits;
// the other vendor finds nothing; pins, history, refusals and the setting
// that lets vendors invite vendors.
func TestThreadPages(t *testing.T) {
	s := newThreadSite(t)
	coord, _ := s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
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
	ids := participantIDs(t, s, "/cases/"+c.Key)
	list := "/cases/" + c.Key + "/threads"

	coord.get(list).has(t, "Start a thread", "Acme Routers", "Bolt Systems", "The whole case", "Vendors may start threads with other vendors",
		`enctype="multipart/form-data"`)
	form := acmeUser.get(list)
	form.has(t, "Start a thread", "No threads that you take part in yet")
	if strings.Contains(form.body, "Bolt Systems") || strings.Contains(form.body, "The whole case") || strings.Contains(form.body, `id="thread-settings"`) {
		t.Fatal("a vendor is offered another vendor, the whole case or the setting")
	}
	bad, _ := coord.postFiles(list, url.Values{"title": {" "}, "body": {"Kept text"}, "with": {ids["Acme Routers"]}})
	bad.has(t, `id="start-title-err"`, `aria-invalid="true"`, "Kept text")
	started, _ := coord.postFiles(list, url.Values{"title": {"Patch review"}, "audience": {"listed"}, "with": {ids["Acme Routers"]},
		"body": {"Please review the **patch**, @[Acme Routers]. <script>alert(1)</script>"}}, file{"fix.diff", "--- a\n+++ b\n"})
	started.is(t, http.StatusSeeOther, list+"/")
	one := started.location

	read := acmeUser.get(one)
	read.has(t, "Patch review", "<strong>patch</strong>", "Mentions: Acme Routers", "fix.diff", "CERT Example, Acme Routers", `id="post-form"`)
	if strings.Contains(read.body, "<script>alert") || strings.Contains(read.body, "Unpin") || strings.Contains(read.body, ">Pin<") {
		t.Fatal("raw HTML passes, or a vendor is offered pinning")
	}
	fileURL := regexp.MustCompile(`href="(/cases/[^"]+/attachments/\d+)"`).FindStringSubmatch(read.body)[1]
	got, h := acmeUser.getFull(fileURL)
	if got.body != "--- a\n+++ b\n" || h.Get("Content-Disposition") != "attachment; filename=fix.diff" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("download: %q %v", got.body, h)
	}
	boltUser.get(one).is(t, http.StatusNotFound, "")
	boltUser.get(fileURL).is(t, http.StatusNotFound, "")
	boltUser.get(list).has(t, "No threads that you take part in yet")
	if strings.Contains(boltUser.get("/cases/"+c.Key+"/timeline").body, "Patch review") {
		t.Error("another vendor's timeline shows the thread")
	}

	big, _ := acmeUser.postFiles(one+"/posts", url.Values{"body": {"With a big file"}}, file{"big.bin", strings.Repeat("x", 1025)})
	big.is(t, http.StatusRequestEntityTooLarge, "")
	big.has(t, `id="post-attachments-err"`, "With a big file")
	reply, _ := acmeUser.postFiles(one+"/posts", url.Values{"body": {"Looks *right*."}})
	reply.is(t, http.StatusSeeOther, one+"#post-")
	pid := strings.TrimPrefix(reply.location, one+"#post-")
	acmeUser.get(one).has(t, "<em>right</em>", `action="`+one+`/posts/`+pid+`/edit"`)
	acmeUser.post(one+"/posts/"+pid+"/edit", url.Values{"body": {"Stale"}, "version": {"7"}}).has(t, "changed since you read it", "Stale")
	acmeUser.post(one+"/posts/"+pid+"/edit", url.Values{"body": {"Looks right to us."}, "version": {"1"}}).is(t, http.StatusSeeOther, one+"#post-"+pid)
	acmeUser.get(one+"/posts/"+pid+"/history").has(t, "Looks right to us.", "Version 1", "<em>right</em>")
	if strings.Contains(coord.get(one).body, `/posts/`+pid+`/edit"`) {
		t.Error("the coordinator is offered to edit the vendor's post")
	}
	acmeUser.post(one+"/posts/"+pid+"/pin", url.Values{"pinned": {"true"}}).is(t, http.StatusForbidden, "")
	coord.post(one+"/posts/"+pid+"/pin", url.Values{"pinned": {"true"}}).is(t, http.StatusSeeOther, one)
	acmeUser.get(one).has(t, `id="pinned"`, "Looks right to us.")

	// Vendors invite vendors only when the case allows it.
	refused, _ := acmeUser.postFiles(list, url.Values{"title": {"Joint fix"}, "body": {"Shall we?"}, "with": {ids["Bolt Systems"]}})
	refused.is(t, http.StatusForbidden, "")
	refused.has(t, `id="start-with-err"`, "vendors start threads with the coordinators only")
	acmeUser.post(list+"/settings", url.Values{"vendors_invite_vendors": {"on"}}).is(t, http.StatusForbidden, "")
	coord.post(list+"/settings", url.Values{"vendors_invite_vendors": {"on"}}).is(t, http.StatusSeeOther, list)
	acmeUser.get(list).has(t, "Bolt Systems", "In this case vendors may start threads with other vendors")
	joint, _ := acmeUser.postFiles(list, url.Values{"title": {"Joint fix"}, "body": {"Shall we?"}, "with": {ids["Bolt Systems"]}})
	joint.is(t, http.StatusSeeOther, list+"/")
	boltUser.get(list).has(t, "Joint fix")
	if strings.Contains(boltUser.get(list).body, "Patch review") {
		t.Error("Bolt lists the thread it is not in")
	}
}
