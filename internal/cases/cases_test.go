package cases_test

import (
	"fmt"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

const (
	vec31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
	vec40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"
)

func TestCreateNumbersKeysPerYear(t *testing.T) {
	w := newWorld(t)
	c1 := w.open("Overflow in the web UI", cases.VulnFields{Title: "Stack overflow", CWE: "cwe-121", CVSS31Vector: vec31,
		CVSS40Vector: vec40, CVE: "cve-2026-12345"})
	c2 := w.open("Second")
	w.now = time.Date(2027, 1, 1, 0, 0, 1, 0, time.UTC)
	c3 := w.open("Third")
	got := []string{c1.Key, c2.Key, c3.Key}
	if want := []string{"PAR-2026-0001", "PAR-2026-0002", "PAR-2027-0001"}; !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
	c, err := w.svc.GetByKey(w.ctx, w.staff, "par-2026-0001")
	if err != nil || c.ID != c1.ID || len(c.Vulnerabilities) != 1 {
		t.Fatalf("get by key: %+v, %v", c, err)
	}
	v := c.Vulnerabilities[0]
	if v.CWE != "CWE-121" || v.CVE != "CVE-2026-12345" || v.CVSS31Score != 9.8 || v.CVSS40Score != 9.3 || v.Version != 1 {
		t.Fatalf("vulnerability %+v", v)
	}
	if c.EM != protocol.EMNone || c.Global != protocol.CSStart || c.CreatedBy != w.staff.UserID {
		t.Fatalf("case %+v", c)
	}
	lead := w.participants(c1)[w.coord.ID]
	if !lead.Roles.Has(cases.RoleCoordinator) || lead.RM != protocol.RMAccepted || lead.HasVFD || lead.Name != "CERT Example" {
		t.Fatalf("lead coordinator %+v", lead)
	}
	want := []string{"case.created", "case.participant_added", "case.vulnerability_added"}
	if got := w.actions(c1); !slices.Equal(got, want) {
		t.Fatalf("journal %v, want %v", got, want)
	}

	custom := cases.NewService(w.db, func() time.Time { return w.now }, cases.Config{KeyPrefix: "CERTX"})
	c4, err := custom.Create(w.ctx, w.admin, cases.NewCase{Title: "Admin's case"})
	if err != nil || c4.Key != "CERTX-2027-0002" {
		t.Fatalf("custom prefix: %+v, %v", c4, err)
	}
	if n := len(w.participants(c4)); n != 0 {
		t.Fatalf("an admin in no coordinator organisation made %d participants", n)
	}
	if err := (cases.Config{KeyPrefix: "par-x"}).Validate(); errs.FieldOf(err) != "key_prefix" {
		t.Fatalf("bad prefix: %v", err)
	}
}

func TestBadInputNamesTheField(t *testing.T) {
	w := newWorld(t)
	bad := []struct {
		nc    cases.NewCase
		field string
	}{
		{cases.NewCase{Title: " "}, "title"},
		{cases.NewCase{Title: "two\nlines"}, "title"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: ""}}}, "vulnerabilities[0].title"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: "a"}, {Title: "b", CWE: "79"}}}, "vulnerabilities[1].cwe"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: "a", CVE: "CVE-26-1"}}}, "vulnerabilities[0].cve_id"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: "a", CVE: "CVE-1988-1234"}}}, "vulnerabilities[0].cve_id"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: "a", CVSS31Vector: "CVSS:3.1/AV:N"}}}, "vulnerabilities[0].cvss31_vector"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: "a", CVSS31Vector: vec40}}}, "vulnerabilities[0].cvss31_vector"},
		{cases.NewCase{Title: "x", Vulnerabilities: []cases.VulnFields{{Title: "a", CVSS40Vector: vec31}}}, "vulnerabilities[0].cvss40_vector"},
		{cases.NewCase{Title: "x", CoordinatorOrgID: 0x7fff}, "coordinator_org_id"},
	}
	before := w.journalCount()
	for _, c := range bad {
		_, err := w.svc.Create(w.ctx, w.staff, c.nc)
		if errs.KindOf(err) != errs.Invalid || errs.FieldOf(err) != c.field {
			t.Errorf("%+v: %v; want invalid %s", c.nc, err, c.field)
		}
	}
	if _, err := w.svc.Create(w.ctx, w.staff, cases.NewCase{Title: "x", CoordinatorOrgID: w.acme.ID}); errs.FieldOf(err) != "coordinator_org_id" {
		t.Errorf("a vendor as coordinator: %v", err)
	}
	if w.journalCount() != before || w.count(`SELECT COUNT(*) FROM cases`) != 0 {
		t.Fatal("refused creations wrote something")
	}
	if _, err := w.svc.Create(w.ctx, w.memberA, cases.NewCase{Title: "x"}); !errs.Is(err, errs.Forbidden) {
		t.Errorf("a vendor opened a case: %v", err)
	}

	c := w.open("Case")
	vb := []struct {
		f     cases.VulnFields
		field string
	}{
		{cases.VulnFields{Title: "a", CWE: "CWE-0"}, "cwe"},
		{cases.VulnFields{Title: "a", CVSS31Vector: "nope"}, "cvss31_vector"},
		{cases.VulnFields{Title: "a", CVSS40Vector: "CVSS:4.0/AV:X"}, "cvss40_vector"},
		{cases.VulnFields{Title: "a", CVE: "CVE-2026-123"}, "cve_id"},
	}
	for _, v := range vb {
		if _, err := w.svc.AddVulnerability(w.ctx, w.staff, c.ID, v.f); errs.FieldOf(err) != v.field {
			t.Errorf("%+v: %v; want %s", v.f, err, v.field)
		}
	}

	pb := []struct {
		list  []cases.NewParticipant
		kind  errs.Kind
		field string
	}{
		{nil, errs.Invalid, "participants"},
		{[]cases.NewParticipant{{OrgID: w.acme.ID, UserID: w.person.UserID, Roles: []cases.Role{"vendor"}}}, errs.Invalid, "participants[0]"},
		{[]cases.NewParticipant{{Roles: []cases.Role{"vendor"}}}, errs.Invalid, "participants[0]"},
		{[]cases.NewParticipant{{OrgID: w.acme.ID}}, errs.Invalid, "participants[0].roles"},
		{[]cases.NewParticipant{{OrgID: w.acme.ID, Roles: []cases.Role{"vendor", "bank"}}}, errs.Invalid, "participants[0].roles"},
		{[]cases.NewParticipant{{OrgID: w.acme.ID, Roles: []cases.Role{"vendor"}}, {OrgID: 999999, Roles: []cases.Role{"vendor"}}}, errs.Invalid, "participants[1].org_id"},
		{[]cases.NewParticipant{{UserID: 999999, Roles: []cases.Role{"reporter"}}}, errs.Invalid, "participants[0].user_id"},
		{[]cases.NewParticipant{{OrgID: w.acme.ID, Roles: []cases.Role{"vendor"}}, {OrgID: w.acme.ID, Roles: []cases.Role{"deployer"}}}, errs.Conflict, "participants[1].org_id"},
		{[]cases.NewParticipant{{OrgID: w.coord.ID, Roles: []cases.Role{"vendor"}}}, errs.Conflict, "participants[0].org_id"},
	}
	before = w.journalCount()
	for _, b := range pb {
		_, err := w.svc.AddParticipants(w.ctx, w.staff, c.ID, b.list)
		if errs.KindOf(err) != b.kind || errs.FieldOf(err) != b.field {
			t.Errorf("%+v: %v; want %s on %s", b.list, err, b.kind, b.field)
		}
	}
	if w.journalCount() != before || len(w.participants(c)) != 1 {
		t.Fatal("refused additions wrote something")
	}
}

