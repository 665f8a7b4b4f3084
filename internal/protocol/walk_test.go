package protocol

import (
	"errors"
	"slices"
	"testing"

	"pgregory.net/rapid"
)

// walk takes random events from start and checks that every step either
// reaches a derived state or fails with a *StepError of machine m, leaving
// the state as it was; inv, if not nil, must hold in every state reached.
func walk[S comparable, E any](t *rapid.T, m Machine, start []S, states []S, events []E, step func(S, E) (S, error), inv func(S) bool) {
	s := rapid.SampledFrom(start).Draw(t, "start")
	for range rapid.IntRange(0, 30).Draw(t, "steps") {
		e := rapid.SampledFrom(events).Draw(t, "event")
		next, err := step(s, e)
		if err != nil {
			var se *StepError
			if !errors.As(err, &se) || se.Machine != m || se.Rule == "" || next != s {
				t.Fatalf("%v %v: %v, state %v", s, e, err, next)
			}
			continue
		}
		if !slices.Contains(states, next) || (inv != nil && !inv(next)) {
			t.Fatalf("%v %v: reached %v, not a valid state", s, e, next)
		}
		s = next
	}
}

func TestRandomWalks(t *testing.T) {
	t.Run("RM", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			walk(t, RM, []RMState{RMStart, RMAccepted}, RMStates(), RMEvents(), RMState.Step, nil)
		})
	})
	t.Run("EM", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			walk(t, EM, []EMState{EMNone}, EMStates(), EMEvents(), EMState.Step, nil)
		})
	})
	t.Run("consent", func(t *testing.T) {
		rapid.Check(t, func(t *rapid.T) {
			walk(t, Consent, []ConsentState{ConsentNone}, ConsentStates(), ConsentEvents(), ConsentState.Step, nil)
		})
	})
	t.Run("CS", func(t *testing.T) {
		// The invariants restated from the rules: F needs V, D needs F.
		inv := func(s CSState) bool {
			return (!s.Has(FixReady) || s.Has(VendorAware)) && (!s.Has(FixDeployed) || s.Has(FixReady))
		}
		rapid.Check(t, func(t *rapid.T) {
			walk(t, CS, []CSState{CSStart}, CSStates(), CSEvents(), CSState.Step, inv)
		})
	})
}

// TestDerivedCounts: the derived machines have the sizes the spec gives, and
// deriving twice gives the same result.
func TestDerivedCounts(t *testing.T) {
	tests := []struct {
		name                string
		states, transitions int
		wantS, wantT        int
	}{
		{"RM", len(RMStates()), len(RMTransitions()), 7, 11},
		{"EM", len(EMStates()), len(EMTransitions()), 5, 10},
		{"CS", len(CSStates()), len(CSTransitions()), 32, 58},
		{"consent", len(ConsentStates()), len(ConsentTransitions()), 5, 12},
	}
	for _, tt := range tests {
		if tt.states != tt.wantS || tt.transitions != tt.wantT {
			t.Errorf("%s: %d states, %d transitions; want %d and %d", tt.name, tt.states, tt.transitions, tt.wantS, tt.wantT)
		}
	}
	if !slices.Equal(CSTransitions(), CSTransitions()) || !slices.Equal(RMTransitions(), RMTransitions()) ||
		!slices.Equal(EMTransitions(), EMTransitions()) {
		t.Error("derivation is not stable")
	}
	if n := len(CSHistories()); n != 70 {
		t.Errorf("CS histories = %d, want 70", n)
	}
}
