package protocol

import (
	"strconv"
	"testing"
)

// BenchmarkRecordPublic10k records P in a case of 10,000 vendors none of
// which knows yet: the model then owes V for every one of them.
func BenchmarkRecordPublic10k(b *testing.B) {
	c := Case{cs: CaseState{vendors: map[string]CSState{}}, parts: map[string]Participant{}}
	var err error
	for i := range 10000 {
		if c, err = c.AddParticipant(strconv.Itoa(i), RMStart, true); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		_, changes, err := c.Record(CaseEvent{Event: PublicAware})
		if err != nil || len(changes) != 10001 {
			b.Fatalf("%d changes, %v", len(changes), err)
		}
	}
}