func TestVisibility(t *testing.T) {
	w := newWorld(t)
	c := w.open("Acme only", cases.VulnFields{Title: "XSS", CWE: "CWE-79"})
	w.add(c, []cases.Role{cases.RoleVendor}, w.acme)
	other := w.open("Bolt only")
	w.add(other, []cases.Role{cases.RoleVendor}, w.bolt)
	lead := w.participants(c)[w.coord.ID]

	who := []struct {
		name string
		p    auth.Principal
		want errs.Kind // "" when the case is visible
		list int       // cases List shows
	}{
		{"staff", w.staff, "", 2},
		{"admin", w.admin, "", 2},
		{"vendor A", w.memberA, "", 1},
		{"vendor B", w.memberB, errs.NotFound, 1},
		{"outsider", w.outside, errs.NotFound, 0},
		{"reporter without part", w.person, errs.NotFound, 0},
		{"anonymous", auth.Principal{}, errs.Unauthenticated, -1},
	}
	for _, x := range who {
		t.Run(x.name, func(t *testing.T) {
			_, err := w.svc.Get(w.ctx, x.p, c.ID)
			_, err2 := w.svc.GetByKey(w.ctx, x.p, c.Key)
			_, err3 := w.svc.Participants(w.ctx, x.p, c.ID, cases.ParticipantFilter{})
			_, err4 := w.svc.Timeline(w.ctx, x.p, c.ID, store.Page{})
			for i, e := range []error{err, err2, err3, err4} {
				if (x.want == "" && e != nil) || (x.want != "" && errs.KindOf(e) != x.want) {
					t.Errorf("read %d: %v, want %q", i, e, x.want)
				}
			}
			list, err := w.svc.List(w.ctx, x.p, cases.Filter{})
			if x.list >= 0 && (err != nil || len(list) != x.list) {
				t.Errorf("list: %d cases, %v; want %d", len(list), err, x.list)
			}
			// Changing an invisible case is "not found" too.
			if x.want == errs.NotFound {
				_, err := w.svc.StepRM(w.ctx, x.p, c.ID, lead.ID, protocol.RMDefer, "")
				if !errs.Is(err, errs.NotFound) {
					t.Errorf("step in an invisible case: %v", err)
				}
			}
		})
	}
	if _, err := w.svc.Get(w.ctx, w.staff, 424242); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing case: %v", err)
	}
	if _, err := w.svc.GetByKey(w.ctx, w.memberA, other.Key); !errs.Is(err, errs.NotFound) {
		t.Errorf("vendor A read Bolt's case by key: %v", err)
	}

	// A vendor sees the coordinators and itself, not the other vendors.
	w.add(c, []cases.Role{cases.RoleVendor}, w.bolt)
	seen, err := w.svc.Participants(w.ctx, w.memberA, c.ID, cases.ParticipantFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, p := range seen {
		names = append(names, p.Name)
	}
	if want := []string{"CERT Example", "Acme Routers"}; !slices.Equal(names, want) {
		t.Fatalf("vendor A sees %v, want %v", names, want)
	}
	if all := w.participants(c); len(all) != 3 {
		t.Fatalf("staff sees %d participants, want 3", len(all))
	}
}

