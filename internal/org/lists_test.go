package org_test

import (
	"context"
	"slices"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
)

func TestVendorLists(t *testing.T) {
	svc, _, admin := setup(t)
	ctx := context.Background()
	var ids []int64
	for _, n := range []string{"Acme", "Bolt", "Crux", "Dyne"} {
		o, err := svc.Create(ctx, admin, org.Fields{Name: n, Kind: org.Vendor})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	dns, err := svc.SaveList(ctx, admin, 0, 0, org.ListFields{Name: "DNS resolvers", Orgs: []int64{ids[0], ids[1], ids[0]}})
	if err != nil || len(dns.Orgs) != 2 || dns.Version != 1 {
		t.Fatalf("save: %+v, %v", dns, err)
	}
	infra, err := svc.SaveList(ctx, admin, 0, 0, org.ListFields{Name: "Internet infrastructure", Orgs: []int64{ids[2]}, Sublists: []int64{dns.ID}})
	if err != nil || len(infra.Sublists) != 1 {
		t.Fatalf("nested: %+v, %v", infra, err)
	}
	all, err := svc.SaveList(ctx, admin, 0, 0, org.ListFields{Name: "Everyone", Orgs: []int64{ids[1]}, Sublists: []int64{infra.ID}})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Expand(ctx, admin, all.ID); err != nil || !slices.Equal(got, ids[:3]) {
		t.Fatalf("expand: %v, %v; want %v", got, err, ids[:3])
	}
	for name, tc := range map[string]struct {
		id, version int
		f           org.ListFields
		kind        errs.Kind
		field       string
	}{
		"a cycle":         {int(dns.ID), 1, org.ListFields{Name: "DNS resolvers", Sublists: []int64{all.ID}}, errs.Invalid, "sublists"},
		"itself":          {int(dns.ID), 1, org.ListFields{Name: "DNS resolvers", Sublists: []int64{dns.ID}}, errs.Invalid, "sublists"},
		"an unknown org":  {0, 0, org.ListFields{Name: "X", Orgs: []int64{999999}}, errs.Invalid, "orgs"},
		"an unknown list": {0, 0, org.ListFields{Name: "X", Sublists: []int64{999999}}, errs.Invalid, "sublists"},
		"a taken name":    {0, 0, org.ListFields{Name: "dns  RESOLVERS"}, errs.Conflict, "name"},
		"no name":         {0, 0, org.ListFields{Name: " "}, errs.Invalid, "name"},
		"a stale version": {int(dns.ID), 7, org.ListFields{Name: "DNS"}, errs.Conflict, ""},
	} {
		if _, err := svc.SaveList(ctx, admin, int64(tc.id), tc.version, tc.f); errs.KindOf(err) != tc.kind || errs.FieldOf(err) != tc.field {
			t.Errorf("%s: %v; want %s on %q", name, err, tc.kind, tc.field)
		}
	}
	dns2, err := svc.SaveList(ctx, admin, dns.ID, dns.Version, org.ListFields{Name: "DNS resolvers", Orgs: []int64{ids[3]}})
	if err != nil || dns2.Version != 2 {
		t.Fatalf("update: %+v, %v", dns2, err)
	}
	if got, _ := svc.Expand(ctx, admin, all.ID); !slices.Equal(got, []int64{ids[1], ids[2], ids[3]}) {
		t.Fatalf("expand after the update: %v", got)
	}
	vendor := auth.Principal{UserID: 99, Orgs: map[int64]auth.OrgRole{ids[0]: auth.OrgAdmin}}
	if _, err := svc.Lists(ctx, vendor); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a vendor reads the lists: %v", err)
	}
	if err := svc.DeleteList(ctx, admin, dns.ID); err != nil {
		t.Fatal(err)
	}
	if l, err := svc.List1(ctx, admin, infra.ID); err != nil || len(l.Sublists) != 0 {
		t.Fatalf("after the delete: %+v, %v", l, err)
	}
	if err := svc.DeleteList(ctx, admin, dns.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}
