package protocol

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestValidateHistory(t *testing.T) {
	tests := []struct {
		in   string
		want string
	}{
		{"", "valid prefix"},
		{"VFPDXA", "valid"},
		{"V,F,P", "valid prefix"},
		{"V, F, P", "valid prefix"},
		{"PVFDXA", "valid"},
		{"XPVFDA", "valid"},
		{"AXPVFD", "valid"},
		{"VFDPXA", "valid"},
		{"F", "invalid: step 1: F not allowed in state vfdpxa: " + ruleFixNeedsV},
		{"VD", "invalid: step 2: D not allowed in state Vfdpxa: " + ruleDeployF},
		{"PX", "invalid: step 2: X not allowed in state vfdPxa: " + rulePublic},
		{"VXA", "invalid: step 3: A not allowed in state VfdpXa: " + ruleExploit},
	}
	for _, tt := range tests {
		h, err := ParseHistory(tt.in)
		if err != nil {
			t.Errorf("ParseHistory(%q): %v", tt.in, err)
			continue
		}
		if got := ValidateHistory(h).String(); got != tt.want {
			t.Errorf("%q: got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidateEveryHistoryAndPrefix(t *testing.T) {
	for _, h := range CSHistories() {
		for i := range len(h) {
			if r := ValidateHistory(h[:i]); r.Verdict != HistoryValidPrefix {
				t.Errorf("%s: %v", FormatHistory(h[:i]), r)
			}
		}
		if r := ValidateHistory(h); r.Verdict != HistoryValid || !r.State.Complete() {
			t.Errorf("%s: %v", FormatHistory(h), r)
		}
	}
	// Every permutation the oracle rejects is invalid.
	for _, p := range permutations("VFDPXA") {
		h, _ := ParseHistory(p)
		if got := ValidateHistory(h).Verdict == HistoryValid; got != specHistory(p) {
			t.Errorf("%s: valid %v, oracle %v", p, got, specHistory(p))
		}
	}
}

func TestParseHistoryErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"VFQ", `position 3: unknown event 'Q'`},
		{"vf", `position 1: unknown event 'v'`},
		{"V,F,V", "position 5: event V repeated"},
		{"VV", "position 2: event V repeated"},
	}
	for _, tt := range tests {
		_, err := ParseHistory(tt.in)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseHistory(%q) = %v, want %q", tt.in, err, tt.want)
		}
	}
}

func FuzzParseHistory(f *testing.F) {
	for _, s := range []string{"VFPDXA", "V,F,P", "V F P", "", "VV", "Q", "vfdpxa", "P,,X", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, err := ParseHistory(s)
		if err != nil {
			if h != nil {
				t.Errorf("ParseHistory(%q) returned events with an error", s)
			}
			return
		}
		if len(h) > 6 {
			t.Fatalf("ParseHistory(%q): %d events", s, len(h))
		}
		var seen CSState
		for _, e := range h {
			if e > Attacks || seen.Has(e) {
				t.Fatalf("ParseHistory(%q): bad or repeated event %v", s, e)
			}
			seen = seen.with(e)
		}
		// Round trip through the canonical form.
		back, err := ParseHistory(FormatHistory(h))
		if err != nil || FormatHistory(back) != FormatHistory(h) {
			t.Fatalf("round trip of %q: %v, %v", s, back, err)
		}
		r := ValidateHistory(h)
		if !utf8.ValidString(r.String()) {
			t.Fatalf("result not UTF-8: %q", r.String())
		}
		if (r.Verdict == HistoryInvalid) != (r.Err != nil) {
			t.Fatalf("%q: verdict %v with error %v", s, r.Verdict, r.Err)
		}
		if r.Verdict == HistoryValid && len(h) != 6 {
			t.Fatalf("%q: valid with %d events", s, len(h))
		}
	})
}
