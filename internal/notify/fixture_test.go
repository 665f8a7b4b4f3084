package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// fixture is where the notice tests start: a fresh database, the users,
// organisations and cases services on the test's clock, and the
// administrator root@cert.example, whose principal root is staff too.
type fixture struct {
	t     testing.TB
	ctx   context.Context
	db    *store.DB
	users *auth.Service
	orgs  *org.Service
	cases *cases.Service
	root  auth.Principal
}

func newFixture(t testing.TB, now func() time.Time) *fixture {
	t.Helper()
	f := &fixture{t: t, ctx: context.Background(), db: storetest.New(t)}
	f.users = auth.NewService(f.db, now, auth.DefaultConfig())
	f.orgs = org.NewService(f.db, now, f.users)
	f.cases = cases.NewService(f.db, now, cases.Config{})
	admin, err := f.users.CreateAdmin(f.ctx, auth.NewUser{Email: "root@cert.example", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	f.root = auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	return f
}

// member makes email a plain member of o and returns its principal.
func (f *fixture) member(o org.Org, email string) auth.Principal {
	f.t.Helper()
	m, err := f.orgs.AddMember(f.ctx, f.root, o.ID, email, "", auth.OrgMember)
	if err != nil {
		f.t.Fatal(err)
	}
	roles, _ := f.orgs.RolesOf(f.ctx, m.UserID)
	return auth.Principal{UserID: m.UserID, Email: email, Orgs: roles}
}

// startNotifier starts a mail server and returns it with a notifier that
// mails it as Parley at https://parley.test and a job runner over db, both
// on the clock now; the caller registers the handlers it tests.
func startNotifier(t testing.TB, db *store.DB, users *auth.Service, now func() time.Time) (*mailtest.Server, *notify.Notifier, *jobs.Runner) {
	t.Helper()
	srv := mailtest.Start(t)
	n, err := notify.New(notify.Config{BaseURL: "https://parley.test", From: "Parley <parley@parley.test>", Instance: "Parley", Now: now},
		mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Now: now}, users)
	if err != nil {
		t.Fatal(err)
	}
	return srv, n, jobs.NewRunner(db, jobs.Config{Now: now})
}
