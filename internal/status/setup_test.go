package status_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// world is a small instance with one case led by CERT (its member Sam is
// staff) with the vendors Acme and Bolt, a reporter in person (Fay) and
// two vulnerabilities, one with a CVE ID; Other Corp takes part in
// nothing, and a second case has a vulnerability of its own.
type world struct {
	t        testing.TB
	ctx      context.Context
	db       *store.DB
	now      time.Time
	cases    *cases.Service
	svc      *status.Service
	orgs     *org.Service
	users    *auth.Service
	admin    auth.Principal
	staff    auth.Principal
	memberA  auth.Principal
	memberB  auth.Principal
	reporter auth.Principal
	outside  auth.Principal
	c, other cases.Case
	vuln     []int64 // the case's vulnerabilities, in order
	foreign  int64   // the other case's vulnerability
	pid      map[string]int64
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: storetest.New(t), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), pid: map[string]int64{}}
	clock := func() time.Time { return w.now }
	w.users = auth.NewService(w.db, clock, auth.DefaultConfig())
	w.orgs = org.NewService(w.db, clock, w.users)
	w.cases = cases.NewService(w.db, clock, cases.Config{})
	w.svc = status.NewService(w.db, clock, w.cases, status.Config{BaseURL: "https://parley.test", Author: "CERT Example"})
	u, err := w.users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
	cert := w.org("CERT", org.Coordinator)
	acme, bolt, other := w.org("Acme", org.Vendor), w.org("Bolt", org.Vendor), w.org("Other Corp", org.Vendor)
	if _, err := w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "sam@cert.example", Name: "Sam", Staff: true}); err != nil {
		t.Fatal(err)
	}
	w.staff = w.member(cert, "sam@cert.example")
	w.staff.Staff = true
	w.memberA, w.memberB = w.member(acme, "psirt@acme.example"), w.member(bolt, "psirt@bolt.example")
	w.outside = w.member(other, "someone@other.example")
	fay, err := w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "fay@finder.example", Name: "Fay"})
	if err != nil {
		t.Fatal(err)
	}
	w.reporter = auth.Principal{UserID: fay.ID, Email: fay.Email}
	w.c = w.open("Overflow in a DHCP client", cert.ID, cases.VulnFields{Title: "Heap overflow in option 121", CVE: "CVE-2026-12345"},
		cases.VulnFields{Title: "Out-of-bounds read in option 82"})
	w.add(w.c, cases.NewParticipant{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}},
		cases.NewParticipant{UserID: fay.ID, Roles: []cases.Role{cases.RoleReporter}})
	for _, v := range w.c.Vulnerabilities {
		w.vuln = append(w.vuln, v.ID)
	}
	w.other = w.open("Another case", cert.ID, cases.VulnFields{Title: "Elsewhere"})
	w.foreign = w.other.Vulnerabilities[0].ID
	w.add(w.other, cases.NewParticipant{OrgID: bolt.ID, Roles: []cases.Role{cases.RoleVendor}})
	w.names()
	return w
}

func (w *world) org(name string, kind org.Kind) org.Org {
	w.t.Helper()
	o, err := w.orgs.Create(w.ctx, w.admin, org.Fields{Name: name, Kind: kind})
	if err != nil {
		w.t.Fatal(err)
	}
	return o
}

func (w *world) member(o org.Org, email string) auth.Principal {
	w.t.Helper()
	m, err := w.orgs.AddMember(w.ctx, w.admin, o.ID, email, "", auth.OrgAdmin)
	if err != nil {
		w.t.Fatal(err)
	}
	roles, err := w.orgs.RolesOf(w.ctx, m.UserID)
	if err != nil {
		w.t.Fatal(err)
	}
	return auth.Principal{UserID: m.UserID, Email: m.Email, Orgs: roles}
}

func (w *world) open(title string, coordinator int64, vulns ...cases.VulnFields) cases.Case {
	w.t.Helper()
	c, err := w.cases.Create(w.ctx, w.staff, cases.NewCase{Title: title, CoordinatorOrgID: coordinator, Vulnerabilities: vulns})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

func (w *world) add(c cases.Case, list ...cases.NewParticipant) {
	w.t.Helper()
	if _, err := w.cases.AddParticipants(w.ctx, w.staff, c.ID, list); err != nil {
		w.t.Fatal(err)
	}
	w.names()
}

// names learns the case's participant IDs by name.
func (w *world) names() {
	w.t.Helper()
	list, err := w.cases.Participants(w.ctx, w.staff, w.c.ID, cases.ParticipantFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		w.t.Fatal(err)
	}
	for _, p := range list {
		w.pid[p.Name] = p.ID
	}
}

func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.Read().QueryRowContext(w.ctx, query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) journalCount() int { return w.count(`SELECT COUNT(*) FROM journal`) }

// state is what a refused change must leave as it was.
func (w *world) state() [3]int {
	return [3]int{w.journalCount(), w.count(`SELECT COUNT(*) FROM vendor_statements`),
		w.count(`SELECT COALESCE(SUM(version), 0) FROM vendor_statements`)}
}

// refused checks that err is of kind (and names field, if given) and that
// nothing was written: no journal entry, no statement, no new version.
func (w *world) refused(name string, kind errs.Kind, field string, do func() error) {
	w.t.Helper()
	before := w.state()
	err := do()
	if err == nil || errs.KindOf(err) != kind || (field != "" && errs.FieldOf(err) != field) {
		w.t.Errorf("%s: got %v (%s/%s), want %s/%s", name, err, errs.KindOf(err), errs.FieldOf(err), kind, field)
	}
	if after := w.state(); after != before {
		w.t.Errorf("%s: the refusal wrote something: %v -> %v", name, before, after)
	}
}

// timeline is the case's timeline as p sees it, one summary a line.
func (w *world) timeline(p auth.Principal) string {
	w.t.Helper()
	list, err := w.cases.Timeline(w.ctx, p, w.c.ID, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	for _, e := range list {
		b.WriteString(e.Summary + "\n")
	}
	return b.String()
}

// list is the case's statements as p reads them, by product.
func (w *world) list(p auth.Principal, f status.Filter) map[string]status.Statement {
	w.t.Helper()
	got, err := w.svc.List(w.ctx, p, w.c.ID, f)
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]status.Statement{}
	for _, s := range got {
		out[s.Product] = s
	}
	return out
}

// affected is a valid statement of Acme's on the first vulnerability.
func (w *world) affected(product string) status.Fields {
	return status.Fields{Vulnerability: w.vuln[0], Product: product, Versions: ">=2.0 <2.4.1", Status: status.Affected,
		Action: "Update to 2.4.1.", References: []string{"https://acme.example/advisories/1"}}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

func ptr[T any](v T) *T { return &v }
