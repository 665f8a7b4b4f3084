package protocol

import (
	"errors"
	"fmt"
	"testing"
)

// The consent transitions as doc.go states them: the oracle for
// ConsentState.Step.
var consentSpec = []string{
	"no embargo-invite->invited", "declined-invite->invited", "lapsed-invite->invited",
	"invited-accept->signatory", "lapsed-accept->signatory",
	"invited-decline->declined",
	"signatory-lapse->lapsed",
	"lapsed-reinstate->signatory",
	"invited-clear->no embargo", "signatory-clear->no embargo", "declined-clear->no embargo", "lapsed-clear->no embargo",
}

func TestConsentEveryStateEvent(t *testing.T) {
	legal := make(map[string]bool)
	for _, tr := range consentSpec {
		legal[tr] = true
	}
	for _, s := range []ConsentState{ConsentNone, ConsentInvited, ConsentSignatory, ConsentDeclined, ConsentLapsed} {
		for _, e := range ConsentEvents() {
			to, err := s.Step(e)
			key := fmt.Sprintf("%s-%s->%s", s, e, to)
			if err == nil {
				if !legal[key] {
					t.Errorf("%s: allowed, not in the rules", key)
				}
				delete(legal, key)
				continue
			}
			var se *StepError
			if !errors.As(err, &se) || se.Machine != Consent || se.Rule == "" || to != s {
				t.Errorf("%s %s: got %v", s, e, err)
			}
		}
	}
	for key := range legal {
		t.Errorf("%s: in the rules, refused", key)
	}
	if n, m := len(ConsentStates()), len(ConsentTransitions()); n != 5 || m != 12 {
		t.Errorf("consent: %d states, %d transitions; want 5 and 12", n, m)
	}
}
