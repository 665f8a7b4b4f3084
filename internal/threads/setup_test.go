package threads_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
	"github.com/parleycvd/parley/internal/threads"
)

// world is a small instance with one case led by CERT (its member Sam is
// staff, its member Cory is not; Desk is staff in no organisation) with
// the vendors Acme, Bolt and Crux; Other Corp takes part in nothing.
// Acme has a second member, Dana.
type world struct {
	t       testing.TB
	ctx     context.Context
	db      *store.DB
	now     time.Time
	users   *auth.Service
	orgs    *org.Service
	cases   *cases.Service
	svc     *threads.Service
	admin   auth.Principal
	staff   auth.Principal // CERT, staff
	cory    auth.Principal // CERT, not staff
	desk    auth.Principal // staff in no organisation
	memberA auth.Principal
	dana    auth.Principal // Acme's second member
	memberB auth.Principal
	memberC auth.Principal
	outside auth.Principal
	org     map[string]org.Org
	c       cases.Case
	pid     map[string]int64 // participant IDs of the case by organisation name
}

// limits are small, so that tests reach them cheaply.
var limits = threads.Limits{MaxAttachmentSize: 1 << 10, MaxAttachmentsSize: 1536, MaxAttachments: 2}

func newWorld(t testing.TB) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: storetest.New(t), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
		org: map[string]org.Org{}}
	clock := func() time.Time { return w.now }
	w.users = auth.NewService(w.db, clock, auth.DefaultConfig())
	w.orgs = org.NewService(w.db, clock, w.users)
	w.cases = cases.NewService(w.db, clock, cases.Config{})
	w.svc = threads.NewService(w.db, clock, w.cases, threads.Config{Limits: limits})
	u, err := w.users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
	w.newOrg("CERT", org.Coordinator)
	for _, name := range []string{"Acme", "Bolt", "Crux", "Other Corp"} {
		w.newOrg(name, org.Vendor)
	}
	if _, err := w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "sam@cert.example", Name: "Sam", Staff: true}); err != nil {
		t.Fatal(err)
	}
	w.staff = w.member("CERT", "sam@cert.example")
	w.staff.Staff = true
	w.cory = w.member("CERT", "cory@cert.example")
	du, err := w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "desk@cert.example", Name: "Desk", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	w.desk = auth.Principal{UserID: du.ID, Email: du.Email, Staff: true}
	w.memberA, w.dana = w.member("Acme", "psirt@acme.example"), w.member("Acme", "dana@acme.example")
	w.memberB, w.memberC = w.member("Bolt", "psirt@bolt.example"), w.member("Crux", "psirt@crux.example")
	w.outside = w.member("Other Corp", "someone@other.example")
	w.c = w.open("Overflow in a DHCP client", "Acme", "Bolt", "Crux")
	w.pid = w.participants(w.c)
	return w
}

func (w *world) newOrg(name string, kind org.Kind) {
	w.t.Helper()
	o, err := w.orgs.Create(w.ctx, w.admin, org.Fields{Name: name, Kind: kind, SecurityEmail: "security@" + strings.ToLower(strings.Fields(name)[0]) + ".example"})
	if err != nil {
		w.t.Fatal(err)
	}
	w.org[name] = o
}

func (w *world) member(orgName, email string) auth.Principal {
	w.t.Helper()
	m, err := w.orgs.AddMember(w.ctx, w.admin, w.org[orgName].ID, email, "", auth.OrgAdmin)
	if err != nil {
		w.t.Fatal(err)
	}
	roles, err := w.orgs.RolesOf(w.ctx, m.UserID)
	if err != nil {
		w.t.Fatal(err)
	}
	return auth.Principal{UserID: m.UserID, Email: m.Email, Orgs: roles}
}

// open creates a case led by CERT with the named vendors.
func (w *world) open(title string, vendors ...string) cases.Case {
	w.t.Helper()
	c, err := w.cases.Create(w.ctx, w.staff, cases.NewCase{Title: title, CoordinatorOrgID: w.org["CERT"].ID})
	if err != nil {
		w.t.Fatal(err)
	}
	w.add(c, vendors...)
	return c
}

// add makes the named organisations vendors of case c.
func (w *world) add(c cases.Case, vendors ...string) {
	w.t.Helper()
	var list []cases.NewParticipant
	for _, name := range vendors {
		list = append(list, cases.NewParticipant{OrgID: w.org[name].ID, Roles: []cases.Role{cases.RoleVendor}})
	}
	if len(list) > 0 {
		if _, err := w.cases.AddParticipants(w.ctx, w.staff, c.ID, list); err != nil {
			w.t.Fatal(err)
		}
	}
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

func (w *world) count(query string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.Read().QueryRowContext(w.ctx, query, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func (w *world) journalCount() int { return w.count(`SELECT COUNT(*) FROM journal`) }

func (w *world) jobs() int {
	return w.count(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, threads.JobPost)
}

// rows counts every row of the package's tables.
func (w *world) rows() int {
	n := 0
	for _, table := range []string{"threads", "thread_members", "thread_posts", "thread_post_edits", "thread_mentions", "thread_attachments", "thread_settings"} {
		n += w.count(`SELECT COUNT(*) FROM ` + table)
	}
	return n
}

// titles lists the titles of the threads of c that p sees.
func (w *world) titles(p auth.Principal, c cases.Case) []string {
	w.t.Helper()
	list, err := w.svc.List(w.ctx, p, c.ID)
	if err != nil {
		w.t.Fatal(err)
	}
	out := []string{}
	for _, s := range list {
		out = append(out, s.Title)
	}
	return out
}

// timeline is the case's timeline as p sees it, one summary a line.
func (w *world) timeline(p auth.Principal, c cases.Case) string {
	w.t.Helper()
	list, err := w.cases.Timeline(w.ctx, p, c.ID, store.Page{Limit: store.MaxPageSize})
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

// refused checks that err is of kind (naming field, if given) and that
// nothing was written: no row, no journal entry, no job.
func (w *world) refused(name string, kind errs.Kind, field string, do func() error) {
	w.t.Helper()
	journal, jobs, rows := w.journalCount(), w.jobs(), w.rows()
	err := do()
	if err == nil || errs.KindOf(err) != kind || (field != "" && errs.FieldOf(err) != field) {
		w.t.Errorf("%s: got %v (%s/%s), want %s/%s", name, err, errs.KindOf(err), errs.FieldOf(err), kind, field)
	}
	if j, n, r := w.journalCount(), w.jobs(), w.rows(); j != journal || n != jobs || r != rows {
		w.t.Errorf("%s: the refusal wrote %d journal entries, %d jobs and %d rows", name, j-journal, n-jobs, r-rows)
	}
}
