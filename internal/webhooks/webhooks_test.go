package webhooks_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
	"github.com/parleycvd/parley/internal/webhooks"
)

// world is an instance with a coordinator (CERT, whose member Sam is
// staff), the vendors Acme, Bolt and Newco, and a jobs runner that runs
// the webhooks' jobs on the world's clock.
type world struct {
	t                  *testing.T
	ctx                context.Context
	db                 *store.DB
	now                time.Time
	cases              *cases.Service
	svc                *webhooks.Service
	orgs               *org.Service
	users              *auth.Service
	runner             *jobs.Runner
	admin, staff       auth.Principal
	acmeAdmin, acmeMem auth.Principal
	boltAdmin, newco   auth.Principal
	cert, acme, bolt   org.Org
	newcoOrg           org.Org
}

func newWorld(t *testing.T, cfg webhooks.Config) *world {
	t.Helper()
	w := &world{t: t, ctx: context.Background(), db: storetest.New(t), now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	w.users = auth.NewService(w.db, clock, auth.DefaultConfig())
	w.orgs = org.NewService(w.db, clock, w.users)
	w.cases = cases.NewService(w.db, clock, cases.Config{})
	w.svc = webhooks.NewService(w.db, clock, w.cases, cfg)
	w.runner = jobs.NewRunner(w.db, jobs.Config{Now: clock})
	w.runner.Handle(webhooks.JobDispatch, w.svc.DispatchJob)
	w.runner.Handle(webhooks.JobDeliver, w.svc.DeliverJob)
	u, err := w.users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	w.admin = auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
	w.cert = w.org("CERT", org.Coordinator)
	w.acme, w.bolt, w.newcoOrg = w.org("Acme Routers", org.Vendor), w.org("Bolt Systems", org.Vendor), w.org("Newco", org.Vendor)
	if _, err := w.users.CreateUser(w.ctx, w.admin, auth.NewUser{Email: "sam@cert.example", Name: "Sam", Staff: true}); err != nil {
		t.Fatal(err)
	}
	w.staff = w.member(w.cert, "sam@cert.example", auth.OrgAdmin)
	w.staff.Staff = true
	w.acmeAdmin = w.member(w.acme, "psirt@acme.example", auth.OrgAdmin)
	w.acmeMem = w.member(w.acme, "dev@acme.example", auth.OrgMember)
	w.boltAdmin = w.member(w.bolt, "psirt@bolt.example", auth.OrgAdmin)
	w.newco = w.member(w.newcoOrg, "sec@newco.example", auth.OrgAdmin)
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

func (w *world) member(o org.Org, email string, role auth.OrgRole) auth.Principal {
	w.t.Helper()
	m, err := w.orgs.AddMember(w.ctx, w.admin, o.ID, email, "", role)
	if err != nil {
		w.t.Fatal(err)
	}
	roles, err := w.orgs.RolesOf(w.ctx, m.UserID)
	if err != nil {
		w.t.Fatal(err)
	}
	return auth.Principal{UserID: m.UserID, Email: m.Email, Orgs: roles}
}

func (w *world) add(c cases.Case, o org.Org) cases.Participant {
	w.t.Helper()
	ps, err := w.cases.AddParticipants(w.ctx, w.staff, c.ID, []cases.NewParticipant{{OrgID: o.ID, Roles: []cases.Role{cases.RoleVendor}}})
	if err != nil {
		w.t.Fatal(err)
	}
	return ps[0]
}

// run dispatches and delivers whatever is due.
func (w *world) run() {
	w.t.Helper()
	if _, err := w.svc.Dispatch(w.ctx); err != nil {
		w.t.Fatal(err)
	}
	if _, err := w.runner.Drain(w.ctx); err != nil {
		w.t.Fatal(err)
	}
}

func (w *world) deliveries(p auth.Principal, h webhooks.Webhook) []webhooks.Delivery {
	w.t.Helper()
	list, err := w.svc.Deliveries(w.ctx, p, h.OrgID, h.ID, store.Page{Limit: store.MaxPageSize})
	if err != nil {
		w.t.Fatal(err)
	}
	return list
}

// receiver is a tracker's endpoint: it records what it receives and fails
// the first fail requests with status code.
type receiver struct {
	*httptest.Server
	mu    sync.Mutex
	got   []received
	fail  int
	code  int
	calls int
}

type received struct {
	header http.Header
	body   []byte
	event  struct {
		ID      int64  `json:"id"`
		Case    string `json:"case"`
		Action  string `json:"action"`
		Summary string `json:"summary"`
		Message string `json:"message"`
	}
}

func newReceiver(t *testing.T) *receiver {
	rc := &receiver{code: http.StatusInternalServerError}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.calls++
		if rc.calls <= rc.fail {
			if rc.code/100 == 3 {
				rw.Header().Set("Location", "/elsewhere")
			}
			rw.WriteHeader(rc.code)
			return
		}
		var x received
		x.header = r.Header.Clone()
		x.body, _ = io.ReadAll(r.Body)
		if err := json.Unmarshal(x.body, &x.event); err != nil {
			t.Errorf("body %q: %v", x.body, err)
		}
		rc.got = append(rc.got, x)
		rw.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) received() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.got)
}