func TestFilters(t *testing.T) {
	w := newWorld(t)
	a := w.open("Router overflow")
	w.open("Printer XSS")
	w.add(a, []cases.Role{cases.RoleVendor}, w.acme)
	list, err := w.svc.List(w.ctx, w.staff, cases.Filter{Query: "ROUTER"})
	if err != nil || len(list) != 1 || list[0].ID != a.ID {
		t.Fatalf("query: %+v, %v", list, err)
	}
	if list, _ := w.svc.List(w.ctx, w.staff, cases.Filter{Query: "2026-0002"}); len(list) != 1 {
		t.Fatalf("query by key: %d", len(list))
	}
	if list, _ := w.svc.List(w.ctx, w.staff, cases.Filter{Query: "%"}); len(list) != 0 {
		t.Fatalf("%% matched %d", len(list))
	}
	if _, err := w.svc.List(w.ctx, w.staff, cases.Filter{EMState: "Q"}); errs.FieldOf(err) != "em_state" {
		t.Fatalf("bad EM state: %v", err)
	}
	if list, _ := w.svc.List(w.ctx, w.staff, cases.Filter{EMState: "N", Page: store.Page{After: a.ID}}); len(list) != 1 || list[0].ID == a.ID {
		t.Fatalf("page after the first: %+v", list)
	}
	if list, _ := w.svc.List(w.ctx, w.partner, cases.Filter{Mine: true}); len(list) != 0 {
		t.Fatalf("partner: %d", len(list))
	}
	// Staff's "mine": cases its coordinator takes part in, or it opened.
	if list, _ := w.svc.List(w.ctx, w.staff, cases.Filter{Mine: true}); len(list) != 2 {
		t.Fatalf("staff mine: %d", len(list))
	}
	if list, _ := w.svc.List(w.ctx, w.admin, cases.Filter{Mine: true}); len(list) != 0 {
		t.Fatalf("admin mine: %d", len(list))
	}
}

func TestVulnerabilityVersions(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	w.add(c, []cases.Role{cases.RoleVendor}, w.acme)
	v, err := w.svc.AddVulnerability(w.ctx, w.staff, c.ID, cases.VulnFields{Title: "SQLi", CVSS31Vector: vec31})
	if err != nil || v.CVSS31Score != 9.8 {
		t.Fatalf("add: %+v, %v", v, err)
	}
	if _, err := w.svc.AddVulnerability(w.ctx, w.memberA, c.ID, cases.VulnFields{Title: "x"}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("vendor added a vulnerability: %v", err)
	}
	v2, err := w.svc.UpdateVulnerability(w.ctx, w.staff, c.ID, v.ID, cases.VulnFields{Title: "SQL injection", CVSS40Vector: vec40}, v.Version)
	if err != nil || v2.Version != 2 || v2.CVSS31Vector != "" || v2.CVSS40Score != 9.3 {
		t.Fatalf("update: %+v, %v", v2, err)
	}
	other := w.open("Other")
	before := w.journalCount()
	if _, err := w.svc.UpdateVulnerability(w.ctx, w.staff, c.ID, v.ID, cases.VulnFields{Title: "stale"}, v.Version); !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale update: %v", err)
	}
	if _, err := w.svc.UpdateVulnerability(w.ctx, w.staff, c.ID, v.ID, cases.VulnFields{Title: "no version"}, 0); errs.FieldOf(err) != "version" {
		t.Fatalf("no version: %v", err)
	}
	if _, err := w.svc.UpdateVulnerability(w.ctx, w.staff, other.ID, v.ID, cases.VulnFields{Title: "x"}, 2); !errs.Is(err, errs.NotFound) {
		t.Fatalf("vulnerability of another case: %v", err)
	}
	if w.journalCount() != before {
		t.Fatal("refused updates wrote to the journal")
	}
	got, _ := w.svc.Get(w.ctx, w.memberA, c.ID)
	if len(got.Vulnerabilities) != 1 || got.Vulnerabilities[0].Title != "SQL injection" || got.Vulnerabilities[0].CVSS40Score != 9.3 {
		t.Fatalf("read back: %+v", got.Vulnerabilities)
	}
}

