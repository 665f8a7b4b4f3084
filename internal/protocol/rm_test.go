package protocol

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The spec's RM transitions: the oracle for the rules in RMState.Step.
var rmSpec = []string{"S-r->R", "R-v->V", "R-i->I", "I-v->V", "I-c->C", "V-a->A", "V-d->D", "A-d->D", "A-c->C", "D-a->A", "D-c->C"}

func TestRMEveryStateEvent(t *testing.T) {
	legal := make(map[string]bool)
	for _, tr := range rmSpec {
		legal[tr] = true
	}
	allStates := []RMState{RMStart, RMReceived, RMInvalid, RMValid, RMAccepted, RMDeferred, RMClosed}
	for _, s := range allStates {
		for _, e := range RMEvents() {
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
			if se.Machine != RM || se.State != s.String() || se.Event != e.String() || se.Rule == "" || to != s {
				t.Errorf("%s %s: got %+v, state %s", s, e, se, to)
			}
		}
	}
	for key := range legal {
		t.Errorf("%s: in the spec, refused", key)
	}
}

func TestRMDerived(t *testing.T) {
	var got []string
	for _, tr := range RMTransitions() {
		got = append(got, fmt.Sprintf("%s-%s->%s", tr.From, tr.Event, tr.To))
	}
	want := []string{"S-r->R", "R-v->V", "R-i->I", "I-v->V", "I-c->C", "V-a->A", "V-d->D", "A-d->D", "A-c->C", "D-a->A", "D-c->C"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("RMTransitions (-want +got):\n%s", diff)
	}
	if got := fmt.Sprint(RMStates()); got != "[S R I V A D C]" {
		t.Errorf("RMStates = %s", got)
	}
}

func TestRMNamesAndParse(t *testing.T) {
	names := map[RMState]string{RMStart: "Start", RMReceived: "Received", RMInvalid: "Invalid", RMValid: "Valid", RMAccepted: "Accepted", RMDeferred: "Deferred", RMClosed: "Closed"}
	for s, n := range names {
		if s.Name() != n {
			t.Errorf("%s.Name() = %q, want %q", s, s.Name(), n)
		}
		if p, err := ParseRMState(s.String()); err != nil || p != s {
			t.Errorf("ParseRMState(%q) = %v, %v", s, p, err)
		}
	}
	for _, e := range RMEvents() {
		if p, err := ParseRMEvent(e.String()); err != nil || p != e {
			t.Errorf("ParseRMEvent(%q) = %v, %v", e, p, err)
		}
	}
	if _, err := ParseRMState("Q"); err == nil {
		t.Error("ParseRMState(Q): no error")
	}
	if got := RMState(9).String(); got != "RMState(9)" {
		t.Errorf("RMState(9) = %q", got)
	}
}

func TestStepErrorText(t *testing.T) {
	_, err := RMClosed.Step(RMAccept)
	want := "RM: a not allowed in state C: only a valid or deferred report can be accepted"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %q", err, want)
	}
	for _, s := range RMStates() {
		if s.Name() == "" || s.Name() == s.String() {
			t.Errorf("%s has no name", s)
		}
	}
	for _, s := range EMStates() {
		if s.Name() == "" || s.Name() == s.String() {
			t.Errorf("%s has no name", s)
		}
	}
	for _, e := range RMEvents() {
		if e.Name() == e.String() {
			t.Errorf("%s has no name", e)
		}
	}
	for _, e := range EMEvents() {
		if e.Name() == e.String() {
			t.Errorf("%s has no name", e)
		}
	}
}
