package protocol

import (
	"testing"

	"pgregory.net/rapid"
)

func TestSnapshotRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := Case{}
		var err error
		for _, id := range []string{"coord", "acme", "globex"} {
			rm := RMStart
			if id == "coord" {
				rm = RMAccepted
			}
			if c, err = c.AddParticipant(id, rm, id != "coord"); err != nil {
				t.Fatal(err)
			}
		}
		for range rapid.IntRange(0, 12).Draw(t, "steps") {
			switch rapid.IntRange(0, 2).Draw(t, "kind") {
			case 0:
				e := CSEvents()[rapid.IntRange(0, 5).Draw(t, "cs")]
				v := ""
				if !e.CaseWide() {
					v = rapid.SampledFrom([]string{"acme", "globex"}).Draw(t, "vendor")
				}
				if n, _, err := c.Record(CaseEvent{Event: e, Vendor: v}); err == nil {
					c = n
				}
			case 1:
				e := EMEvents()[rapid.IntRange(0, 3).Draw(t, "em")]
				if n, _, err := c.StepEM("coord", e); err == nil {
					c = n
				}
			case 2:
				if n, _, err := c.Submit("coord", rapid.SampledFrom([]string{"acme", "globex"}).Draw(t, "to")); err == nil {
					c = n
				}
			}
		}
		r, err := Restore(c.Snapshot())
		if err != nil {
			t.Fatalf("restore of a reachable case: %v", err)
		}
		if r.EM() != c.EM() || r.CS().Global() != c.CS().Global() {
			t.Fatalf("restored %v/%v, want %v/%v", r.EM(), r.CS().Global(), c.EM(), c.CS().Global())
		}
		for _, id := range c.Participants() {
			a, _ := c.Participant(id)
			b, _ := r.Participant(id)
			va, _ := c.CS().Vendor(id)
			vb, _ := r.CS().Vendor(id)
			if a != b || va != vb {
				t.Fatalf("participant %s: %+v/%v restored as %+v/%v", id, a, va, b, vb)
			}
		}
	})
}

func TestRestoreRefusesImpossibleStates(t *testing.T) {
	bad := []Snapshot{
		{Global: 1 << VendorAware},
		{Participants: map[string]StoredParticipant{"a": {Participant: Participant{Vendor: true}, VFD: 1 << FixReady}}},
		{Participants: map[string]StoredParticipant{"a": {Participant: Participant{Vendor: false}, VFD: 1 << VendorAware}}},
		{EM: EMNone, Participants: map[string]StoredParticipant{"a": {Participant: Participant{Consent: ConsentSignatory}}}},
	}
	for i, s := range bad {
		if _, err := Restore(s); err == nil {
			t.Errorf("snapshot %d restored", i)
		}
	}
}
