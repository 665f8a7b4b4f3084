package cases_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

func TestCRAClocks(t *testing.T) {
	w, c, ps := embargoWorld(t)
	acme, lead := ps[w.acme.ID].ID, ps[w.coord.ID].ID
	if _, ok, err := w.svc.CRAOf(w.ctx, w.staff, c.ID); ok || err != nil {
		t.Fatalf("an unmarked case has clocks: %v %v", ok, err)
	}
	aware := w.now.Add(-30 * time.Hour)
	for name, tc := range map[string]struct {
		f     cases.CRAFields
		as    func() error
		kind  errs.Kind
		field string
	}{
		"no awareness":     {f: cases.CRAFields{Manufacturer: acme}, kind: errs.Invalid, field: "aware_at"},
		"awareness ahead":  {f: cases.CRAFields{Manufacturer: acme, AwareAt: w.now.Add(time.Hour)}, kind: errs.Invalid, field: "aware_at"},
		"fix before aware": {f: cases.CRAFields{Manufacturer: acme, AwareAt: aware, FixAvailableAt: aware.Add(-time.Hour)}, kind: errs.Invalid, field: "fix_available_at"},
		"not a vendor":     {f: cases.CRAFields{Manufacturer: lead, AwareAt: aware}, kind: errs.Invalid, field: "manufacturer"},
		"another's clocks": {f: cases.CRAFields{Manufacturer: acme, AwareAt: aware}, kind: errs.Forbidden},
	} {
		t.Run(name, func(t *testing.T) {
			who := w.staff
			if name == "another's clocks" {
				who = w.memberB
			}
			w.unchanged(t, c, tc.kind, func() error {
				_, err := w.svc.SetCRA(w.ctx, who, c.ID, tc.f)
				if tc.field != "" && errs.FieldOf(err) != tc.field {
					t.Errorf("error %v, want one about %s", err, tc.field)
				}
				return err
			})
		})
	}
	cra, err := w.svc.SetCRA(w.ctx, w.memberA, c.ID, cases.CRAFields{Manufacturer: acme, AwareAt: aware})
	if err != nil {
		t.Fatal(err)
	}
	states := func(cra cases.CRA) []string {
		var out []string
		for _, cl := range cra.Clocks {
			out = append(out, cl.State(w.now))
		}
		return out
	}
	if got := states(cra); got[0] != "overdue" || got[1] != "due" || got[2] != "waiting" || !cra.Clocks[1].DueAt.Equal(aware.Add(72*time.Hour)) {
		t.Fatalf("clocks 30 hours after awareness: %v %+v", got, cra.Clocks)
	}
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.RecordCRAReport(w.ctx, w.memberA, c.ID, cases.ReportFinal, time.Time{}, "")
		return err
	})
	if cra, err = w.svc.RecordCRAReport(w.ctx, w.memberA, c.ID, cases.ReportEarlyWarning, time.Time{}, "ENISA-2026-77"); err != nil {
		t.Fatal(err)
	}
	if cra, err = w.svc.RecordCRAReport(w.ctx, w.memberA, c.ID, cases.ReportNotification, w.now, ""); err != nil {
		t.Fatal(err)
	}
	fix := w.now.Add(-24 * time.Hour)
	if cra, err = w.svc.SetCRA(w.ctx, w.staff, c.ID, cases.CRAFields{Manufacturer: acme, AwareAt: aware, FixAvailableAt: fix, Version: cra.Version}); err != nil {
		t.Fatal(err)
	}
	if got := states(cra); got[0] != "late" || got[1] != "made" || got[2] != "due" || !cra.Clocks[2].DueAt.Equal(fix.Add(14*24*time.Hour)) ||
		cra.Clocks[0].Reference != "ENISA-2026-77" {
		t.Fatalf("after two reports and a fix: %v %+v", got, cra.Clocks)
	}
	w.unchanged(t, c, errs.Conflict, func() error {
		_, err := w.svc.SetCRA(w.ctx, w.staff, c.ID, cases.CRAFields{Manufacturer: acme, AwareAt: aware, Version: 1})
		return err
	})
	w.unchanged(t, c, errs.Invalid, func() error {
		_, err := w.svc.RecordCRAReport(w.ctx, w.staff, c.ID, "postcard", time.Time{}, "")
		return err
	})
	open := w.count(`SELECT COUNT(*) FROM deadlines WHERE case_id = $1 AND participant_id = $2 AND status = 'open' AND kind LIKE 'cra_%'`, c.ID, acme)
	met := w.count(`SELECT COUNT(*) FROM deadlines WHERE case_id = $1 AND status = 'met' AND kind LIKE 'cra_%'`, c.ID)
	if open != 1 || met != 2 {
		t.Fatalf("CRA deadlines: %d open (want the final report), %d met (want 2)", open, met)
	}
	if sums := w.summaries(c, w.memberA); !containsText(sums, "CRA early warning made") || !containsText(sums, "Marked as an actively exploited vulnerability") {
		t.Fatalf("timeline: %v", sums)
	}
}
