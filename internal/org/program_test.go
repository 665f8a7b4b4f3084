package org_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func TestCanEditProgram(t *testing.T) {
	const acme = 7
	cases := []struct {
		name string
		p    auth.Principal
		kind errs.Kind // "" allowed
	}{
		{"anonymous", auth.Principal{}, errs.Unauthenticated},
		{"administrator", auth.Principal{UserID: 1, Admin: true}, ""},
		{"staff alone", auth.Principal{UserID: 1, Staff: true}, errs.Forbidden},
		{"org admin", auth.Principal{UserID: 2, Orgs: map[int64]auth.OrgRole{acme: auth.OrgAdmin}}, ""},
		{"org admin, read-only token", auth.Principal{UserID: 2, Scope: auth.ScopeRead, Orgs: map[int64]auth.OrgRole{acme: auth.OrgAdmin}}, errs.Forbidden},
		{"org member", auth.Principal{UserID: 3, Orgs: map[int64]auth.OrgRole{acme: auth.OrgMember}}, errs.Forbidden},
		{"admin of another org", auth.Principal{UserID: 4, Orgs: map[int64]auth.OrgRole{8: auth.OrgAdmin}}, errs.Forbidden},
	}
	for _, c := range cases {
		err := org.CanEditProgram(c.p, acme)
		if (c.kind == "" && err != nil) || (c.kind != "" && !errs.Is(err, c.kind)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.kind)
		}
	}
}

