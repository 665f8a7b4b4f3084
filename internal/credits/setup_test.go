package credits_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// world is a small instance with one case led by CERT (its member Sam is
// staff) with the vendors Acme and Bolt and Rita, a reporter taking part
// as a person. Fay found the bug but takes part in nothing; Other Corp's
// member neither. The case has one vulnerability, vuln.
type world struct {
	t       testing.TB
	ctx     context.Context
	db      *store.DB
	cases   *cases.Service
	svc     *credits.Service
	orgs    *org.Service
	users   *auth.Service
	admin   auth.Principal
	staff   auth.Principal
	memberA auth.Principal
	memberB auth.Principal
	rita    auth.Principal
	fay     auth.Principal
	outside auth.Principal
	c       cases.Case
	vuln    int64
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: storetest.New(t)}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	w.users = auth.NewService(w.db, clock, auth.DefaultConfig())
	w.orgs = org.NewService(w.db, clock, w.users)
	w.cases = cases.NewService(w.db, clock, cases.Config{})
	w.svc = credits.NewService(w.db, clock, w.cases)
	u := must(w.users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"}))
	w.admin = auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
	cert, acme, bolt, other := w.org("CERT", org.Coordinator), w.org("Acme", org.Vendor), w.org("Bolt", org.Vendor), w.org("Other Corp", org.Vendor)
	must(w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "sam@cert.example", Name: "Sam", Staff: true}))
	w.staff = w.member(cert, "sam@cert.example")
	w.staff.Staff = true
	w.memberA, w.memberB, w.outside = w.member(acme, "psirt@acme.example"), w.member(bolt, "psirt@bolt.example"), w.member(other, "x@other.example")
	w.rita, w.fay = w.person("rita@example.net", "Rita"), w.person("fay@example.net", "Fay")
	w.c = must(w.cases.Create(w.ctx, w.staff, cases.NewCase{Title: "Overflow in a DHCP client"}))
	must(w.cases.AddParticipants(w.ctx, w.staff, w.c.ID, []cases.NewParticipant{
		{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}, {OrgID: bolt.ID, Roles: []cases.Role{cases.RoleVendor}},
		{UserID: w.rita.UserID, Roles: []cases.Role{cases.RoleReporter}}}))
	w.vuln = must(w.cases.AddVulnerability(w.ctx, w.staff, w.c.ID, cases.VulnFields{Title: "Heap overflow in option parsing"})).ID
	return w
}

func (w *world) org(name string, kind org.Kind) org.Org {
	w.t.Helper()
	return must(w.orgs.Create(w.ctx, w.admin, org.Fields{Name: name, Kind: kind}))
}

func (w *world) member(o org.Org, email string) auth.Principal {
	w.t.Helper()
	m := must(w.orgs.AddMember(w.ctx, w.admin, o.ID, email, "", auth.OrgAdmin))
	return auth.Principal{UserID: m.UserID, Email: m.Email, Orgs: must(w.orgs.RolesOf(w.ctx, m.UserID))}
}

func (w *world) person(email, name string) auth.Principal {
	w.t.Helper()
	u := must(w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: email, Name: name}))
	return auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name}
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

// printed lists the credits of the case as p sees them: "type:printed"
// (with "*" for a redacted one), one a line.
func (w *world) printed(p auth.Principal) string {
	w.t.Helper()
	list, err := w.svc.List(w.ctx, p, w.c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	var b strings.Builder
	for _, c := range list {
		b.WriteString(string(c.Type) + ":" + c.Printed)
		if c.Redacted {
			b.WriteString("*")
		}
		b.WriteString("\n")
	}
	return b.String()
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

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// refused checks that err is of kind (and names field, if given) and that
// nothing was written to the journal nor to the credits.
func (w *world) refused(name string, kind errs.Kind, field string, do func() error) {
	w.t.Helper()
	journal, rows := w.journalCount(), w.count(`SELECT COUNT(*) + COALESCE(SUM(version), 0) FROM credits`)
	err := do()
	if err == nil || errs.KindOf(err) != kind || (field != "" && errs.FieldOf(err) != field) {
		w.t.Errorf("%s: got %v (%s/%s), want %s/%s", name, err, errs.KindOf(err), errs.FieldOf(err), kind, field)
	}
	if j, r := w.journalCount(), w.count(`SELECT COUNT(*) + COALESCE(SUM(version), 0) FROM credits`); j != journal || r != rows {
		w.t.Errorf("%s: the refusal wrote %d journal entries (credits %d -> %d)", name, j-journal, rows, r)
	}
}
