package protocol

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The spec's EM transitions: the oracle for the rules in EMState.Step.
var emSpec = []string{"N-p->P", "P-p->P", "P-r->N", "P-a->A", "A-p->R", "R-p->R", "R-a->A", "R-r->A", "A-t->X", "R-t->X"}

func TestEMEveryStateEvent(t *testing.T) {
	legal := make(map[string]bool)
	for _, tr := range emSpec {
		legal[tr] = true
	}
	for _, s := range []EMState{EMNone, EMProposed, EMActive, EMRevise, EMExited} {
		for _, e := range EMEvents() {
			to, err := s.Step(e)
			key := fmt.Sprintf("%s-%s->%s", s, e, to)
			if err == nil {
				if !legal[key] {
					t.Errorf("%s: allowed, the spec forbids it", key)
				}
				delete(legal, key)
				continue
			}
			var se *StepError
			if !errors.As(err, &se) {
				t.Fatalf("%s %s: error %T, want *StepError", s, e, err)
			}
			if se.Machine != EM || se.State != s.String() || se.Event != e.String() || se.Rule == "" || to != s {
				t.Errorf("%s %s: got %+v, state %s", s, e, se, to)
			}
		}
	}
	for key := range legal {
		t.Errorf("%s: in the spec, refused", key)
	}
}

func TestEMDerived(t *testing.T) {
	var got []string
	for _, tr := range EMTransitions() {
		got = append(got, fmt.Sprintf("%s-%s->%s", tr.From, tr.Event, tr.To))
	}
	want := []string{"N-p->P", "P-p->P", "P-r->N", "P-a->A", "A-p->R", "A-t->X", "R-p->R", "R-r->A", "R-a->A", "R-t->X"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("EMTransitions (-want +got):\n%s", diff)
	}
	if got := fmt.Sprint(EMStates()); got != "[N P A R X]" {
		t.Errorf("EMStates = %s", got)
	}
	for _, s := range EMStates() {
		if s.Active() != (s == EMActive || s == EMRevise) {
			t.Errorf("%s.Active() = %v", s, s.Active())
		}
		if p, err := ParseEMState(s.String()); err != nil || p != s {
			t.Errorf("ParseEMState(%q) = %v, %v", s, p, err)
		}
	}
	for _, e := range EMEvents() {
		if p, err := ParseEMEvent(e.String()); err != nil || p != e {
			t.Errorf("ParseEMEvent(%q) = %v, %v", e, p, err)
		}
	}
}
