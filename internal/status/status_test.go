package status_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/status"
)

// TestStatementLifecycle: Acme states a product affected, which dates its
// statement and meets its statement deadline; the reporter reads it only
// once shared; the coordinator approves it; sharing keeps the approval, an
// edit of its content returns it to a draft.
func TestStatementLifecycle(t *testing.T) {
	w := newWorld(t)
	acme := w.pid["Acme"]
	err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		_, err := deadlines.Set(w.ctx, tx, w.now, deadlines.Deadline{CaseID: w.c.ID, ParticipantID: acme, Kind: deadlines.Statement,
			DueAt: w.now.Add(14 * 24 * time.Hour)})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Hour)
	st := must(w.svc.Create(w.ctx, w.memberA, w.c.ID, w.affected("Acme Router")))
	if st.Participant != acme || st.Vendor != "Acme" || st.Approval() != status.Draft || st.Version != 1 || st.Versions != ">=2.0 <2.4.1" ||
		st.CVE != "CVE-2026-12345" || st.VulnLabel() != "CVE-2026-12345 Heap overflow in option 121" || st.Shared {
		t.Fatalf("created %+v", st)
	}
	if n := w.count(`SELECT COUNT(*) FROM case_participants WHERE id = $1 AND statement_at = $2`, acme, w.now); n != 1 {
		t.Error("the first statement did not date the vendor's statement")
	}
	if n := w.count(`SELECT COUNT(*) FROM deadlines WHERE case_id = $1 AND participant_id = $2 AND status = 'met'`, w.c.ID, acme); n != 1 {
		t.Error("the statement deadline is not met")
	}
	first := w.now
	w.now = w.now.Add(time.Hour)
	must(w.svc.Create(w.ctx, w.memberA, w.c.ID, status.Fields{Vulnerability: w.vuln[1], Product: "Acme Router", Status: status.UnderInvestigation}))
	if n := w.count(`SELECT COUNT(*) FROM case_participants WHERE id = $1 AND statement_at = $2`, acme, first); n != 1 {
		t.Error("a later statement moved the statement date")
	}

	// Unshared, only Acme and the coordinators read it.
	if got := must(w.svc.List(w.ctx, w.staff, w.c.ID, status.Filter{})); len(got) != 2 {
		t.Errorf("the coordinator reads %d statements", len(got))
	}
	if got := w.list(w.reporter, status.Filter{}); len(got) != 0 {
		t.Errorf("the reporter reads an unshared statement: %v", got)
	}
	if _, err := w.svc.Get(w.ctx, w.reporter, w.c.ID, st.ID); errs.KindOf(err) != errs.NotFound {
		t.Errorf("the reporter gets an unshared statement: %v", err)
	}
	if _, err := w.svc.List(w.ctx, w.outside, w.c.ID, status.Filter{}); errs.KindOf(err) != errs.NotFound {
		t.Errorf("an outsider lists: %v", err)
	}
	tl := w.timeline(w.memberA)
	if !strings.Contains(tl, "Acme stated affected (>=2.0 <2.4.1): Acme Router, CVE-2026-12345 Heap overflow in option 121") {
		t.Errorf("Acme's timeline:\n%s", tl)
	}
	if strings.Contains(w.timeline(w.reporter), "Acme Router") {
		t.Error("the reporter reads Acme's statement on the timeline")
	}

	// The coordinator approves; sharing keeps the approval.
	st = must(w.svc.Approve(w.ctx, w.staff, w.c.ID, st.ID, st.Version, true))
	if st.Approval() != status.Approved || st.ApprovedBy != "sam@cert.example" || st.Version != 2 {
		t.Fatalf("approved %+v", st)
	}
	st = must(w.svc.Update(w.ctx, w.memberA, w.c.ID, st.ID, status.Patch{Shared: ptr(true), Version: st.Version}))
	if !st.Shared || st.Approval() != status.Approved || st.Version != 3 {
		t.Fatalf("shared %+v", st)
	}
	got := w.list(w.reporter, status.Filter{})
	if r, ok := got["Acme Router"]; !ok || r.Status != status.Affected || len(got) != 1 {
		t.Fatalf("the reporter reads %v", got)
	}

	// An edit returns it to a draft; a patch that changes nothing writes nothing.
	w.now = w.now.Add(time.Hour)
	st = must(w.svc.Update(w.ctx, w.memberA, w.c.ID, st.ID, status.Patch{Status: ptr(status.Fixed), FixedVersion: ptr("2.4.1"), Version: st.Version}))
	if st.Approval() != status.Draft || st.Status != status.Fixed || st.Action != "Update to 2.4.1." || st.Version != 4 {
		t.Fatalf("edited %+v", st)
	}
	before := w.state()
	same := must(w.svc.Update(w.ctx, w.memberA, w.c.ID, st.ID, status.Patch{Product: ptr(" Acme Router "), Version: st.Version}))
	if same.Version != st.Version || w.state() != before {
		t.Errorf("a patch that changes nothing wrote: %+v", same)
	}
	if got := w.list(w.staff, status.Filter{Approval: status.Approved}); len(got) != 0 {
		t.Errorf("approved after the edit: %v", got)
	}
	if got := w.list(w.staff, status.Filter{Status: status.UnderInvestigation, Vendor: acme}); len(got) != 1 {
		t.Errorf("filtered by status: %v", got)
	}
	if !strings.Contains(w.timeline(w.staff), "Acme changed its statement to fixed in 2.4.1") {
		t.Errorf("the coordinator's timeline:\n%s", w.timeline(w.staff))
	}
}

