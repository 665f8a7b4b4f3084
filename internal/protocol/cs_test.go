package protocol

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// specHistory is the oracle: the spec's CS rules restated over a whole
// ordering of the six events (positions in h): V before F before D; if P
// comes before V, V comes right after P; if X comes before P, P comes right
// after X.
func specHistory(h string) bool {
	pos := func(c byte) int { return strings.IndexByte(h, c) }
	v, f, d, p, x := pos('V'), pos('F'), pos('D'), pos('P'), pos('X')
	if !(v < f && f < d) {
		return false
	}
	if p < v && v != p+1 {
		return false
	}
	if x < p && p != x+1 {
		return false
	}
	return true
}

// permutations returns every ordering of the letters of s.
func permutations(s string) []string {
	if len(s) <= 1 {
		return []string{s}
	}
	var out []string
	for i := range len(s) {
		for _, rest := range permutations(s[:i] + s[i+1:]) {
			out = append(out, s[i:i+1]+rest)
		}
	}
	return out
}

// specCS returns the oracle's complete histories and its legal steps, as
// "state-event".
func specCS(t *testing.T) (histories []string, steps map[string]bool, states map[string]bool) {
	t.Helper()
	steps = make(map[string]bool)
	states = map[string]bool{"vfdpxa": true}
	for _, h := range permutations("VFDPXA") {
		if !specHistory(h) {
			continue
		}
		histories = append(histories, h)
		s := CSStart
		for i := range len(h) {
			e, _ := ParseCSEvent(h[i : i+1])
			steps[s.String()+"-"+e.String()] = true
			s = s.with(e)
			states[s.String()] = true
		}
	}
	return histories, steps, states
}

func TestCSEveryStateEvent(t *testing.T) {
	_, legal, reachable := specCS(t)
	for s := CSStart; s <= csAll; s++ {
		if !reachable[s.String()] {
			continue
		}
		for _, e := range CSEvents() {
			key := s.String() + "-" + e.String()
			to, err := s.Step(e)
			if err == nil {
				if !legal[key] {
					t.Errorf("%s: allowed, the spec forbids it", key)
				}
				if to != s.with(e) {
					t.Errorf("%s: went to %s", key, to)
				}
				delete(legal, key)
				continue
			}
			var se *StepError
			if !errors.As(err, &se) || se.Machine != CS || se.State != s.String() || se.Event != e.String() || se.Rule == "" || to != s {
				t.Errorf("%s: got %v, state %s", key, err, to)
			}
		}
	}
	for key := range legal {
		t.Errorf("%s: the spec allows it, refused", key)
	}
}

func TestCSDerivedCounts(t *testing.T) {
	histories, steps, states := specCS(t)
	if got := len(CSStates()); got != 32 || got != len(states) {
		t.Errorf("CS states = %d, want 32 (oracle %d)", got, len(states))
	}
	if got := len(CSTransitions()); got != 58 || got != len(steps) {
		t.Errorf("CS transitions = %d, want 58 (oracle %d)", got, len(steps))
	}
	var got []string
	for _, h := range CSHistories() {
		got = append(got, FormatHistory(h))
	}
	slices.Sort(got)
	slices.Sort(histories)
	if len(got) != 70 || !slices.Equal(got, histories) {
		t.Errorf("CS histories: %d, oracle %d, equal %v", len(got), len(histories), slices.Equal(got, histories))
	}
	// vfd takes only the four values the rules allow.
	vfd := make(map[string]bool)
	for _, s := range CSStates() {
		vfd[s.String()[:3]] = true
	}
	if len(vfd) != 4 || !vfd["vfd"] || !vfd["Vfd"] || !vfd["VFd"] || !vfd["VFD"] {
		t.Errorf("vfd values: %v", vfd)
	}
	// Topological order: every transition goes forward.
	index := make(map[CSState]int)
	for i, s := range CSStates() {
		index[s] = i
	}
	for _, tr := range CSTransitions() {
		if index[tr.From] >= index[tr.To] {
			t.Errorf("%s -%s-> %s goes backwards", tr.From, tr.Event, tr.To)
		}
	}
	// Only VFDPXA is final.
	for _, s := range CSStates() {
		if (len(s.Allowed()) == 0) != s.Complete() {
			t.Errorf("%s: allowed %v", s, s.Allowed())
		}
	}
}

func TestCSRules(t *testing.T) {
	tests := []struct {
		state string
		event CSEvent
		rule  string
	}{
		{"Vfdpxa", VendorAware, ruleOnce},
		{"vfdpxa", FixReady, ruleFixNeedsV},
		{"Vfdpxa", FixDeployed, ruleDeployF},
		{"vfdPxa", ExploitPublic, rulePublic},
		{"vfdPxa", Attacks, rulePublic},
		{"VfdpXa", FixReady, ruleExploit},
		{"vfdpXa", VendorAware, ruleExploit},
		{"VfdpXa", Attacks, ruleExploit},
	}
	for _, tt := range tests {
		s, err := ParseCSState(tt.state)
		if err != nil {
			t.Fatal(err)
		}
		_, err = s.Step(tt.event)
		var se *StepError
		if !errors.As(err, &se) || se.Rule != tt.rule {
			t.Errorf("%s %s: got %v, want rule %q", tt.state, tt.event, err, tt.rule)
		}
	}
	// A does not force P.
	if _, err := CSState(1 << Attacks).Step(ExploitPublic); err != nil {
		t.Errorf("vfdpxA X: %v", err)
	}
}

func TestCSParse(t *testing.T) {
	for s := CSStart; s <= csAll; s++ {
		p, err := ParseCSState(s.String())
		if err != nil || p != s {
			t.Errorf("ParseCSState(%q) = %v, %v", s, p, err)
		}
	}
	for _, bad := range []string{"", "vfdpx", "vfdpxaa", "fvdpxa", "VFDPXQ"} {
		if _, err := ParseCSState(bad); err == nil {
			t.Errorf("ParseCSState(%q): no error", bad)
		}
	}
	for _, e := range CSEvents() {
		if p, err := ParseCSEvent(e.String()); err != nil || p != e {
			t.Errorf("ParseCSEvent(%q) = %v, %v", e, p, err)
		}
		if e.CaseWide() != strings.Contains("PXA", e.String()) {
			t.Errorf("%s.CaseWide() = %v", e, e.CaseWide())
		}
		if e.Name() == e.String() {
			t.Errorf("%s has no name", e)
		}
	}
}