func (w *world) hook(p auth.Principal, o org.Org, rc *receiver) (webhooks.Webhook, string) {
	w.t.Helper()
	h, secret, err := w.svc.Create(w.ctx, p, o.ID, rc.URL+"/parley")
	if err != nil {
		w.t.Fatal(err)
	}
	if len(secret) != 64 {
		w.t.Fatalf("secret %q", secret)
	}
	return h, secret
}

// TestEmbargoedCaseReachesOnlyItsAudience: each vendor's webhook receives
// a case's events as its members see them in the timeline: another
// vendor's entries never, and a vendor restricted by an embargo it has not
// accepted only its own. Every delivery is signed with its hook's secret.
func TestEmbargoedCaseReachesOnlyItsAudience(t *testing.T) {
	w := newWorld(t, webhooks.Config{AllowPrivate: true})
	acmeRc, boltRc, newcoRc, certRc := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	acmeHook, acmeSecret := w.hook(w.acmeAdmin, w.acme, acmeRc)
	_, boltSecret := w.hook(w.boltAdmin, w.bolt, boltRc)
	_, newcoSecret := w.hook(w.staff, w.newcoOrg, newcoRc)
	_, certSecret := w.hook(w.staff, w.cert, certRc)

	c, err := w.cases.Create(w.ctx, w.staff, cases.NewCase{Title: "Router RCE", CoordinatorOrgID: w.cert.ID,
		Vulnerabilities: []cases.VulnFields{{Title: "Stack overflow in the web UI"}}})
	if err != nil {
		t.Fatal(err)
	}
	acme, bolt := w.add(c, w.acme), w.add(c, w.bolt)
	if _, err := w.cases.ProposeEmbargo(w.ctx, w.staff, c.ID, 0, cases.Terms{EndsAt: w.now.Add(45 * 24 * time.Hour), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.cases.AnswerEmbargo(w.ctx, w.acmeAdmin, c.ID, acme.ID, 0, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := w.cases.AnswerEmbargo(w.ctx, w.boltAdmin, c.ID, bolt.ID, 0, true, ""); err != nil {
		t.Fatal(err)
	}
	w.add(c, w.newcoOrg) // invited into the embargo in force: restricted
	w.run()

	for _, x := range []struct {
		name    string
		rc      *receiver
		secret  string
		p       auth.Principal
		hidden  []string
		ownOnly string
	}{
		{"acme", acmeRc, acmeSecret, w.acmeAdmin, []string{"Bolt", "Newco"}, ""},
		{"bolt", boltRc, boltSecret, w.boltAdmin, []string{"Acme", "Newco"}, ""},
		{"newco", newcoRc, newcoSecret, w.newco, []string{"Acme", "Bolt", "Case " + c.Key, "Embargo"}, "Newco"},
		{"cert", certRc, certSecret, w.staff, nil, ""},
	} {
		t.Run(x.name, func(t *testing.T) {
			got := x.rc.received()
			if len(got) == 0 {
				t.Fatal("nothing delivered")
			}
			var ids []int64
			for _, r := range got {
				if err := webhooks.Verify(x.secret, r.header.Get("X-Parley-Signature"), r.body, w.now, 5*time.Minute); err != nil {
					t.Errorf("signature: %v", err)
				}
				if err := webhooks.Verify(acmeSecret+"x", r.header.Get("X-Parley-Signature"), r.body, w.now, 5*time.Minute); err == nil {
					t.Error("a signature verifies with another secret")
				}
				if r.header.Get("X-Parley-Event") != r.event.Action || r.header.Get("X-Parley-Delivery") == "" || r.event.Case != c.Key {
					t.Errorf("headers %v for %+v", r.header, r.event)
				}
				for _, h := range x.hidden {
					if strings.Contains(r.event.Summary, h) {
						t.Errorf("%s received %q", x.name, r.event.Summary)
					}
				}
				if x.ownOnly != "" && !strings.HasPrefix(r.event.Summary, x.ownOnly) {
					t.Errorf("the restricted vendor received %q", r.event.Summary)
				}
				ids = append(ids, r.event.ID)
			}
			// Exactly what its members read in the timeline.
			p := x.p
			p.Staff = false
			tl, err := w.cases.Timeline(w.ctx, p, c.ID, store.Page{Limit: store.MaxPageSize})
			if err != nil {
				t.Fatal(err)
			}
			var want []int64
			for _, e := range tl {
				want = append(want, e.Seq)
			}
			slices.Sort(ids)
			if !slices.Equal(ids, want) {
				t.Fatalf("delivered %v, timeline %v", ids, want)
			}
		})
	}
	// A second run delivers nothing again; the log says delivered.
	n := len(acmeRc.received())
	w.run()
	if len(acmeRc.received()) != n {
		t.Fatalf("delivered twice: %d then %d", n, len(acmeRc.received()))
	}
	for _, d := range w.deliveries(w.acmeAdmin, acmeHook) {
		if d.Status != "delivered" || d.Attempts != 1 || d.StatusCode != http.StatusNoContent || d.DeliveredAt.IsZero() || d.CaseID != c.ID {
			t.Errorf("delivery %+v", d)
		}
	}
	// A hook created now receives only what happens from now on.
	lateRc := newReceiver(t)
	w.hook(w.acmeAdmin, w.acme, lateRc)
	w.run()
	if got := lateRc.received(); len(got) != 0 {
		t.Fatalf("a new hook received the past: %+v", got)
	}
}

// TestFailingEndpointIsRetried: a failing endpoint is retried with the
// runner's backoff until it answers; the log records the attempts. A
// redirect is not followed; after the last attempt the delivery fails.
func TestFailingEndpointIsRetried(t *testing.T) {
	w := newWorld(t, webhooks.Config{MaxAttempts: 3, AllowPrivate: true})
	rc := newReceiver(t)
	rc.fail = 2
	h, secret := w.hook(w.acmeAdmin, w.acme, rc)
	if _, err := w.svc.Ping(w.ctx, w.acmeAdmin, w.acme.ID, h.ID); err != nil {
		t.Fatal(err)
	}
	w.run()
	d := w.deliveries(w.acmeAdmin, h)
	if len(d) != 1 || d[0].Status != "pending" || d[0].Attempts != 1 || d[0].StatusCode != 500 || !strings.Contains(d[0].LastError, "500") {
		t.Fatalf("after a failure: %+v", d)
	}
	w.run() // not due yet
	if d := w.deliveries(w.acmeAdmin, h); d[0].Attempts != 1 {
		t.Fatalf("retried before the backoff: %+v", d)
	}
	w.now = w.now.Add(jobs.Backoff(1))
	w.run()
	w.now = w.now.Add(jobs.Backoff(2))
	w.run()
	d = w.deliveries(w.acmeAdmin, h)
	if len(d) != 1 || d[0].Status != "delivered" || d[0].Attempts != 3 || d[0].StatusCode != http.StatusNoContent || d[0].Event != "ping" {
		t.Fatalf("after the retries: %+v", d)
	}
	got := rc.received()
	if len(got) != 1 || got[0].event.Action != "ping" {
		t.Fatalf("received %+v", got)
	}
	if err := webhooks.Verify(secret, got[0].header.Get("X-Parley-Signature"), got[0].body, w.now, time.Minute); err != nil {
		t.Fatal(err)
	}

	// A redirecting endpoint is never followed, and fails for good.
	redirect := newReceiver(t)
	redirect.fail, redirect.code = 100, http.StatusFound
	h2, _ := w.hook(w.acmeAdmin, w.acme, redirect)
	if _, err := w.svc.Ping(w.ctx, w.acmeAdmin, w.acme.ID, h2.ID); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= 3; i++ {
		w.run()
		w.now = w.now.Add(jobs.Backoff(i))
	}
	d = w.deliveries(w.acmeAdmin, h2)
	if len(d) != 1 || d[0].Status != "failed" || d[0].Attempts != 3 || d[0].StatusCode != http.StatusFound {
		t.Fatalf("the redirected delivery: %+v", d)
	}
	redirect.mu.Lock()
	calls := redirect.calls
	redirect.mu.Unlock()
	if calls != 3 || len(redirect.received()) != 0 {
		t.Fatalf("%d calls, %d received", calls, len(redirect.received()))
	}
}

// TestWhoManagesWebhooks: an organisation's admins, administrators and
// staff; for anyone else its webhooks do not exist.
func TestWhoManagesWebhooks(t *testing.T) {
	w := newWorld(t, webhooks.Config{AllowPrivate: true})
	rc := newReceiver(t)
	h, _ := w.hook(w.acmeAdmin, w.acme, rc)
	for _, x := range []struct {
		name string
		p    auth.Principal
		want errs.Kind // "" for allowed
	}{
		{"acme's admin", w.acmeAdmin, ""},
		{"administrator", w.admin, ""},
		{"staff", w.staff, ""},
		{"acme's member", w.acmeMem, errs.NotFound},
		{"bolt's admin", w.boltAdmin, errs.NotFound},
		{"anonymous", auth.Principal{}, errs.Unauthenticated},
	} {
		t.Run(x.name, func(t *testing.T) {
			check := func(what string, err error) {
				t.Helper()
				if (x.want == "" && err != nil) || (x.want != "" && !errs.Is(err, x.want)) {
					t.Errorf("%s: %v, want %q", what, err, x.want)
				}
			}
			if err := webhooks.CanManage(x.p, w.acme.ID); (err == nil) != (x.want == "") {
				t.Errorf("CanManage: %v", err)
			}
			list, err := w.svc.List(w.ctx, x.p, w.acme.ID)
			check("list", err)
			if err == nil && (len(list) != 1 || list[0].ID != h.ID || list[0].URL != rc.URL+"/parley") {
				t.Errorf("list %+v", list)
			}
			_, err = w.svc.Deliveries(w.ctx, x.p, w.acme.ID, h.ID, store.Page{})
			check("deliveries", err)
			_, err = w.svc.Ping(w.ctx, x.p, w.acme.ID, h.ID)
			check("ping", err)
			if x.want != "" {
				_, _, err = w.svc.Create(w.ctx, x.p, w.acme.ID, "https://tracker.example/hook")
				check("create", err)
				check("delete", w.svc.Delete(w.ctx, x.p, w.acme.ID, h.ID))
			}
		})
	}
	// Bolt's admin cannot reach Acme's hook through Bolt.
	if _, err := w.svc.Deliveries(w.ctx, w.boltAdmin, w.bolt.ID, h.ID, store.Page{}); !errs.Is(err, errs.NotFound) {
		t.Fatalf("through another organisation: %v", err)
	}
	if err := w.svc.Delete(w.ctx, w.boltAdmin, w.bolt.ID, h.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("delete through another organisation: %v", err)
	}
	if list, _ := w.svc.List(w.ctx, w.admin, w.acme.ID); len(list) != 1 {
		t.Fatalf("a refused delete removed the hook: %+v", list)
	}
	if err := w.svc.Delete(w.ctx, w.acmeAdmin, w.acme.ID, h.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := w.svc.List(w.ctx, w.admin, w.acme.ID); len(list) != 0 {
		t.Fatalf("after delete: %+v", list)
	}
	// The pings queued before the delete are dropped, not sent.
	w.run()
	if got := rc.received(); len(got) != 0 {
		t.Fatalf("a deleted hook received %d deliveries", len(got))
	}
	var n int
	if err := w.db.Read().QueryRowContext(w.ctx, `SELECT COUNT(*) FROM journal WHERE action IN ('webhook.created', 'webhook.deleted')`).Scan(&n); err != nil || n != 2 {
		t.Fatalf("journal entries: %d, %v", n, err)
	}
}

func TestCheckURL(t *testing.T) {
	for _, x := range []struct {
		in string
		ok bool
	}{
		{"https://tracker.example/hooks/parley", true},
		{"http://127.0.0.1:8080/hook", true},
		{"http://localhost/hook", true},
		{"http://tracker.example/hook", false},
		{"ftp://tracker.example/hook", false},
		{"https://user:pw@tracker.example/", false},
		{"/relative", false},
		{"https://tracker.example/#frag", false},
		{"", false},
	} {
		_, err := webhooks.CheckURL(x.in)
		if (err == nil) != x.ok {
			t.Errorf("CheckURL(%q): %v", x.in, err)
		}
		if err != nil && errs.FieldOf(err) != "url" {
			t.Errorf("CheckURL(%q): field %q", x.in, errs.FieldOf(err))
		}
	}
}

// Without AllowPrivate a webhook cannot reach the instance's own network:
// literal private addresses and localhost are refused when created, and a
// delivery whose address turns out private (a name re-pointed after the
// check, or a hook made while private receivers were allowed) fails at the
// dial without reaching the receiver.
func TestPrivateReceiversRefused(t *testing.T) {
	w := newWorld(t, webhooks.Config{AllowPrivate: true})
	rc := newReceiver(t)
	h, _ := w.hook(w.acmeAdmin, w.acme, rc) // made while allowed
	strict := webhooks.NewService(w.db, func() time.Time { return w.now }, w.cases, webhooks.Config{MaxAttempts: 1})
	for _, u := range []string{"http://127.0.0.1:8080/hook", "http://localhost/hook", "https://10.1.2.3/hook",
		"https://[::1]/hook", "https://169.254.169.254/latest/meta-data", "https://100.64.0.1/", "https://[fd00::1]/",
		"https://printer.localhost/", "https://[::ffff:192.168.0.1]/"} {
		_, _, err := strict.Create(w.ctx, w.admin, w.acme.ID, u)
		if errs.KindOf(err) != errs.Invalid || errs.FieldOf(err) != "url" {
			t.Errorf("create %s: %v, want a url error", u, err)
		}
	}
	if _, _, err := strict.Create(w.ctx, w.admin, w.acme.ID, "https://tracker.example/hook"); err != nil {
		t.Errorf("a public name: %v", err)
	}
	if _, err := strict.Ping(w.ctx, w.acmeAdmin, w.acme.ID, h.ID); err != nil {
		t.Fatal(err)
	}
	runner := jobs.NewRunner(w.db, jobs.Config{Now: func() time.Time { return w.now }})
	runner.Handle(webhooks.JobDeliver, strict.DeliverJob)
	if _, err := runner.Drain(w.ctx); err != nil {
		t.Fatal(err)
	}
	d := w.deliveries(w.acmeAdmin, h)
	if len(d) != 1 || d[0].Status != "failed" || !strings.Contains(d[0].LastError, "not a public address") {
		t.Fatalf("delivery to a loopback receiver: %+v", d)
	}
	rc.mu.Lock()
	calls := rc.calls
	rc.mu.Unlock()
	if calls != 0 {
		t.Fatalf("the loopback receiver was called %d times", calls)
	}
}
