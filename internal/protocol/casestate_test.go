package protocol

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
	"pgregory.net/rapid"
)

func mustCase(t rapid.TB, vendors ...string) CaseState {
	t.Helper()
	s, err := NewCaseState(vendors...)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func apply(t rapid.TB, s CaseState, es ...CaseEvent) CaseState {
	t.Helper()
	for _, e := range es {
		var err error
		if s, err = s.Apply(e); err != nil {
			t.Fatalf("Apply(%s): %v", e, err)
		}
	}
	return s
}

func TestCaseStateApply(t *testing.T) {
	s := mustCase(t, "acme", "globex")
	s = apply(t, s, CaseEvent{Event: VendorAware, Vendor: "acme"}, CaseEvent{Event: PublicAware})
	// globex lacks V: nothing else happens to the case...
	err := s.Check(CaseEvent{Event: ExploitPublic})
	var se *StepError
	if !errors.As(err, &se) || se.Rule != rulePublic || se.State != "vfdPxa (vendor globex)" {
		t.Errorf("X with globex unaware: %v", err)
	}
	// ...but acme may go on.
	s = apply(t, s, CaseEvent{Event: FixReady, Vendor: "acme"})
	if p, _ := s.Vendor("acme"); p.String() != "VFdPxa" {
		t.Errorf("acme = %s", p)
	}
	if got := fmt.Sprint(s.Owed()); got != "[V(globex)]" {
		t.Errorf("Owed = %s", got)
	}
	// Malformed events are plain errors.
	for _, e := range []CaseEvent{{Event: PublicAware, Vendor: "acme"}, {Event: FixReady}, {Event: FixReady, Vendor: "nobody"}, {Event: 9}} {
		if err := s.Check(e); err == nil || errors.As(err, &se) {
			t.Errorf("Check(%v) = %v, want a plain error", e, err)
		}
	}
	// No vendors: only the case-wide rules.
	z := apply(t, CaseState{}, CaseEvent{Event: ExploitPublic})
	if err := z.Check(CaseEvent{Event: Attacks}); !errors.As(err, &se) || se.Rule != ruleExploit || se.State != "...pXa" {
		t.Errorf("no vendors, X then A: %v", err)
	}
	z = apply(t, z, CaseEvent{Event: PublicAware}, CaseEvent{Event: Attacks})
	if z.Global().String() != "vfdPXA" {
		t.Errorf("global = %s", z.Global())
	}
}

func TestCaseStatePlan(t *testing.T) {
	v := func(id string) CaseEvent { return CaseEvent{Event: VendorAware, Vendor: id} }
	f := func(id string) CaseEvent { return CaseEvent{Event: FixReady, Vendor: id} }
	d := func(id string) CaseEvent { return CaseEvent{Event: FixDeployed, Vendor: id} }
	p, x, a := CaseEvent{Event: PublicAware}, CaseEvent{Event: ExploitPublic}, CaseEvent{Event: Attacks}
	tests := []struct {
		name  string
		setup []CaseEvent
		event CaseEvent
		want  Plan
	}{
		{"allowed as is", nil, v("acme"), Plan{Event: v("acme")}},
		{"X forces P, P forces V", nil, x, Plan{Event: x, After: []CaseEvent{p, v("acme"), v("globex")}}},
		{"P forces V for the unaware", []CaseEvent{v("acme")}, p, Plan{Event: p, After: []CaseEvent{v("globex")}}},
		{"D presupposes V and F", nil, d("acme"), Plan{Before: []CaseEvent{v("acme"), f("acme")}, Event: d("acme")}},
		{"after X, P comes first", []CaseEvent{x}, a, Plan{Before: []CaseEvent{p, v("acme"), v("globex")}, Event: a}},
		{"after X, a vendor's F", []CaseEvent{x}, f("acme"), Plan{Before: []CaseEvent{p, v("acme")}, Event: f("acme"), After: []CaseEvent{v("globex")}}},
		{"A does not force P", nil, a, Plan{Event: a}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := apply(t, mustCase(t, "acme", "globex"), tt.setup...)
			got, err := s.Plan(tt.event)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Plan (-want +got):\n%s", diff)
			}
		})
	}
	s := apply(t, mustCase(t, "acme"), v("acme"))
	var se *StepError
	if _, err := s.Plan(v("acme")); !errors.As(err, &se) || se.Rule != ruleOnce {
		t.Errorf("Plan of a held event: %v", err)
	}
}

// TestCaseStatePlanProperty: from any reachable case state, the plan for any
// event not yet held applies step by step, ends with nothing owed, and keeps
// every projection a state of the model.
func TestCaseStatePlanProperty(t *testing.T) {
	reachable := make(map[CSState]bool)
	for _, s := range CSStates() {
		reachable[s] = true
	}
	rapid.Check(t, func(t *rapid.T) {
		vendors := rapid.SliceOfNDistinct(rapid.SampledFrom([]string{"a", "b", "c"}), 0, 3, rapid.ID[string]).Draw(t, "vendors")
		s := mustCase(t, vendors...)
		for range rapid.IntRange(0, 12).Draw(t, "steps") {
			e := drawCaseEvent(t, s)
			if s.Has(e) {
				continue
			}
			plan, err := s.Plan(e)
			if err != nil {
				t.Fatalf("Plan(%s) in %v: %v", e, s, err)
			}
			for _, step := range plan.Steps() {
				if s, err = s.Apply(step); err != nil {
					t.Fatalf("plan %v: step %s: %v", plan, step, err)
				}
			}
			if owed := s.Owed(); len(owed) > 0 {
				t.Fatalf("after %v, owed %v", plan, owed)
			}
			checkProjections(t, s, reachable)
		}
	})
}

func drawCaseEvent(t *rapid.T, s CaseState) CaseEvent {
	e := CaseEvent{Event: rapid.SampledFrom(CSEvents()).Draw(t, "event")}
	if !e.Event.CaseWide() {
		vs := s.Vendors()
		if len(vs) == 0 {
			e.Event += PublicAware // no vendor: a case-wide event instead
		} else {
			e.Vendor = rapid.SampledFrom(vs).Draw(t, "vendor")
		}
	}
	return e
}

func checkProjections(t *rapid.T, s CaseState, reachable map[CSState]bool) {
	for _, id := range s.Vendors() {
		if p, _ := s.Vendor(id); !reachable[p] {
			t.Fatalf("vendor %s in %s, not a state of the model", id, p)
		}
	}
	if s.Global()&vfdBits != 0 {
		t.Fatalf("global %s has vendor bits", s.Global())
	}
}
