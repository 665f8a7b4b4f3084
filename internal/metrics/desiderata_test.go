package metrics

import (
	"fmt"
	"math/big"
	"testing"

	"github.com/parleycvd/parley/internal/protocol"
	"pgregory.net/rapid"
)

func TestDesiderata(t *testing.T) {
	want := "[V<P V<X V<A F<P F<X F<A D<P D<X D<A P<X P<A X<A]"
	if got := fmt.Sprint(Desiderata()); got != want {
		t.Errorf("Desiderata = %s, want %s", got, want)
	}
	for _, d := range Desiderata() {
		if p, err := ParseDesideratum(d.String()); err != nil || p != d {
			t.Errorf("ParseDesideratum(%q) = %v, %v", d, p, err)
		}
	}
	if _, err := ParseDesideratum("P<V"); err == nil {
		t.Error("ParseDesideratum(P<V): no error")
	}
}

// historyProbabilities computes, independently of Baselines, the probability
// of every complete history as the product of 1/(number of allowed events)
// along it.
func historyProbabilities() map[string]*big.Rat {
	out := make(map[string]*big.Rat)
	for _, h := range protocol.CSHistories() {
		p := big.NewRat(1, 1)
		s := protocol.CSStart
		for _, e := range h {
			p.Mul(p, big.NewRat(1, int64(len(s.Allowed()))))
			s, _ = s.Step(e)
		}
		out[protocol.FormatHistory(h)] = p
	}
	return out
}

func TestBaselines(t *testing.T) {
	bs := Baselines()
	if len(bs) != 12 {
		t.Fatalf("%d baselines", len(bs))
	}
	if got := bs[0]; got.Desideratum.String() != "V<P" || got.Frequency.Cmp(big.NewRat(1, 3)) != 0 {
		t.Errorf("V<P baseline = %s, want exactly 1/3", got.Frequency.RatString())
	}
	probs := historyProbabilities()
	total := new(big.Rat)
	for _, p := range probs {
		total.Add(total, p)
	}
	if total.Cmp(big.NewRat(1, 1)) != 0 {
		t.Errorf("history probabilities sum to %s", total.RatString())
	}
	for _, b := range bs {
		want := new(big.Rat)
		for h, p := range probs {
			events, _ := protocol.ParseHistory(h)
			if b.Desideratum.Outcome(events) == Met {
				want.Add(want, p)
			}
		}
		if b.Frequency.Cmp(want) != 0 {
			t.Errorf("%s: baseline %s, by enumeration %s", b.Desideratum, b.Frequency.RatString(), want.RatString())
		}
		if b.Frequency.Sign() <= 0 || b.Frequency.Cmp(big.NewRat(1, 1)) >= 0 {
			t.Errorf("%s: baseline %s out of (0,1)", b.Desideratum, b.Frequency.RatString())
		}
	}
}

func TestOutcome(t *testing.T) {
	vp := Desideratum{Before: protocol.VendorAware, After: protocol.PublicAware}
	tests := []struct {
		history string
		want    Outcome
	}{
		{"", Undetermined},
		{"A", Undetermined},
		{"V", Met},
		{"VFP", Met},
		{"P", Missed},
		{"PV", Missed},
		{"XPV", Missed},
	}
	for _, tt := range tests {
		h, err := protocol.ParseHistory(tt.history)
		if err != nil {
			t.Fatal(err)
		}
		if got := vp.Outcome(h); got != tt.want {
			t.Errorf("V<P on %q = %s, want %s", tt.history, got, tt.want)
		}
	}
}

// TestOutcomeFinal: once determined on a prefix, an outcome never changes as
// the history goes on, and every complete history determines every
// desideratum.
func TestOutcomeFinal(t *testing.T) {
	hs := protocol.CSHistories()
	rapid.Check(t, func(t *rapid.T) {
		h := rapid.SampledFrom(hs).Draw(t, "history")
		n := rapid.IntRange(0, len(h)).Draw(t, "prefix")
		for _, d := range Desiderata() {
			full, prefix := d.Outcome(h), d.Outcome(h[:n])
			if full == Undetermined || (prefix != Undetermined && prefix != full) {
				t.Fatalf("%s on %s: prefix %d says %s, full history %s", d, protocol.FormatHistory(h), n, prefix, full)
			}
		}
	})
}
