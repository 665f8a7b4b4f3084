package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/web"
)

// newNotificationSite is the pages with the inbox and the deadlines, and
// the inbox service.
func newNotificationSite(t testing.TB) (*site, *inbox.Service) {
	t.Helper()
	var box *inbox.Service
	s := newSiteWith(t, func(d *web.Deps) {
		box = inbox.NewService(d.DB, d.Now, pgp.NewContacts(d.DB, d.Now))
		d.Inbox = box
		d.Deadlines = deadlines.NewService(d.DB, d.Now, deadlines.Config{BaseURL: "https://parley.test"})
	})
	return s, box
}

// TestNotificationPages: a vendor's member reads her notifications (the
// badge counts the unread ones, "9+" past nine), marks one and then all
// read, never another's; sets a daily digest (a bad hour comes back with
// its field marked), puts her key on file (one of another address is
// refused), mutes the case from its page and unmutes it from her
// settings.
func TestNotificationPages(t *testing.T) {
	s, box := newNotificationSite(t)
	s.admin()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	ctx := context.Background()
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	c, err := s.cases.Create(ctx, root, cases.NewCase{Title: "Overflow in a DHCP client"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.cases.AddParticipants(ctx, root, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}}); err != nil {
		t.Fatal(err)
	}
	lee := s.member(acme, "lee@acme.example")
	leeUser, err := s.users.UserByEmail(ctx, root, "lee@acme.example")
	if err != nil {
		t.Fatal(err)
	}
	lp := auth.Principal{UserID: leeUser.ID, Email: leeUser.Email}
	record := func(user int64, subject string) int64 {
		t.Helper()
		got, err := box.Record(ctx, []inbox.Notice{{UserID: user, CaseID: c.ID, CaseKey: c.Key, Kind: "thread.post", Subject: subject,
			Body: "Sam wrote in a thread.", Link: "/cases/" + c.Key + "/threads/1"}})
		if err != nil {
			t.Fatal(err)
		}
		return got[0].ID
	}
	first := record(leeUser.ID, "["+c.Key+"] new post in \"Patch review\"")
	second := record(leeUser.ID, "["+c.Key+"] new thread \"Release date\"")
	roots := record(1, "[RPT-1] new report")

	lee.get("/cases").has(t, `href="/notifications"`, `<span class="tag">2<span class="visually-hidden"> unread</span></span>`)
	list := lee.get("/notifications")
	list.has(t, "Release date", "Patch review", `<span class="tag">unread</span>`, `action="/notifications/`+itoa(first)+`/read"`,
		`href="/cases/`+c.Key+`/threads/1"`, "Sam wrote in a thread.")
	if strings.Index(list.body, "Release date") > strings.Index(list.body, "Patch review") {
		t.Fatal("the newest is not first")
	}
	lee.post("/notifications/"+itoa(roots)+"/read", nil).is(t, http.StatusNotFound, "")
	lee.post("/notifications/"+itoa(second)+"/read", url.Values{"back": {"/notifications?unread=on"}}).is(t, http.StatusSeeOther, "/notifications?unread=on")
	unread := lee.get("/notifications?unread=on")
	unread.has(t, "Patch review", `<span class="tag">1<span class="visually-hidden"> unread</span></span>`)
	if strings.Contains(unread.body, "Release date") {
		t.Fatal("a read notice is listed as unread")
	}
	lee.post("/notifications/read-all", nil).is(t, http.StatusSeeOther, "/notifications")
	if page := lee.get("/notifications"); strings.Contains(page.body, `<span class="tag">unread</span>`) || strings.Contains(page.body, "visually-hidden\"> unread") {
		t.Fatalf("unread after reading all:\n%s", page.body)
	}
	for i := range 12 {
		record(leeUser.ID, "notice "+strconv.Itoa(i))
	}
	lee.get("/notifications").has(t, `<span class="tag">9&#43;<span class="visually-hidden"> unread</span></span>`)

	settings := "/notifications/settings"
	lee.get(settings).has(t, `id="mail-immediately" name="mail" value="immediately" checked`, `<option value="7" selected>07:00</option>`, "No muted cases.")
	lee.post(settings, url.Values{"mail": {"digest"}, "digest_hour": {"25"}}).has(t, `id="digest-hour-err"`, `aria-invalid="true"`)
	lee.post(settings, url.Values{"mail": {"weekly"}, "digest_hour": {"7"}}).has(t, `id="mail-err"`)
	lee.post(settings, url.Values{"mail": {"digest"}, "digest_hour": {"18"}, "version": {"0"}}).is(t, http.StatusSeeOther, settings)
	lee.get(settings).has(t, `value="digest" checked`, `<option value="18" selected>18:00</option>`, "Next digest:", "Your preferences are saved.")
	if st, _ := box.Settings(ctx, lp); st.Mail != inbox.Daily || st.DigestHour != 18 {
		t.Fatalf("settings stored: %+v", st)
	}

	eve, _ := pgp.GenerateIdentity("Eve", "eve@example.org", s.now)
	lee.post("/notifications/keys", url.Values{"key": {eve.Key.Armored}}).has(t, `id="key-err"`, "lee@acme.example", "BEGIN PGP PUBLIC KEY BLOCK")
	mine, _ := pgp.GenerateIdentity("Lee", "lee@acme.example", s.now)
	lee.post("/notifications/keys", url.Values{"key": {mine.Key.Armored}}).is(t, http.StatusSeeOther, settings)
	lee.get(settings).has(t, mine.Key.Fingerprint, "in use")
	keys, _ := box.Keys(ctx, lp)
	if len(keys) != 1 {
		t.Fatalf("keys: %+v", keys)
	}
	lee.post("/notifications/keys/"+itoa(keys[0].ID)+"/remove", nil).is(t, http.StatusSeeOther, settings)
	lee.get(settings).has(t, "No key on file")

	casePage := "/cases/" + c.Key
	lee.get(casePage).has(t, `action="/cases/`+c.Key+`/mute"`, "Mute this case")
	lee.post(casePage+"/mute", nil).is(t, http.StatusSeeOther, casePage)
	lee.get(casePage).has(t, "Unmute this case", "is muted")
	lee.get(settings).has(t, `href="/cases/`+c.Key+`"`, `action="/notifications/mutes/`+c.Key+`/remove"`)
	if muted, _ := box.Muted(ctx, lp, c.ID); !muted {
		t.Fatal("the case is not muted")
	}
	lee.post("/notifications/mutes/"+c.Key+"/remove", nil).is(t, http.StatusSeeOther, settings)
	lee.get(settings).has(t, "No muted cases.", "is no longer muted")
	lee.post("/notifications/mutes/"+c.Key+"/remove", nil).is(t, http.StatusNotFound, "")

	outsider := s.member(org.Org{ID: mustOrg(t, s, "Globex")}, "kim@globex.example")
	outsider.post(casePage+"/mute", nil).is(t, http.StatusNotFound, "")
	outsider.get("/notifications").has(t, "No notifications yet.")
}

func mustOrg(t *testing.T, s *site, name string) int64 {
	t.Helper()
	o, err := s.orgs.Create(context.Background(), auth.Principal{UserID: 1, Admin: true, Staff: true}, org.Fields{Name: name, Kind: org.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID
}
