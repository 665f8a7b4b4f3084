package org_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func setup(t *testing.T) (*org.Service, *auth.Service, auth.Principal) {
	t.Helper()
	db := storetest.New(t)
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	users := auth.NewService(db, now, auth.DefaultConfig())
	u, err := users.CreateAdmin(context.Background(), auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return org.NewService(db, now, users), users, auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
}

func TestCreateUpdateAndBadInput(t *testing.T) {
	svc, _, admin := setup(t)
	ctx := context.Background()
	o, err := svc.Create(ctx, admin, org.Fields{Name: "  Acme   Routers ", Kind: org.Vendor, SecurityEmail: "PSIRT@acme.example"})
	if err != nil || o.Name != "Acme Routers" || o.SecurityEmail != "psirt@acme.example" {
		t.Fatalf("create: %+v, %v", o, err)
	}
	bad := []struct {
		f     org.Fields
		field string
		kind  errs.Kind
	}{
		{org.Fields{Name: "", Kind: org.Vendor}, "name", errs.Invalid},
		{org.Fields{Name: "X", Kind: "bank"}, "kind", errs.Invalid},
		{org.Fields{Name: "X", Kind: org.Vendor, Website: "javascript:alert(1)"}, "website", errs.Invalid},
		{org.Fields{Name: "X", Kind: org.Vendor, SecurityEmail: "nope"}, "security_email", errs.Invalid},
		{org.Fields{Name: "acme routers", Kind: org.Vendor}, "name", errs.Conflict},
	}
	for _, c := range bad {
		_, err := svc.Create(ctx, admin, c.f)
		if errs.FieldOf(err) != c.field || errs.KindOf(err) != c.kind {
			t.Errorf("%+v: %v; want %s on %s", c.f, err, c.kind, c.field)
		}
	}
	o2, err := svc.Update(ctx, admin, o.ID, org.Fields{Name: "Acme", Kind: org.Vendor}, o.Version)
	if err != nil || o2.Version != 2 {
		t.Fatalf("update: %+v, %v", o2, err)
	}
	if _, err := svc.Update(ctx, admin, o.ID, org.Fields{Name: "Stale", Kind: org.Vendor}, o.Version); !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale update: %v", err)
	}
	list, err := svc.List(ctx, admin, org.Filter{Query: "ac", Page: store.Page{}})
	if err != nil || len(list) != 1 || list[0].Name != "Acme" {
		t.Fatalf("list: %+v, %v", list, err)
	}
	if l, _ := svc.List(ctx, admin, org.Filter{Query: "%"}); len(l) != 0 {
		t.Fatalf("a %% query matched %d organisations", len(l))
	}
}

func TestMembersAndOrgAdmins(t *testing.T) {
	svc, users, admin := setup(t)
	ctx := context.Background()
	o, _ := svc.Create(ctx, admin, org.Fields{Name: "Acme", Kind: org.Vendor})
	m, err := svc.AddMember(ctx, admin, o.ID, "lead@acme.example", "Lead", auth.OrgAdmin)
	if err != nil || !m.Invited {
		t.Fatalf("add: %+v, %v", m, err)
	}
	if _, err := svc.AddMember(ctx, admin, o.ID, "LEAD@acme.example", "", auth.OrgMember); !errs.Is(err, errs.Conflict) {
		t.Fatalf("duplicate member: %v", err)
	}
	roles, _ := svc.RolesOf(ctx, m.UserID)
	lead := auth.Principal{UserID: m.UserID, Email: m.Email, Orgs: roles}
	dev, err := svc.AddMember(ctx, lead, o.ID, "dev@acme.example", "Dev", auth.OrgMember)
	if err != nil {
		t.Fatalf("org admin adds a member: %v", err)
	}
	roles, _ = svc.RolesOf(ctx, dev.UserID)
	devP := auth.Principal{UserID: dev.UserID, Orgs: roles}
	if _, err := svc.AddMember(ctx, devP, o.ID, "x@acme.example", "", auth.OrgMember); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("plain member adds a member: %v", err)
	}
	if err := svc.RemoveMember(ctx, lead, o.ID, lead.UserID); errs.FieldOf(err) != "role" {
		t.Fatalf("last admin removes themself: %v", err)
	}
	other, _ := svc.Create(ctx, admin, org.Fields{Name: "Other", Kind: org.Vendor})
	if _, err := svc.Members(ctx, lead, other.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("outsider lists members: %v", err)
	}
	list, err := svc.Members(ctx, devP, o.ID)
	if err != nil || len(list) != 2 {
		t.Fatalf("members: %+v, %v", list, err)
	}
	if err := svc.SetRole(ctx, lead, o.ID, dev.UserID, auth.OrgAdmin); err != nil {
		t.Fatal(err)
	}
	if err := svc.RemoveMember(ctx, lead, o.ID, lead.UserID); err != nil {
		t.Fatalf("admin leaves with another admin left: %v", err)
	}
	if _, err := users.User(ctx, admin, dev.UserID); err != nil {
		t.Fatal(err)
	}
}

func TestPermissions(t *testing.T) {
	member := auth.Principal{UserID: 5, Orgs: map[int64]auth.OrgRole{1: auth.OrgMember}}
	orgAdmin := auth.Principal{UserID: 6, Orgs: map[int64]auth.OrgRole{1: auth.OrgAdmin}}
	staff := auth.Principal{UserID: 7, Staff: true}
	readStaff := auth.Principal{UserID: 7, Staff: true, Scope: auth.ScopeRead}
	cases := []struct {
		name string
		err  error
		want errs.Kind
	}{
		{"anon views", org.CanView(auth.Principal{}), errs.Unauthenticated},
		{"member views", org.CanView(member), ""},
		{"member creates", org.CanCreate(member), errs.Forbidden},
		{"staff creates", org.CanCreate(staff), ""},
		{"read-only staff creates", org.CanCreate(readStaff), errs.Forbidden},
		{"member manages", org.CanManage(member, 1), errs.Forbidden},
		{"org admin manages own", org.CanManage(orgAdmin, 1), ""},
		{"org admin manages other", org.CanManage(orgAdmin, 2), errs.Forbidden},
		{"member lists own members", org.CanViewMembers(member, 1), ""},
		{"member lists other members", org.CanViewMembers(member, 2), errs.Forbidden},
		{"staff lists members", org.CanViewMembers(staff, 2), ""},
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
