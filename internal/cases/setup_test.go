package cases_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// world is a small instance: a coordinator with a staff member, two
// vendors with a member each, a partner coordinator, an outsider and an
// individual reporter.
type world struct {
	t          testing.TB
	ctx        context.Context
	db         *store.DB
	now        time.Time
	svc        *cases.Service
	orgs       *org.Service
	admin      auth.Principal
	staff      auth.Principal // coordinator staff, member of coord
	memberA    auth.Principal // member of acme
	memberB    auth.Principal // member of bolt
	partner    auth.Principal // member of partner, not staff
	outside    auth.Principal // member of other, which takes part in nothing
	person     auth.Principal // an individual reporter without an organisation
	coord      org.Org
	acme       org.Org
	bolt       org.Org
	partnerOrg org.Org
	other      org.Org
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: storetest.New(t), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	users := auth.NewService(w.db, clock, auth.DefaultConfig())
	w.orgs = org.NewService(w.db, clock, users)
	w.svc = cases.NewService(w.db, clock, cases.Config{})
	u, err := users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
	w.coord = w.org("CERT Example", org.Coordinator)
	w.acme = w.org("Acme Routers", org.Vendor)
	w.bolt = w.org("Bolt Systems", org.Vendor)
	w.partnerOrg = w.org("Partner CSIRT", org.Coordinator)
	w.other = w.org("Other Corp", org.Vendor)
	su, err := users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "staff@cert.example", Name: "Sam Staff", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	w.staff = w.member(w.coord, su.Email)
	w.staff.Staff = true
	w.memberA = w.member(w.acme, "psirt@acme.example")
	w.memberB = w.member(w.bolt, "psirt@bolt.example")
	w.partner = w.member(w.partnerOrg, "desk@partner.example")
	w.outside = w.member(w.other, "someone@other.example")
	pu, err := users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "finder@example.net", Name: "Fay Finder"})
	if err != nil {
		t.Fatal(err)
	}
	w.person = auth.Principal{UserID: pu.ID, Email: pu.Email}
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

// open creates a case led by the staff member's coordinator.
func (w *world) open(title string, vulns ...cases.VulnFields) cases.Case {
	w.t.Helper()
	c, err := w.svc.Create(w.ctx, w.staff, cases.NewCase{Title: title, Vulnerabilities: vulns})
	if err != nil {
		w.t.Fatal(err)
	}
	return c
}

// add adds organisations to a case with roles.
func (w *world) add(c cases.Case, roles []cases.Role, orgs ...org.Org) []cases.Participant {
	w.t.Helper()
	var list []cases.NewParticipant
	for _, o := range orgs {
		list = append(list, cases.NewParticipant{OrgID: o.ID, Roles: roles})
	}
	ps, err := w.svc.AddParticipants(w.ctx, w.staff, c.ID, list)
	if err != nil {
		w.t.Fatal(err)
	}
	return ps
}

// participants returns all of a case's participants as staff sees them,
// by organisation or user ID.
func (w *world) participants(c cases.Case) map[int64]cases.Participant {
	w.t.Helper()
	list, err := w.svc.Participants(w.ctx, w.staff, c.ID, cases.ParticipantFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		w.t.Fatal(err)
	}
	m := map[int64]cases.Participant{}
	for _, p := range list {
		m[p.OrgID+p.UserID] = p
	}
	return m
}

// journalCount is how many journal entries there are.
func (w *world) journalCount() int {
	w.t.Helper()
	var n int
	if err := w.db.Read().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM journal`).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

// actions lists the actions of a case's journal entries in order.
func (w *world) actions(c cases.Case) []string {
	w.t.Helper()
	list, err := journal.List(w.ctx, w.db.Read(), journal.Filter{ObjectType: "case", ObjectID: itoa(c.ID)})
	if err != nil {
		w.t.Fatal(err)
	}
	var out []string
	for _, e := range list {
		out = append(out, e.Action)
	}
	return out
}

func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.Read().QueryRowContext(w.ctx, query, args...).Scan(&n); err != nil && err != sql.ErrNoRows {
		w.t.Fatal(err)
	}
	return n
}

// terms are UTC terms ending days after the world's now.
func (w *world) terms(days int) cases.Terms {
	return cases.Terms{EndsAt: w.now.Add(time.Duration(days) * 24 * time.Hour), Zone: "UTC"}
}
