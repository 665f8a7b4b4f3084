package auth_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

const pw = "correct horse battery"

type fixture struct {
	db    *store.DB
	clk   *clock
	svc   *auth.Service
	admin auth.Principal
}

func setup(t *testing.T) *fixture {
	t.Helper()
	db := storetest.New(t)
	clk := &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	svc := auth.NewService(db, clk.Now, auth.DefaultConfig())
	u, err := svc.CreateAdmin(context.Background(), auth.NewUser{Email: "root@example.org", Name: "Root", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{db: db, clk: clk, svc: svc, admin: auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}}
}

func (f *fixture) user(t *testing.T, email string, staff bool) auth.User {
	t.Helper()
	u, err := f.svc.CreateUser(context.Background(), f.admin, auth.NewUser{Email: email, Name: "U", Password: pw, Staff: staff})
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestLoginWithoutSecondFactor(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.user(t, "vendor@example.com", false)
	res, err := f.svc.Login(ctx, "Vendor@Example.com", pw, auth.Client{IP: "127.0.0.1"})
	if err != nil || res.NeedTOTP {
		t.Fatalf("login: %+v, %v", res, err)
	}
	p, err := f.svc.Session(ctx, res.Session)
	if err != nil || p.Email != "vendor@example.com" || p.NeedsTOTP {
		t.Fatalf("session: %+v, %v", p, err)
	}
	if err := f.svc.Logout(ctx, res.Session); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Session(ctx, res.Session); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("session after logout: %v", err)
	}
}

func TestStaffMustEnrolThenUseTOTP(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.user(t, "coord@example.org", true)
	res, _ := f.svc.Login(ctx, "coord@example.org", pw, auth.Client{})
	p, err := f.svc.Session(ctx, res.Session)
	if err != nil || !p.NeedsTOTP || p.CanWrite() {
		t.Fatalf("staff without TOTP: %+v, %v; want NeedsTOTP and no writes", p, err)
	}
	setup, err := f.svc.BeginTOTP(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.svc.ConfirmTOTP(ctx, p, "000000", auth.Client{}); !errs.Is(err, errs.Invalid) {
		t.Fatalf("wrong code: %v", err)
	}
	code, _ := auth.TOTPCode(setup.Secret, f.clk.Now())
	if err := f.svc.ConfirmTOTP(ctx, p, code, auth.Client{}); err != nil {
		t.Fatal(err)
	}
	f.clk.Add(time.Minute)
	res, _ = f.svc.Login(ctx, "coord@example.org", pw, auth.Client{})
	if !res.NeedTOTP {
		t.Fatal("login did not ask for the second factor")
	}
	if _, err := f.svc.Session(ctx, res.Session); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("half-open session was accepted: %v", err)
	}
	code, _ = auth.TOTPCode(setup.Secret, f.clk.Now())
	full, err := f.svc.VerifyTOTP(ctx, res.Session, code, auth.Client{})
	if err != nil || full == res.Session {
		t.Fatalf("verify: %q, %v; want a new session ID", full, err)
	}
	if _, err := f.svc.Session(ctx, res.Session); err == nil {
		t.Fatal("the pre-TOTP session ID still works after rotation")
	}
	if p, err := f.svc.Session(ctx, full); err != nil || p.NeedsTOTP || !p.CanWrite() {
		t.Fatalf("full session: %+v, %v", p, err)
	}
	// The same code is never accepted twice.
	res2, _ := f.svc.Login(ctx, "coord@example.org", pw, auth.Client{})
	if _, err := f.svc.VerifyTOTP(ctx, res2.Session, code, auth.Client{}); err == nil {
		t.Fatal("a TOTP code was accepted twice")
	}
}

func TestLockoutAfterFailures(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	u := f.user(t, "v@example.com", false)
	for range auth.DefaultConfig().MaxFailedLogins {
		if _, err := f.svc.Login(ctx, "v@example.com", "wrong password!!", auth.Client{}); !errs.Is(err, errs.Unauthenticated) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := f.svc.Login(ctx, "v@example.com", pw, auth.Client{}); !errs.Is(err, errs.TooMany) {
		t.Fatalf("login while locked: %v, want too many", err)
	}
	var notices int
	f.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE kind = $1`, auth.JobLockoutNotice).Scan(&notices)
	if notices != 1 {
		t.Fatalf("%d lockout notices queued, want 1", notices)
	}
	f.clk.Add(16 * time.Minute)
	if _, err := f.svc.Login(ctx, "v@example.com", pw, auth.Client{}); err != nil {
		t.Fatalf("login after lockout: %v", err)
	}
	list, _ := journal.List(ctx, f.db.Read(), journal.Filter{ObjectType: "user", ObjectID: itoa(u.ID)})
	var failed, locked int
	for _, e := range list {
		switch e.Action {
		case "auth.login_failed":
			failed++
		case "auth.locked":
			locked++
		}
	}
	if failed != 6 || locked != 1 {
		t.Fatalf("journal: %d failures, %d lockouts; want 6, 1", failed, locked)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func TestSessionTimeouts(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.user(t, "v@example.com", false)
	res, _ := f.svc.Login(ctx, "v@example.com", pw, auth.Client{})
	f.clk.Add(2*time.Hour + time.Second)
	if _, err := f.svc.Session(ctx, res.Session); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("idle session: %v", err)
	}
	res, _ = f.svc.Login(ctx, "v@example.com", pw, auth.Client{})
	for range 13 { // active every hour, still ends at the absolute limit
		f.clk.Add(time.Hour)
		_, err := f.svc.Session(ctx, res.Session)
		if f.clk.Now().Sub(time.Date(2026, 5, 1, 14, 0, 1, 0, time.UTC)) > 12*time.Hour && err == nil {
			t.Fatal("session outlived its absolute limit")
		}
	}
}

func TestTokens(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	u := f.user(t, "v@example.com", false)
	p := auth.Principal{UserID: u.ID, Email: u.Email}
	cases := []struct {
		name  string
		nt    auth.NewToken
		field string
	}{
		{"no name", auth.NewToken{Scope: auth.ScopeRead}, "name"},
		{"bad scope", auth.NewToken{Name: "x", Scope: "admin"}, "scope"},
		{"too long", auth.NewToken{Name: "x", Scope: auth.ScopeRead, ExpiresIn: 400 * 24 * time.Hour}, "expires_in_days"},
	}
	for _, c := range cases {
		if _, _, err := f.svc.CreateToken(ctx, p, c.nt); errs.FieldOf(err) != c.field {
			t.Errorf("%s: %v, want field %s", c.name, err, c.field)
		}
	}
	ro, roSecret, err := f.svc.CreateToken(ctx, p, auth.NewToken{Name: "ci", Scope: auth.ScopeRead, ExpiresIn: 24 * time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	tp, err := f.svc.TokenPrincipal(ctx, roSecret)
	if err != nil || tp.UserID != u.ID || tp.CanWrite() {
		t.Fatalf("read token: %+v, %v", tp, err)
	}
	if _, _, err := f.svc.CreateToken(ctx, tp, auth.NewToken{Name: "y", Scope: auth.ScopeWrite}); err == nil {
		t.Fatal("a read token made another token")
	}
	f.clk.Add(25 * time.Hour)
	if _, err := f.svc.TokenPrincipal(ctx, roSecret); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("expired token: %v", err)
	}
	_, wSecret, _ := f.svc.CreateToken(ctx, p, auth.NewToken{Name: "w", Scope: auth.ScopeWrite})
	list, _ := f.svc.Tokens(ctx, p)
	if len(list) != 2 || list[1].ID != ro.ID {
		t.Fatalf("tokens: %+v", list)
	}
	if err := f.svc.RevokeToken(ctx, p, list[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.TokenPrincipal(ctx, wSecret); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("revoked token: %v", err)
	}
	other := auth.Principal{UserID: f.admin.UserID, Email: f.admin.Email}
	if err := f.svc.RevokeToken(ctx, other, ro.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("revoking another's token: %v", err)
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	f.user(t, "dup@example.com", false)
	cases := []struct {
		nu    auth.NewUser
		field string
	}{
		{auth.NewUser{Email: "not an address", Name: "x", Password: pw}, "email"},
		{auth.NewUser{Email: "a@localhost", Name: "x", Password: pw}, "email"},
		{auth.NewUser{Email: "a@example.com", Name: " ", Password: pw}, "name"},
		{auth.NewUser{Email: "a@example.com", Name: "x", Password: "short"}, "password"},
		{auth.NewUser{Email: "DUP@example.com", Name: "x", Password: pw}, "email"},
	}
	for _, c := range cases {
		if _, err := f.svc.CreateUser(ctx, f.admin, c.nu); errs.FieldOf(err) != c.field {
			t.Errorf("%+v: %v, want field %s", c.nu, err, c.field)
		}
	}
	list, _ := f.svc.Users(ctx, f.admin, store.Page{})
	if len(list) != 2 {
		t.Fatalf("%d users, want 2", len(list))
	}
	if _, err := f.svc.CreateUser(ctx, auth.Principal{UserID: list[1].ID}, auth.NewUser{Email: "x@example.com", Name: "x"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("non-admin creating a user: %v", err)
	}
}

func TestUpdateUserRefusesStaleVersion(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	u := f.user(t, "v@example.com", false)
	name := "New Name"
	u2, err := f.svc.UpdateUser(ctx, f.admin, u.ID, auth.UserPatch{Name: &name, Version: u.Version})
	if err != nil || u2.Version != u.Version+1 || u2.Name != name {
		t.Fatalf("update: %+v, %v", u2, err)
	}
	other := "Other"
	if _, err := f.svc.UpdateUser(ctx, f.admin, u.ID, auth.UserPatch{Name: &other, Version: u.Version}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale update: %v, want conflict", err)
	}
	got, _ := f.svc.User(ctx, f.admin, u.ID)
	if got.Name != name {
		t.Fatalf("name %q after refused update", got.Name)
	}
}

func TestSetupAndInvitationLinks(t *testing.T) {
	db := storetest.New(t)
	clk := &clock{t: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	svc := auth.NewService(db, clk.Now, auth.DefaultConfig())
	ctx := context.Background()
	secret, err := svc.SetupLink(ctx)
	if err != nil || secret == "" {
		t.Fatalf("setup link: %q, %v", secret, err)
	}
	admin, err := svc.CompleteSetup(ctx, secret, auth.NewUser{Email: "a@example.org", Name: "A", Password: pw})
	if err != nil || !admin.Admin {
		t.Fatalf("setup: %+v, %v", admin, err)
	}
	if _, err := svc.CompleteSetup(ctx, secret, auth.NewUser{Email: "b@example.org", Name: "B", Password: pw}); err == nil {
		t.Fatal("a setup link worked twice")
	}
	if s, _ := svc.SetupLink(ctx); s != "" {
		t.Fatal("a set-up instance gave out a setup link")
	}
	p := auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true}
	invited, err := svc.CreateUser(ctx, p, auth.NewUser{Email: "new@example.com", Name: "New"})
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(db, jobs.Config{Now: clk.Now})
	var link auth.AccountLink
	r.Handle(auth.JobAccountLink, func(ctx context.Context, j jobs.Job) error { return j.Decode(&link) })
	r.Drain(ctx)
	if link.UserID != invited.ID || link.Kind != "invite" {
		t.Fatalf("queued link %+v", link)
	}
	if _, err := svc.Login(ctx, "new@example.com", "", auth.Client{}); err == nil {
		t.Fatal("an invited user signed in without a password")
	}
	if _, err := svc.SetPassword(ctx, link.Secret, pw); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Login(ctx, "new@example.com", pw, auth.Client{}); err != nil {
		t.Fatalf("login after invitation: %v", err)
	}
}

func TestPermissions(t *testing.T) {
	anon := auth.Principal{}
	user := auth.Principal{UserID: 2}
	admin := auth.Principal{UserID: 1, Admin: true}
	readOnlyAdmin := auth.Principal{UserID: 1, Admin: true, Scope: auth.ScopeRead}
	noTOTPAdmin := auth.Principal{UserID: 1, Admin: true, NeedsTOTP: true}
	staff := auth.Principal{UserID: 3, Staff: true}
	cases := []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"anon audits", auth.CanAudit(anon), errs.Unauthenticated},
		{"user audits", auth.CanAudit(user), errs.Forbidden},
		{"admin audits", auth.CanAudit(admin), ""},
		{"admin without TOTP audits", auth.CanAudit(noTOTPAdmin), errs.Forbidden},
		{"anon manages users", auth.CanManageUsers(anon), errs.Unauthenticated},
		{"user manages users", auth.CanManageUsers(user), errs.Forbidden},
		{"admin manages users", auth.CanManageUsers(admin), ""},
		{"read-only admin manages users", auth.CanManageUsers(readOnlyAdmin), errs.Forbidden},
		{"admin without TOTP manages users", auth.CanManageUsers(noTOTPAdmin), errs.Forbidden},
		{"user views self", auth.CanViewUser(user, 2), ""},
		{"user views other", auth.CanViewUser(user, 1), errs.NotFound},
		{"staff views other", auth.CanViewUser(staff, 1), ""},
		{"anon views", auth.CanViewUser(anon, 1), errs.Unauthenticated},
	}
	for _, c := range cases {
		got := errs.Kind("")
		if c.err != nil {
			got = errs.KindOf(c.err)
		}
		if got != c.want {
			t.Errorf("%s: %v, want %q", c.name, c.err, c.want)
		}
	}
}
