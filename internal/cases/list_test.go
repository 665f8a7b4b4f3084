package cases_test

import (
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// pages reads every page of a participant list of size limit.
func (w *world) pages(t *testing.T, c cases.Case, f cases.ParticipantFilter, limit int) []cases.Participant {
	t.Helper()
	var out []cases.Participant
	f.Page = store.Page{Limit: limit}
	for {
		list, err := w.svc.Participants(w.ctx, w.staff, c.ID, f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, list...)
		if len(list) < limit {
			return out
		}
		f.Page.After = list[len(list)-1].ID
	}
}

func TestParticipantPages(t *testing.T) {
	w := newWorld(t)
	c := w.open("Protocol flaw")
	var vendors []org.Org
	for i := 30; i > 0; i-- { // created in reverse name order
		vendors = append(vendors, w.org(fmt.Sprintf("Vendor %02d", i), org.Vendor))
	}
	w.add(c, []cases.Role{cases.RoleVendor}, vendors[:20]...)
	w.add(c, []cases.Role{cases.RoleDeployer}, vendors[20:]...)
	lead := w.participants(c)[w.coord.ID]
	all := w.pages(t, c, cases.ParticipantFilter{}, 7)
	if len(all) != 31 || !slices.IsSortedFunc(all, func(a, b cases.Participant) int { return int(a.ID - b.ID) }) {
		t.Fatalf("by added: %d participants", len(all))
	}

	byName := w.pages(t, c, cases.ParticipantFilter{Sort: cases.SortName}, 7)
	var names []string
	for _, p := range byName {
		names = append(names, p.Name)
	}
	want := slices.Clone(names)
	slices.SortFunc(want, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	if len(names) != 31 || !slices.Equal(names, want) || names[0] != "CERT Example" {
		t.Fatalf("by name: %v", names)
	}

	// Send the report to three vendors: by RM state, Start comes first,
	// then Received, then the coordinator in Accepted.
	for _, p := range all[1:4] {
		if _, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead.ID, p.ID); err != nil {
			t.Fatal(err)
		}
	}
	byRM := w.pages(t, c, cases.ParticipantFilter{Sort: cases.SortRM}, 4)
	var states []string
	for _, p := range byRM {
		states = append(states, p.RM.String())
	}
	if got := strings.Join(states, ""); got != strings.Repeat("S", 27)+"RRRA" {
		t.Fatalf("by RM: %s", got)
	}

	filters := []struct {
		f    cases.ParticipantFilter
		want int
	}{
		{cases.ParticipantFilter{Role: cases.RoleDeployer}, 10},
		{cases.ParticipantFilter{Role: cases.RoleVendor, Sort: cases.SortName}, 20},
		{cases.ParticipantFilter{RM: "R"}, 3},
		{cases.ParticipantFilter{RM: "R", Sort: cases.SortRM, Role: cases.RoleVendor}, 3},
		{cases.ParticipantFilter{Silent: true}, 0},
	}
	for _, x := range filters {
		if got := w.pages(t, c, x.f, 2); len(got) != x.want {
			t.Errorf("%+v: %d, want %d", x.f, len(got), x.want)
		}
	}
	bad := []struct {
		f     cases.ParticipantFilter
		field string
	}{
		{cases.ParticipantFilter{Sort: "size"}, "sort"},
		{cases.ParticipantFilter{RM: "Q"}, "rm"},
		{cases.ParticipantFilter{Role: "bank"}, "role"},
	}
	for _, b := range bad {
		if _, err := w.svc.Participants(w.ctx, w.staff, c.ID, b.f); errs.FieldOf(err) != b.field {
			t.Errorf("%+v: %v, want %s", b.f, err, b.field)
		}
	}
	if _, err := w.svc.Participants(w.ctx, w.staff, 999999, cases.ParticipantFilter{}); !errs.Is(err, errs.NotFound) {
		t.Errorf("missing case: %v", err)
	}
}

func TestEmbargoedCaseInvitesNewcomers(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	lead := w.participants(c)[w.coord.ID]
	if _, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead.ID, w.terms(30)); err != nil {
		t.Fatal(err)
	}
	acme := w.add(c, []cases.Role{cases.RoleVendor}, w.acme)[0]
	if acme.Consent != protocol.ConsentInvited {
		t.Fatalf("newcomer's consent: %s", acme.Consent)
	}
	events, err := w.svc.Timeline(w.ctx, w.memberA, c.ID, store.Page{})
	if err != nil {
		t.Fatal(err)
	}
	last := events[len(events)-1]
	if last.Message != protocol.EP || last.Summary != "Acme Routers joined as vendor and was invited to the embargo" {
		t.Fatalf("last event %+v", last)
	}
	// Sending the report needs the embargo accepted first... once it is in force.
	if _, err := w.svc.DecideEmbargo(w.ctx, w.staff, c.ID, 0, true, "the vendor asked for time"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead.ID, acme.ID); !errs.Is(err, errs.Conflict) {
		t.Fatalf("report sent to a participant without consent: %v", err)
	}
	if _, err := w.svc.StepConsent(w.ctx, w.memberA, c.ID, acme.ID, protocol.ConsentAccept); err != nil {
		t.Fatal(err)
	}
	if p, err := w.svc.SendReport(w.ctx, w.staff, c.ID, lead.ID, acme.ID); err != nil || p.RM != protocol.RMReceived {
		t.Fatalf("send after consent: %+v, %v", p, err)
	}
}

// TestChangeIsAtomic makes the database refuse the second vendor notice
// of a bulk addition: the rows and journal entries written before it are
// rolled back with it.
func TestChangeIsAtomic(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	stmts := []string{`CREATE TRIGGER refuse_notice BEFORE INSERT ON jobs
		WHEN (SELECT COUNT(*) FROM jobs WHERE kind = 'case.vendor_notice') >= 1
		BEGIN SELECT RAISE(ABORT, 'refused'); END`}
	if w.db.Engine == store.Postgres {
		stmts = []string{`CREATE FUNCTION refuse_notice() RETURNS trigger LANGUAGE plpgsql AS $$
			BEGIN
				IF (SELECT COUNT(*) FROM jobs WHERE kind = 'case.vendor_notice') >= 1 THEN RAISE EXCEPTION 'refused'; END IF;
				RETURN NEW;
			END $$`,
			`CREATE TRIGGER refuse_notice BEFORE INSERT ON jobs FOR EACH ROW EXECUTE FUNCTION refuse_notice()`}
	}
	err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		for _, s := range stmts {
			if _, err := tx.ExecContext(w.ctx, s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	before := w.journalCount()
	_, err = w.svc.AddParticipants(w.ctx, w.staff, c.ID, []cases.NewParticipant{
		{OrgID: w.acme.ID, Roles: []cases.Role{cases.RoleVendor}}, {OrgID: w.bolt.ID, Roles: []cases.Role{cases.RoleVendor}}})
	if err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %v, want the trigger's refusal", err)
	}
	if w.journalCount() != before || len(w.participants(c)) != 1 || w.count(`SELECT COUNT(*) FROM jobs WHERE kind = 'case.vendor_notice'`) != 0 {
		t.Fatal("a failed change left rows behind")
	}
}
