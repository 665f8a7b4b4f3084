package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/server"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// may1 is the time at which most fixtures stop their clock.
var may1 = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)

// fixture is what the envs of these tests are built from: the users, orgs
// and cases services on a stopped clock, the API served on them, and the
// caseEnv (no one signed up yet) that signUp and openCase fill in.
type fixture struct {
	*caseEnv
	db      *store.DB
	now     time.Time
	clock   func() time.Time
	users   *auth.Service
	cases   *cases.Service
	orgIDs  map[string]int64 // who -> the org signUp made for them
	userIDs map[string]int64 // who -> their account
}

// newFixture serves the API with the users, orgs and cases services (staff
// need no TOTP), and whatever more wire sets in d, on a clock stopped at
// now. wire may be nil.
func newFixture(t *testing.T, now time.Time, wire func(f *fixture, d *api.Deps)) *fixture {
	t.Helper()
	db := storetest.New(t)
	clock := func() time.Time { return now }
	cfg := auth.DefaultConfig()
	cfg.RequireTOTPForStaff = false
	users := auth.NewService(db, clock, cfg)
	orgs := org.NewService(db, clock, users)
	f := &fixture{caseEnv: &caseEnv{orgs: orgs, tokens: map[string]string{}, vars: map[string]string{}}, db: db, now: now, clock: clock,
		users: users, cases: cases.NewService(db, clock, cases.Config{}), orgIDs: map[string]int64{}, userIDs: map[string]int64{}}
	d := api.Deps{DB: db, Users: users, Orgs: orgs, Cases: f.cases, Now: clock, Logger: slog.New(slog.DiscardHandler)}
	if wire != nil {
		wire(f, &d)
	}
	f.srv = httptest.NewServer(server.New(server.Deps{DB: db, Logger: slog.New(slog.DiscardHandler), Registry: prometheus.NewRegistry(),
		Register: []func(*http.ServeMux){api.New(d).Register}}))
	t.Cleanup(f.srv.Close)
	return f
}

// newSSVC is the SSVC registry, for fixtures that serve it.
func newSSVC(t *testing.T) *ssvc.Registry {
	t.Helper()
	reg, err := ssvc.New()
	if err != nil {
		t.Fatal(err)
	}
	return reg
}

// person is someone signUp gives an account with a password and tokens:
// who (write scope) and, unless writeOnly, who+"-ro" (read scope). The
// person who is "staff" is a staff user and makes a coordinator org, the
// others vendors. Each is the admin of the org made for them, or, if
// member is set, a plain member of org, made for someone before.
type person struct {
	who, email, org string
	member          bool
	writeOnly       bool
}

// certAndVendors are CERT's staff member and the admins of the vendors
// Acme, Globex and Initech ("outsider").
var certAndVendors = []person{
	{who: "staff", email: "staff@cert.example", org: "CERT"}, {who: "acme", email: "psirt@acme.example", org: "Acme"},
	{who: "globex", email: "dev@globex.example", org: "Globex"}, {who: "outsider", email: "ops@initech.example", org: "Initech"},
}

// signUp makes the administrator (f.admin), then people, in order.
func (f *fixture) signUp(t *testing.T, people ...person) {
	t.Helper()
	ctx := context.Background()
	admin, err := f.users.CreateAdmin(ctx, auth.NewUser{Email: "admin@cert.example", Name: "Admin", Password: pw, Admin: true, Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	f.admin = auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true, Staff: true}
	byName := map[string]int64{}
	for _, pp := range people {
		orgID, role := byName[pp.org], auth.OrgMember
		if !pp.member {
			kind := org.Vendor
			if pp.who == "staff" {
				kind = org.Coordinator
			}
			o, err := f.orgs.Create(ctx, f.admin, org.Fields{Name: pp.org, Kind: kind})
			if err != nil {
				t.Fatal(err)
			}
			orgID, role, byName[pp.org], f.orgIDs[pp.who] = o.ID, auth.OrgAdmin, o.ID, o.ID
		}
		u, err := f.users.CreateUser(ctx, f.admin, auth.NewUser{Email: pp.email, Name: pp.email, Password: pw, Staff: pp.who == "staff"})
		if err != nil {
			t.Fatal(err)
		}
		f.userIDs[pp.who] = u.ID
		if _, err := f.orgs.AddMember(ctx, f.admin, orgID, pp.email, "", role); err != nil {
			t.Fatal(err)
		}
		login(t, f.users, f.tokens, pp.who, pp.email, !pp.writeOnly)
	}
}

// login signs in as email with the password pw and keeps in tokens a
// token (who) and, if readOnly, a read-only one too (who+"-ro").
func login(t *testing.T, users *auth.Service, tokens map[string]string, who, email string, readOnly bool) {
	t.Helper()
	scopes := []auth.Scope{auth.ScopeWrite}
	if readOnly {
		scopes = append(scopes, auth.ScopeRead)
	}
	for _, scope := range scopes {
		_, secret, err := users.LoginForToken(context.Background(), email, pw, "", auth.NewToken{Name: "t", Scope: scope, ExpiresIn: 48 * time.Hour},
			auth.Client{})
		if err != nil {
			t.Fatal(err)
		}
		key := who
		if scope == auth.ScopeRead {
			key += "-ro"
		}
		tokens[key] = secret
	}
}

// orgVars sets {staffOrg}, {acmeOrg} ... to the IDs of the orgs signUp made.
func (f *fixture) orgVars() {
	for who, id := range f.orgIDs {
		f.vars[who+"Org"] = itoa(id)
	}
}

// openCase opens nc, led by staff's org, with the orgs of vendors (by who)
// as vendors: {key}. It returns the case and the vendors' participants.
func (f *fixture) openCase(t *testing.T, nc cases.NewCase, vendors ...string) (cases.Case, []cases.Participant) {
	t.Helper()
	ctx := context.Background()
	nc.CoordinatorOrgID = f.orgIDs["staff"]
	c, err := f.cases.Create(ctx, f.admin, nc)
	if err != nil {
		t.Fatal(err)
	}
	var np []cases.NewParticipant
	for _, who := range vendors {
		np = append(np, cases.NewParticipant{OrgID: f.orgIDs[who], Roles: []cases.Role{cases.RoleVendor}})
	}
	parts, err := f.cases.AddParticipants(ctx, f.admin, c.ID, np)
	if err != nil {
		t.Fatal(err)
	}
	f.vars["key"] = c.Key
	return c, parts
}

// newParticipantsEnv is certAndVendors (each with a token and a read-only
// one), with what wire serves besides, and a case led by CERT with Acme
// and Globex: {key}, and the participants {coordP}, {acmeP} and {globexP}.
func newParticipantsEnv(t *testing.T, wire func(f *fixture, d *api.Deps)) (*caseEnv, *store.DB) {
	t.Helper()
	f := newFixture(t, may1, wire)
	f.signUp(t, certAndVendors...)
	c, _ := f.openCase(t, cases.NewCase{Title: "Router login bypass"}, "acme", "globex")
	parts, err := f.cases.Participants(context.Background(), f.admin, c.ID, cases.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range parts {
		f.vars[map[string]string{"CERT": "coordP", "Acme": "acmeP", "Globex": "globexP"}[p.Name]] = itoa(p.ID)
	}
	return f.caseEnv, f.db
}