func TestSlugOf(t *testing.T) {
	for name, want := range map[string]string{
		"Acme Routers, Inc.":     "acme-routers-inc",
		"  Demo CERT ":           "demo-cert",
		"Ünïcode Ltd":            "n-code-ltd",
		"X":                      "program-x",
		"!!!":                    "program",
		strings.Repeat("ab", 60): strings.Repeat("ab", 30),
	} {
		if got := org.SlugOf(name); got != want {
			t.Errorf("SlugOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPrograms(t *testing.T) {
	db := storetest.New(t)
	svc, _, admin := setupDB(t, db)
	ctx := context.Background()
	acme, err := svc.Create(ctx, admin, org.Fields{Name: "Acme Routers", Kind: org.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	globex, _ := svc.Create(ctx, admin, org.Fields{Name: "Globex", Kind: org.Vendor})
	m, err := svc.AddMember(ctx, admin, acme.ID, "psirt@acme.example", "Avery", auth.OrgAdmin)
	if err != nil {
		t.Fatal(err)
	}
	psirt := auth.Principal{UserID: m.UserID, Email: m.Email, Orgs: map[int64]auth.OrgRole{acme.ID: auth.OrgAdmin}}
	dev, _ := svc.AddMember(ctx, admin, acme.ID, "dev@acme.example", "Dana", auth.OrgMember)
	member := auth.Principal{UserID: dev.UserID, Orgs: map[int64]auth.OrgRole{acme.ID: auth.OrgMember}}

	// A draft before the first save: defaults, version 0.
	draft, err := svc.Program(ctx, psirt, acme.ID)
	if err != nil || draft.Version != 0 || draft.Slug != "acme-routers" || draft.SafeHarbour != org.DefaultSafeHarbour || draft.OrgName != "Acme Routers" {
		t.Fatalf("draft: %+v, %v", draft, err)
	}
	if _, err := svc.Program(ctx, member, acme.ID); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a member reads the draft: %v", err)
	}
	if _, err := svc.Program(ctx, auth.Principal{}, acme.ID); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("anonymous reads the draft: %v", err)
	}

	bad := []struct {
		f     org.ProgramFields
		field string
	}{
		{org.ProgramFields{Slug: "Acme Routers"}, "slug"},
		{org.ProgramFields{Slug: "a"}, "slug"},
		{org.ProgramFields{Slug: "-acme"}, "slug"},
		{org.ProgramFields{Slug: "acme--routers"}, "slug"},
		{org.ProgramFields{Slug: "acme", AckDays: 31}, "ack_days"},
		{org.ProgramFields{Slug: "acme", AckDays: -1}, "ack_days"},
		{org.ProgramFields{Slug: "acme", Published: true}, "scope_in"},
		{org.ProgramFields{Slug: "acme", Notes: strings.Repeat("x", org.MaxProgramText+1)}, "notes"},
	}
	for _, c := range bad {
		if _, err := svc.SaveProgram(ctx, psirt, acme.ID, c.f); errs.FieldOf(err) != c.field || !errs.Is(err, errs.Invalid) {
			t.Errorf("%+v: %v, want invalid %s", c.f, err, c.field)
		}
	}
	if _, err := svc.SaveProgram(ctx, member, acme.ID, org.ProgramFields{Slug: "acme"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a member saves: %v", err)
	}

	// Saved unpublished: only its editors see it, by slug too.
	g, err := svc.SaveProgram(ctx, psirt, acme.ID, org.ProgramFields{Slug: " Acme-Routers ", ScopeIn: "The **R9000** router\r\n",
		SafeHarbour: draft.SafeHarbour, AckDays: 3})
	if err != nil || g.Version != 1 || g.Slug != "acme-routers" || g.ScopeIn != "The **R9000** router" || g.Published || g.AckDays != 3 {
		t.Fatalf("save: %+v, %v", g, err)
	}
	if _, err := svc.ProgramBySlug(ctx, auth.Principal{}, "acme-routers"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("anonymous sees the unpublished program: %v", err)
	}
	if _, err := svc.ProgramBySlug(ctx, psirt, "acme-routers"); err != nil {
		t.Fatalf("its admin previews it: %v", err)
	}
	if list, err := svc.Programs(ctx, store.Page{}); err != nil || len(list) != 0 {
		t.Fatalf("index of the unpublished: %+v, %v", list, err)
	}
	if _, err := svc.PublishedProgramOf(ctx, acme.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("published program of an unpublished one: %v", err)
	}

	// A stale version and a taken slug are conflicts and change nothing.
	if _, err := svc.SaveProgram(ctx, psirt, acme.ID, org.ProgramFields{Slug: "acme-routers", ScopeIn: "x", Published: true}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale save (version 0 of a saved program): %v", err)
	}
	if _, err := svc.SaveProgram(ctx, admin, globex.ID, org.ProgramFields{Slug: "acme-routers", ScopeIn: "x"}); !errs.Is(err, errs.Conflict) || errs.FieldOf(err) != "slug" {
		t.Fatalf("taken slug: %v", err)
	}

	g, err = svc.SaveProgram(ctx, psirt, acme.ID, org.ProgramFields{Slug: "acme", ScopeIn: "The R9000", ScopeOut: "Our website", Published: true, Version: 1})
	if err != nil || g.Version != 2 || !g.Published || g.Slug != "acme" {
		t.Fatalf("publish: %+v, %v", g, err)
	}
	if got, err := svc.ProgramBySlug(ctx, auth.Principal{}, "ACME"); err != nil || got.ScopeOut != "Our website" || got.OrgKind != org.Vendor {
		t.Fatalf("anonymous reads the published program: %+v, %v", got, err)
	}
	if _, err := svc.ProgramBySlug(ctx, auth.Principal{}, "acme-routers"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("the old slug: %v", err)
	}
	if _, err := svc.PublishedProgramOf(ctx, acme.ID); err != nil {
		t.Fatalf("published program of: %v", err)
	}
	if _, err := svc.SaveProgram(ctx, admin, globex.ID, org.ProgramFields{Slug: "globex", ScopeIn: "Firmware", Published: true}); err != nil {
		t.Fatal(err)
	}
	list, err := svc.Programs(ctx, store.Page{Limit: 1})
	if err != nil || len(list) != 1 || list[0].OrgID != acme.ID {
		t.Fatalf("first page: %+v, %v", list, err)
	}
	list, err = svc.Programs(ctx, store.Page{After: list[0].OrgID})
	if err != nil || len(list) != 1 || list[0].OrgID != globex.ID {
		t.Fatalf("second page: %+v, %v", list, err)
	}

	entries, err := journal.List(ctx, db.Read(), journal.Filter{ActionPrefix: "org.program_saved"})
	if err != nil || len(entries) != 3 {
		t.Fatalf("journal: %d entries, %v", len(entries), err)
	}
	if e := entries[1]; e.ObjectID != itoa(int(acme.ID)) || e.Actor.ID != psirt.UserID || !strings.Contains(string(e.Data), `"published":true`) {
		t.Fatalf("journal entry: %+v %s", e, e.Data)
	}
}

func fixedNow() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }

func itoa(n int) string { return strconv.Itoa(n) }

// setupDB is setup on a database the test keeps.
func setupDB(t *testing.T, db *store.DB) (*org.Service, *auth.Service, auth.Principal) {
	t.Helper()
	users := auth.NewService(db, fixedNow, auth.DefaultConfig())
	u, err := users.CreateAdmin(context.Background(), auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	return org.NewService(db, fixedNow, users), users, auth.Principal{UserID: u.ID, Email: u.Email, Admin: true}
}
