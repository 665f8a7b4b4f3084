package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/web"
	"github.com/parleycvd/parley/internal/webhooks"
)

// newWebhookSite is the pages with the webhooks.
func newWebhookSite(t *testing.T) *site {
	t.Helper()
	return newSiteWith(t, func(d *web.Deps) { d.Webhooks = webhooks.NewService(d.DB, d.Now, d.Cases, webhooks.Config{}) })
}

// signIn makes an account in o with role and signs it in.
func (s *site) signIn(o org.Org, email string, role auth.OrgRole) *browser {
	s.t.Helper()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	if _, err := s.users.CreateUser(context.Background(), root, auth.NewUser{Email: email, Name: email, Password: password}); err != nil {
		s.t.Fatal(err)
	}
	if _, err := s.orgs.AddMember(context.Background(), root, o.ID, email, "", role); err != nil {
		s.t.Fatal(err)
	}
	b := s.browser()
	b.post("/login", url.Values{"email": {email}, "password": {password}, "next": {"/orgs"}}).is(s.t, http.StatusSeeOther, "/orgs")
	return b
}

func TestWebhookPages(t *testing.T) {
	s := newWebhookSite(t)
	s.admin()
	ctx := context.Background()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	acme, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	bolt, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Bolt Systems", Kind: org.Vendor})
	admin := s.signIn(acme, "psirt@acme.example", auth.OrgAdmin)
	member := s.signIn(acme, "dev@acme.example", auth.OrgMember)
	other := s.signIn(bolt, "psirt@bolt.example", auth.OrgAdmin)
	path := "/orgs/" + itoa(acme.ID) + "/webhooks"

	empty := admin.get(path)
	empty.has(t, "Webhooks of", "Acme Routers", "No webhooks yet.", `action="`+path+`"`)
	for _, bad := range []string{"<script>", "style="} { // no inline script or style
		if strings.Contains(empty.body, bad) {
			t.Errorf("the page has %q", bad)
		}
	}
	admin.post(path, url.Values{"url": {"http://tracker.example/hook"}}).has(t, `id="hook-url-err"`, "must use https")
	created := admin.post(path, url.Values{"url": {"https://tracker.example/hook"}})
	created.is(t, http.StatusCreated, "")
	m := regexp.MustCompile(`id="new-secret">([0-9a-f]{64})<`).FindStringSubmatch(created.body)
	if m == nil {
		t.Fatalf("no secret shown:\n%s", created.body)
	}
	list := admin.get(path)
	list.has(t, "https://tracker.example/hook")
	if strings.Contains(list.body, m[1]) {
		t.Fatal("the secret is shown twice")
	}
	hook := regexp.MustCompile(`href="` + regexp.QuoteMeta(path) + `/(\d+)"`).FindStringSubmatch(list.body)
	if hook == nil {
		t.Fatalf("no link to the log:\n%s", list.body)
	}
	hookPath := path + "/" + hook[1]

	// Members who are not admins, and other organisations, see nothing.
	for _, b := range []*browser{member, other} {
		b.get(path).is(t, http.StatusNotFound, "")
		b.get(hookPath).is(t, http.StatusNotFound, "")
		b.post(hookPath+"/delete", nil).is(t, http.StatusNotFound, "")
		b.post(path, url.Values{"url": {"https://evil.example/"}}).is(t, http.StatusNotFound, "")
	}
	other.get("/orgs/"+itoa(bolt.ID)+"/webhooks/"+hook[1]).is(t, http.StatusNotFound, "")

	admin.get(hookPath).has(t, "Deliveries to https://tracker.example/hook", "Nothing delivered yet.")
	admin.post(hookPath+"/test", nil).is(t, http.StatusSeeOther, hookPath)
	admin.get(hookPath).has(t, "<td>ping", `<span class="tag">pending</span>`)
	admin.post(hookPath+"/delete", nil).is(t, http.StatusSeeOther, path)
	admin.get(path).has(t, "No webhooks yet.")
	if strings.Contains(admin.get(path).body, "tracker.example") {
		t.Fatal("a deleted webhook is listed")
	}
}
