package disputes_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// world is a small instance with one case: CERT leads it (its member
// Sam is staff, its member Cory is not; Desk is staff in no
// organisation), Partner CSIRT is a second
// coordinator, Acme, Bolt and Crux are vendors; Other Corp takes part in
// nothing. The embargo hook records what it is asked.
type world struct {
	t        testing.TB
	ctx      context.Context
	db       *store.DB
	now      time.Time
	cases    *cases.Service
	svc      *disputes.Service
	admin    auth.Principal
	staff    auth.Principal // CERT, staff
	cory     auth.Principal // CERT, not staff
	desk     auth.Principal // staff in no organisation
	memberA  auth.Principal
	memberB  auth.Principal
	memberC  auth.Principal
	partner  auth.Principal
	outside  auth.Principal
	orgs     *org.Service
	c        cases.Case
	pid      map[string]int64 // participant IDs by organisation name
	revised  []revision
	reviseTo error // what the hook answers
}

type revision struct {
	caseID int64
	until  time.Time
	zone   string
	reason string
}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: storetest.New(t), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC), pid: map[string]int64{}}
	clock := func() time.Time { return w.now }
	users := auth.NewService(w.db, clock, auth.DefaultConfig())
	w.orgs = org.NewService(w.db, clock, users)
	w.cases = cases.NewService(w.db, clock, cases.Config{})
	w.svc = disputes.NewService(w.db, clock, w.cases, disputes.Config{
		ReviseEmbargo: func(_ context.Context, tx *sql.Tx, p auth.Principal, caseID int64, until time.Time, zone, reason string) error {
			if tx == nil || p.Anonymous() {
				t.Errorf("the hook got tx %v and principal %+v", tx, p)
			}
			w.revised = append(w.revised, revision{caseID, until, zone, reason})
			return w.reviseTo
		}})
	u, err := users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
	coord := w.org("CERT", org.Coordinator)
	partnerOrg := w.org("Partner CSIRT", org.Coordinator)
	acme, bolt, crux := w.org("Acme", org.Vendor), w.org("Bolt", org.Vendor), w.org("Crux", org.Vendor)
	other := w.org("Other Corp", org.Vendor)
	if _, err := users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "sam@cert.example", Name: "Sam", Staff: true}); err != nil {
		t.Fatal(err)
	}
	w.staff = w.member(coord, "sam@cert.example")
	w.staff.Staff = true
	w.cory = w.member(coord, "cory@cert.example")
	du, err := users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "desk@cert.example", Name: "Desk", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	w.desk = auth.Principal{UserID: du.ID, Email: du.Email, Staff: true}
	w.memberA, w.memberB, w.memberC = w.member(acme, "psirt@acme.example"), w.member(bolt, "psirt@bolt.example"), w.member(crux, "psirt@crux.example")
	w.partner = w.member(partnerOrg, "desk@partner.example")
	w.outside = w.member(other, "someone@other.example")
	w.c = w.open("Overflow in a DHCP client", acme, bolt, crux)
	if _, err := w.cases.AddParticipants(w.ctx, w.staff, w.c.ID, []cases.NewParticipant{{OrgID: partnerOrg.ID, Roles: []cases.Role{cases.RoleCoordinator}}}); err != nil {
		t.Fatal(err)
	}
	for name, id := range w.participants(w.c) {
		w.pid[name] = id
	}
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

// open creates a case led by CERT with vendors.
func (w *world) open(title string, vendors ...org.Org) cases.Case {
	w.t.Helper()
	c, err := w.cases.Create(w.ctx, w.staff, cases.NewCase{Title: title})
	if err != nil {
		w.t.Fatal(err)
	}
	var list []cases.NewParticipant
	for _, o := range vendors {
		list = append(list, cases.NewParticipant{OrgID: o.ID, Roles: []cases.Role{cases.RoleVendor}})
	}
	if len(list) > 0 {
		if _, err := w.cases.AddParticipants(w.ctx, w.staff, c.ID, list); err != nil {
			w.t.Fatal(err)
		}
	}
	return c
}

// participants returns a case's participant IDs by name.
func (w *world) participants(c cases.Case) map[string]int64 {
	w.t.Helper()
	list, err := w.cases.Participants(w.ctx, w.staff, c.ID, cases.ParticipantFilter{Page: store.Page{Limit: store.MaxPageSize}})
	if err != nil {
		w.t.Fatal(err)
	}
	out := map[string]int64{}
	for _, p := range list {
		out[p.Name] = p.ID
	}
	return out
}

// orgOf is the organisation of participant id of the world's case.
func (w *world) orgOf(id int64) int64 {
	w.t.Helper()
	return int64(w.count(`SELECT org_id FROM case_participants WHERE id = $1`, id))
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

func (w *world) events() int {
	return w.count(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, disputes.JobEvent)
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

// must returns v, or panics on err (which fails the test with where it
// happened), so that a step reads as one call.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// refused checks that err is of kind (and names field, if given) and that
// nothing was written: no journal entry, no job.
func (w *world) refused(name string, kind errs.Kind, field string, do func() error) {
	w.t.Helper()
	journal, jobs := w.journalCount(), w.events()
	err := do()
	if errs.KindOf(err) != kind || err == nil || (field != "" && errs.FieldOf(err) != field) {
		w.t.Errorf("%s: got %v (%s/%s), want %s/%s", name, err, errs.KindOf(err), errs.FieldOf(err), kind, field)
	}
	if j, n := w.journalCount(), w.events(); j != journal || n != jobs {
		w.t.Errorf("%s: the refusal wrote %d journal entries and %d jobs", name, j-journal, n-jobs)
	}
}
