package cases_test

import (
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/protocol"
)

// TestCSHistories: the journal gives each vendor its own events and the
// case's, in the order they were recorded, with their times.
func TestCSHistories(t *testing.T) {
	w := newWorld(t)
	c := w.open("Case")
	ps := w.add(c, []cases.Role{cases.RoleVendor}, w.acme, w.bolt)
	acme, bolt := ps[0], ps[1]
	w.now = w.now.Add(time.Hour)
	if _, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.FixReady, Vendor: itoa(acme.ID)}); err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(time.Hour)
	if _, err := w.svc.RecordCS(w.ctx, w.staff, c.ID, protocol.CaseEvent{Event: protocol.PublicAware}); err != nil {
		t.Fatal(err)
	}
	hs, err := w.svc.CSHistories(w.ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, h := range hs {
		if h.CaseKey != c.Key {
			t.Fatalf("history of %s", h.CaseKey)
		}
		var evs []protocol.CSEvent
		for _, r := range h.Events {
			evs = append(evs, r.Event)
		}
		got[h.Vendor] = protocol.FormatHistory(evs)
		if h.Vendor == acme.ID && !h.Events[2].At.Equal(w.now) {
			t.Errorf("P recorded at %v, want %v", h.Events[2].At, w.now)
		}
	}
	if len(got) != 2 || got[acme.ID] != "VFP" || got[bolt.ID] != "PV" {
		t.Fatalf("histories %v; want acme VFP, bolt PV", got)
	}
	if later, _ := w.svc.CSHistories(w.ctx, w.now.Add(time.Minute)); len(later) != 0 {
		t.Fatalf("since a later time: %d histories", len(later))
	}
}
