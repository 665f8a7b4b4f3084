package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// env is a service over a fresh database with a settable clock and a few
// principals.
type env struct {
	t        *testing.T
	ctx      context.Context
	db       *store.DB
	svc      *reports.Service
	users    *auth.Service
	now      time.Time
	admin    auth.Principal
	staff    auth.Principal
	reporter auth.Principal // a signed-in reporter
	other    auth.Principal // a signed-in user who is neither
}

// policy is the default policy without a quota, which tests that submit
// many reports from one reporter would run into.
func policy() reports.Policy {
	p := reports.DefaultPolicy()
	p.Quota = 0
	return p
}

// Wednesday, 6 May 2026, noon UTC.
var start = time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC)

func setup(t *testing.T, pol reports.Policy) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), db: storetest.New(t), now: start}
	clock := func() time.Time { return e.now }
	e.users = auth.NewService(e.db, clock, auth.DefaultConfig())
	// Accounts without passwords (invited) spare the tests argon2id, which
	// is slow under the race detector.
	bootstrap := auth.Principal{UserID: 1 << 40, Email: "command line", Admin: true}
	root, err := e.users.CreateUser(e.ctx, bootstrap, auth.NewUser{Email: "root@coord.example", Name: "Root", Admin: true})
	if err != nil {
		t.Fatal(err)
	}
	e.admin = auth.Principal{UserID: root.ID, Email: root.Email, Admin: true}
	e.staff = e.user("triage@coord.example", true)
	e.reporter = e.user("finder@research.example", false)
	e.other = e.user("someone@else.example", false)
	reg, err := ssvc.New()
	if err != nil {
		t.Fatal(err)
	}
	e.svc = reports.NewService(e.db, clock, e.users, reg, pol)
	return e
}

func (e *env) user(email string, staff bool) auth.Principal {
	e.t.Helper()
	u, err := e.users.CreateUser(e.ctx, e.admin, auth.NewUser{Email: email, Name: strings.Split(email, "@")[0], Staff: staff})
	if err != nil {
		e.t.Fatal(err)
	}
	return auth.Principal{UserID: u.ID, Email: u.Email, Staff: staff}
}

// good is a complete submission.
func good() reports.Submission {
	return reports.Submission{
		Channel: reports.ChannelWeb,
		Details: reports.Details{
			Title:             "Stack overflow in the Acme Router web login",
			Products:          []reports.Product{{Name: "Acme Router X200", Versions: []string{"2.1.0", "2.1.1"}}},
			Vendors:           []reports.Vendor{{Name: "Acme Networks"}},
			Description:       "A long **username** overflows a stack buffer in `login.cgi`.",
			ProofOfConcept:    "curl -d user=$(python3 -c 'print(\"A\"*5000)') http://router/login.cgi",
			Impact:            "Remote code execution as root without authentication.",
			HowFound:          "Fuzzing the login form.",
			FoundOn:           "2026-04-20",
			AlreadyReportedTo: "Nobody yet.",
			Disclosure:        reports.Disclosure{Date: "2026-08-01T09:00", Zone: "Europe/Helsinki"},
			Contact:           reports.Contact{Name: "Fay Finder", Organisation: "Research Ltd", Email: "Fay@Research.example"},
			ShareContact:      true,
			Credit:            reports.CreditNamed,
			CreditName:        "Fay Finder",
			TrackingIDs:       []string{"ACME-SEC-42"},
			AIUse:             reports.AINone,
		},
	}
}

func (e *env) submit(p auth.Principal, s reports.Submission) reports.Receipt {
	e.t.Helper()
	rc, err := e.svc.Submit(e.ctx, p, s)
	if err != nil {
		e.t.Fatalf("submit: %v", err)
	}
	return rc
}

func (e *env) get(id int64) reports.Report {
	e.t.Helper()
	r, err := e.svc.Get(e.ctx, e.staff, id)
	if err != nil {
		e.t.Fatalf("get %d: %v", id, err)
	}
	return r
}

// jobKinds lists the queued jobs' kinds in order.
func (e *env) jobKinds() []string {
	e.t.Helper()
	rows, err := e.db.Read().QueryContext(e.ctx, `SELECT kind FROM jobs WHERE kind LIKE 'report%' ORDER BY id`)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k string
		_ = rows.Scan(&k)
		out = append(out, k)
	}
	return out
}

// actions lists the journal's report actions in order.
func (e *env) actions() []string {
	e.t.Helper()
	list, err := journal.List(e.ctx, e.db.Read(), journal.Filter{ObjectType: "report"})
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, en := range list {
		out = append(out, en.Action)
	}
	return out
}

func (e *env) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.db.Read().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}
