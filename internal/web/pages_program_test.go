package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/reports"
)

// TestProgramPages: an organisation's admin writes and publishes its
// program; anyone reads it without an account, follows it to the report
// form with the vendor filled in, and the report records the vendor.
func TestProgramPages(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	root := auth.Principal{UserID: 1 << 40, Admin: true, Staff: true}
	acme, err := s.orgs.Create(ctx, root, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	other, _ := s.orgs.Create(ctx, root, org.Fields{Name: "Globex", Kind: org.Vendor})
	psirt := s.signIn(acme, "psirt@acme.example", auth.OrgAdmin)
	dev := s.signIn(acme, "dev@acme.example", auth.OrgMember)
	anon := s.browser()
	edit := "/orgs/" + itoa(acme.ID) + "/program"

	anon.get("/programs").has(t, "No organisation has published a program yet")
	psirt.get("/programs").has(t, `href="`+edit+`"`, "Edit the program of Acme Routers")
	dev.get(edit).is(t, http.StatusForbidden, "")
	psirt.get("/orgs/"+itoa(other.ID)+"/program").is(t, http.StatusForbidden, "")
	anon.get(edit).is(t, http.StatusSeeOther, "/login")

	form := psirt.get(edit)
	form.has(t, `value="acme-routers"`, `name="version" value="0"`, "We welcome research done in good faith")

	// Publishing needs a scope; the form comes back with the error and
	// what was typed.
	fields := url.Values{"version": {"0"}, "slug": {"acme-routers"}, "published": {"1"}, "scope_out": {"Our website"},
		"safe_harbour": {org.DefaultSafeHarbour}, "ack_days": {"3"}, "notes": {"PGP: 0xABCD"}}
	refused := psirt.post(edit, fields)
	refused.is(t, http.StatusUnprocessableEntity, "")
	refused.has(t, `id="scope-in-err"`, "required to publish", "Our website")

	fields.Set("published", "")
	fields.Set("scope_in", "The **R9000** router <script>alert(1)</script>")
	psirt.post(edit, fields).is(t, http.StatusSeeOther, "/programs/acme-routers")
	psirt.get("/programs/acme-routers").has(t, "Not published", "<strong>R9000</strong>")
	anon.get("/programs/acme-routers").is(t, http.StatusNotFound, "")
	psirt.post(edit, fields).has(t, "changed meanwhile") // version 0 is stale now

	fields.Set("version", "1")
	fields.Set("published", "1")
	psirt.post(edit, fields).is(t, http.StatusSeeOther, "/programs/acme-routers")

	page := anon.get("/programs/acme-routers")
	page.has(t, "Acme Routers: vulnerability disclosure program", "<strong>R9000</strong>", "Our website",
		"We welcome research done in good faith", `id="ack-days">3 business days`, "<strong>45 days</strong>",
		"the default policy", `href="/report?program=acme-routers"`, "PGP: 0xABCD")
	if strings.Contains(page.body, "<script>alert") || strings.Contains(page.body, "Edit this program") {
		t.Fatalf("unsanitised Markdown or an editor's link for anonymous:\n%s", page.body)
	}
	anon.get("/programs").has(t, `href="/programs/acme-routers"`, "Acme Routers")
	psirt.get("/programs/acme-routers").has(t, "Edit this program")

	// The report form through the program: the vendor pre-filled, and the
	// report records it with its organisation.
	rf := anon.get("/report?program=acme-routers")
	rf.has(t, `id="program-notice"`, `name="program" value="acme-routers"`, `name="vendors[0].name" value="Acme Routers"`)
	anon.get("/report?program=nonsense").has(t, "Report a vulnerability") // an unknown program: the plain form
	sub := thin("Overflow in the R9000 login")
	sub.Set("program", "acme-routers")
	sub.Set("vendors[0].name", "")
	tracking, link := submit(t, anon, sub)
	secret := strings.TrimPrefix(link, "/report/follow-up?secret=")
	v, err := reportsOf(t, s).ByFollowUp(ctx, secret)
	if err != nil || len(v.Details.Vendors) != 1 || v.Details.Vendors[0].OrgID != acme.ID || v.Details.Vendors[0].Name != "Acme Routers" {
		t.Fatalf("%s vendors: %+v, %v", tracking, v.Details.Vendors, err)
	}
	// The follow-up page expects publication under the program's policy.
	anon.get(link).has(t, "Expected timeline", "By default 45 days after the vendors are first contacted")

	// A taken address is refused on its field.
	g := s.signIn(other, "sec@globex.example", auth.OrgAdmin)
	g.post("/orgs/"+itoa(other.ID)+"/program", url.Values{"version": {"0"}, "slug": {"acme-routers"}, "scope_in": {"x"}}).
		has(t, `id="slug-err"`, "another program has this address")
}

// reportsOf is a reports service over the site's database, for reading
// what the pages stored.
func reportsOf(t *testing.T, s *site) *reports.Service {
	return reports.NewService(s.db, func() time.Time { return s.now }, s.users, ssvcRegistry(t), reports.Policy{})
}
