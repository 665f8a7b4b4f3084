package metrics

import (
	"errors"
	"math/big"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/protocol"
)

func history(t *testing.T, caseID, events string) History {
	t.Helper()
	es, err := protocol.ParseHistory(events)
	if err != nil {
		t.Fatal(err)
	}
	h := History{CaseID: caseID, Vendor: "acme"}
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, e := range es {
		h.Events = append(h.Events, Event{Event: e, At: at.Add(time.Duration(i) * time.Hour)})
	}
	return h
}

func TestAssessInvalid(t *testing.T) {
	_, err := Assess(history(t, "c1", "VD"))
	var se *protocol.StepError
	if !errors.As(err, &se) || se.Event != "D" {
		t.Errorf("Assess(VD) = %v, want a StepError for D", err)
	}
}

func TestEvaluate(t *testing.T) {
	rep := Evaluate([]History{
		history(t, "c1", "VFDPXA"), // all met
		history(t, "c2", "PVFDXA"), // V<P, F<P, D<P missed
		history(t, "c3", "VF"),     // prefix: V<* and F<* met, D<* and the rest undetermined
		history(t, "c4", "F"),      // invalid
	})
	if rep.Histories != 3 || len(rep.Rejected) != 1 || rep.Rejected[0].CaseID != "c4" {
		t.Fatalf("histories %d, rejected %v", rep.Histories, rep.Rejected)
	}
	rows := make(map[string]Row)
	for _, r := range rep.Rows {
		rows[r.Desideratum.String()] = r
	}
	vp := rows["V<P"]
	if vp.Met != 2 || vp.Missed != 1 || vp.Undetermined != 0 || vp.Cases() != 3 {
		t.Errorf("V<P row %+v", vp)
	}
	obs, ok := vp.Observed()
	if !ok || obs.Cmp(big.NewRat(2, 3)) != 0 {
		t.Errorf("V<P observed %v", obs)
	}
	// alpha = (2/3 - 1/3) / (1 - 1/3) = 1/2
	if a, ok := vp.Alpha(); !ok || a.Cmp(big.NewRat(1, 2)) != 0 {
		t.Errorf("V<P alpha %v", a)
	}
	dp := rows["D<P"]
	if dp.Met != 1 || dp.Missed != 1 || dp.Undetermined != 1 {
		t.Errorf("D<P row %+v", dp)
	}
	empty := Evaluate(nil)
	if _, ok := empty.Rows[0].Observed(); ok {
		t.Error("observed frequency with no histories")
	}
	if _, ok := empty.Rows[0].Alpha(); ok {
		t.Error("alpha with no histories")
	}
}

func TestAlpha(t *testing.T) {
	tests := []struct {
		obs, base *big.Rat
		want      *big.Rat
		ok        bool
	}{
		{big.NewRat(1, 3), big.NewRat(1, 3), big.NewRat(0, 1), true},
		{big.NewRat(1, 1), big.NewRat(1, 3), big.NewRat(1, 1), true},
		{big.NewRat(0, 1), big.NewRat(1, 2), big.NewRat(-1, 1), true},
		{big.NewRat(1, 2), big.NewRat(1, 1), nil, false},
		{big.NewRat(1, 2), nil, nil, false},
	}
	for _, tt := range tests {
		got, ok := Alpha(tt.obs, tt.base)
		if ok != tt.ok || (ok && got.Cmp(tt.want) != 0) {
			t.Errorf("Alpha(%v, %v) = %v, %v; want %v, %v", tt.obs, tt.base, got, ok, tt.want, tt.ok)
		}
	}
}