// TestEmbargoKeepsStatementsFromNewcomers: a vendor invited into an
// embargoed case neither reads shared statements nor states its own until
// it accepts; vendors never read each other's unshared statements.
func TestEmbargoKeepsStatementsFromNewcomers(t *testing.T) {
	w := newWorld(t)
	if _, err := w.cases.ProposeEmbargo(w.ctx, w.staff, w.c.ID, 0, cases.Terms{EndsAt: w.now.Add(45 * 24 * time.Hour), Zone: "UTC"}); err != nil {
		t.Fatal(err)
	}
	for who, p := range map[string]int64{"Acme": w.pid["Acme"], "Fay": w.pid["Fay"]} {
		pr := w.memberA
		if who == "Fay" {
			pr = w.reporter
		}
		if _, err := w.cases.AnswerEmbargo(w.ctx, pr, w.c.ID, p, 0, true, ""); err != nil {
			t.Fatal(err)
		}
	}
	shared := w.affected("Acme Router")
	shared.Shared = true
	must(w.svc.Create(w.ctx, w.memberA, w.c.ID, shared))
	must(w.svc.Create(w.ctx, w.memberA, w.c.ID, w.affected("Acme Switch")))
	boltOrg := w.count(`SELECT id FROM organisations WHERE name = 'Bolt'`)
	w.add(w.c, cases.NewParticipant{OrgID: int64(boltOrg), Roles: []cases.Role{cases.RoleVendor}})
	if got := w.list(w.memberB, status.Filter{}); len(got) != 0 {
		t.Errorf("the newcomer reads %v", got)
	}
	bolt := status.Fields{Vulnerability: w.vuln[0], Product: "Bolt DHCP", Status: status.NotAffected, Justification: status.VulnerableCodeNotPresent}
	w.refused("the newcomer states", errs.Forbidden, "", func() error { _, err := w.svc.Create(w.ctx, w.memberB, w.c.ID, bolt); return err })
	if _, err := w.cases.AnswerEmbargo(w.ctx, w.memberB, w.c.ID, w.pid["Bolt"], 0, true, ""); err != nil {
		t.Fatal(err)
	}
	got := w.list(w.memberB, status.Filter{})
	if _, ok := got["Acme Router"]; !ok || len(got) != 1 {
		t.Fatalf("after accepting Bolt reads %v", got)
	}
	own := must(w.svc.Create(w.ctx, w.memberB, w.c.ID, bolt))
	if got := w.list(w.memberA, status.Filter{}); len(got) != 2 {
		t.Errorf("Acme reads %v (Bolt's unshared statement among them?)", got)
	}
	w.refused("Acme edits Bolt's", errs.NotFound, "", func() error {
		_, err := w.svc.Update(w.ctx, w.memberA, w.c.ID, own.ID, status.Patch{Text: ptr("x"), Version: 1})
		return err
	})
	if strings.Contains(w.timeline(w.memberA), "Bolt DHCP") {
		t.Error("Acme reads Bolt's statement on the timeline")
	}
	vendors, err := w.svc.Vendors(w.ctx, w.memberB, w.c.ID)
	if err != nil || len(vendors) != 2 || vendors[0].Name != "Acme" || vendors[1].Name != "Bolt" {
		t.Errorf("Bolt's vendors to filter by: %v, %v", vendors, err)
	}
	mine, err := w.svc.Mine(w.ctx, w.memberB, w.c.ID)
	if err != nil || len(mine) != 1 || mine[0].Name != "Bolt" {
		t.Errorf("Bolt states for %v, %v", mine, err)
	}
}
