package store

import "testing"

// FuzzDecodeCursor: cursors come from clients; bad ones are refused, good
// ones round-trip.
func FuzzDecodeCursor(f *testing.F) {
	f.Add(EncodeCursor(42))
	f.Add("")
	f.Add("aWQ6LTE")
	f.Fuzz(func(t *testing.T, c string) {
		id, err := DecodeCursor(c)
		if err != nil {
			return
		}
		if id < 0 {
			t.Fatalf("%q decoded to negative %d", c, id)
		}
		if c != "" {
			if again, _ := DecodeCursor(EncodeCursor(id)); again != id {
				t.Fatalf("%d does not round-trip", id)
			}
		}
	})
}
