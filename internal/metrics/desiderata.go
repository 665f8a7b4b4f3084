package metrics

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/parleycvd/parley/internal/protocol"
)

// Desideratum is a wish about the order of two CS events: Before should
// happen before After (written "V<P").
type Desideratum struct {
	Before protocol.CSEvent
	After  protocol.CSEvent
}

// String returns e.g. "V<P".
func (d Desideratum) String() string { return d.Before.String() + "<" + d.After.String() }

// ParseDesideratum parses e.g. "V<P"; it must be one of Desiderata.
func ParseDesideratum(s string) (Desideratum, error) {
	for _, d := range Desiderata() {
		if d.String() == strings.TrimSpace(s) {
			return d, nil
		}
	}
	return Desideratum{}, fmt.Errorf("unknown desideratum %q (want e.g. V<P)", s)
}

// Desiderata returns the twelve desiderata of Householder and Spring: every
// pair of events, in V F D P X A order, whose later event is one the
// defenders do not control (P, X or A). In order: V<P V<X V<A F<P F<X F<A
// D<P D<X D<A P<X P<A X<A.
func Desiderata() []Desideratum {
	var ds []Desideratum
	events := protocol.CSEvents()
	for i, a := range events {
		for _, b := range events[i+1:] {
			if b.CaseWide() {
				ds = append(ds, Desideratum{Before: a, After: b})
			}
		}
	}
	return ds
}

// Outcome is whether a history meets a desideratum.
type Outcome uint8

// The outcomes. A history that has neither event cannot tell yet.
const (
	Undetermined Outcome = iota // neither event has happened
	Met                         // Before happened, and After not before it
	Missed                      // After happened without Before before it
)

// String returns "undetermined", "met" or "missed".
func (o Outcome) String() string {
	switch o {
	case Undetermined:
		return "undetermined"
	case Met:
		return "met"
	case Missed:
		return "missed"
	}
	return fmt.Sprintf("Outcome(%d)", uint8(o))
}

// Outcome judges d on events, complete or a prefix, in the order they
// happened. Since events are never undone, the outcome is final as soon as
// either event has happened: met once Before has happened while After has
// not, missed once After has happened without Before before it, undetermined
// while neither has happened.
func (d Desideratum) Outcome(events []protocol.CSEvent) Outcome {
	for _, e := range events {
		switch e {
		case d.Before:
			return Met
		case d.After:
			return Missed
		}
	}
	return Undetermined
}

// Baseline is a desideratum's baseline frequency: the share of complete
// histories meeting it when every allowed next event is equally likely in
// every state.
type Baseline struct {
	Desideratum Desideratum
	Frequency   *big.Rat
}

// Baselines returns the baseline frequency of every desideratum, in
// Desiderata order, computed exactly from the CS model: it walks the
// transitions in topological order, giving each state's probability to its
// allowed events in equal shares, and adds to d the probability of every
// transition by d.After from a state where d.Before holds.
func Baselines() []Baseline {
	ds := Desiderata()
	freq := make([]*big.Rat, len(ds))
	for i := range freq {
		freq[i] = new(big.Rat)
	}
	ts := protocol.CSTransitions() // ordered by source, topologically
	outdeg := make(map[protocol.CSState]int64)
	for _, t := range ts {
		outdeg[t.From]++
	}
	reach := map[protocol.CSState]*big.Rat{protocol.CSStart: big.NewRat(1, 1)}
	for _, t := range ts {
		p := new(big.Rat).Mul(reach[t.From], big.NewRat(1, outdeg[t.From]))
		if reach[t.To] == nil {
			reach[t.To] = new(big.Rat)
		}
		reach[t.To].Add(reach[t.To], p)
		for i, d := range ds {
			if t.Event == d.After && t.From.Has(d.Before) {
				freq[i].Add(freq[i], p)
			}
		}
	}
	bs := make([]Baseline, len(ds))
	for i, d := range ds {
		bs[i] = Baseline{Desideratum: d, Frequency: freq[i]}
	}
	return bs
}