func TestAddParticipantsInBulk(t *testing.T) {
	w := newWorld(t)
	c := w.open("Library bug")
	added, err := w.svc.AddParticipants(w.ctx, w.staff, c.ID, []cases.NewParticipant{
		{OrgID: w.acme.ID, Roles: []cases.Role{"vendor"}},
		{OrgID: w.bolt.ID, Roles: []cases.Role{"deployer", "vendor", "vendor"}},
		{OrgID: w.partnerOrg.ID, Roles: []cases.Role{"coordinator"}},
		{UserID: w.person.UserID, Roles: []cases.Role{"reporter"}},
	})
	if err != nil || len(added) != 4 {
		t.Fatalf("add: %d, %v", len(added), err)
	}
	if added[1].Roles.String() != "vendor,deployer" || added[1].Name != "Bolt Systems" || added[1].ID == 0 {
		t.Fatalf("bolt %+v", added[1])
	}
	ps := w.participants(c)
	checks := []struct {
		id     int64
		rm     protocol.RMState
		hasVFD bool
	}{
		{w.acme.ID, protocol.RMStart, true},
		{w.bolt.ID, protocol.RMStart, true},
		{w.partnerOrg.ID, protocol.RMStart, false},
		{w.person.UserID, protocol.RMAccepted, false},
	}
	for _, ch := range checks {
		p := ps[ch.id]
		if p.RM != ch.rm || p.HasVFD != ch.hasVFD || p.VFD != 0 || p.Consent != protocol.ConsentNone || p.AddedBy != w.staff.UserID {
			t.Errorf("participant %d: %+v", ch.id, p)
		}
	}
	if ps[w.person.UserID].Name != "Fay Finder" {
		t.Errorf("the reporter's name: %q", ps[w.person.UserID].Name)
	}
	if n := w.count(`SELECT COUNT(*) FROM jobs WHERE kind = $1`, cases.JobVendorNotice); n != 2 {
		t.Fatalf("%d vendor notices, want 2", n)
	}
	_, err = w.svc.AddParticipants(w.ctx, w.staff, c.ID, []cases.NewParticipant{{OrgID: w.other.ID, Roles: []cases.Role{"vendor"}},
		{OrgID: w.acme.ID, Roles: []cases.Role{"vendor"}}})
	if !errs.Is(err, errs.Conflict) || errs.Public(err) != "Acme Routers is already a participant in this case" {
		t.Fatalf("duplicate: %v", err)
	}
	if len(w.participants(c)) != 5 || w.count(`SELECT COUNT(*) FROM jobs`) != 2+w.count(`SELECT COUNT(*) FROM jobs WHERE kind <> $1`, cases.JobVendorNotice) {
		t.Fatal("the refused addition wrote something")
	}
	// The partner coordinator now manages the case; a vendor does not.
	if _, err := w.svc.AddParticipants(w.ctx, w.partner, c.ID, []cases.NewParticipant{{OrgID: w.other.ID, Roles: []cases.Role{"other"}}}); err != nil {
		t.Fatalf("partner coordinator adds: %v", err)
	}
	if _, err := w.svc.AddParticipants(w.ctx, w.memberA, c.ID, []cases.NewParticipant{{UserID: w.admin.UserID, Roles: []cases.Role{"other"}}}); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("vendor adds: %v", err)
	}
}

func TestConcurrentCreatesGetDistinctKeys(t *testing.T) {
	w := newWorld(t)
	keys := make(chan string, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			c, err := w.svc.Create(w.ctx, w.staff, cases.NewCase{Title: "Concurrent"})
			if err != nil {
				t.Error(err)
				return
			}
			keys <- c.Key
		})
	}
	wg.Wait()
	close(keys)
	var got []string
	for k := range keys {
		got = append(got, k)
	}
	slices.Sort(got)
	var want []string
	for i := 1; i <= 8; i++ {
		want = append(want, fmt.Sprintf("PAR-2026-%04d", i))
	}
	if !slices.Equal(got, want) {
		t.Fatalf("keys %v, want %v", got, want)
	}
}
