package auth

import (
	"strings"
	"testing"
)

// FuzzNormalizeEmail: whatever is accepted is a plain, lower-case address
// without spaces or line breaks, and normalising it again changes nothing.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@example.org", " A@Example.ORG ", "x", "a b@c.d", "\"q\"@x.y", "a@b", "<a@b.c>", "a@b.c\r\nBcc: x@y.z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := NormalizeEmail("email", s)
		if err != nil {
			return
		}
		if strings.ContainsAny(got, " \r\n<>") || got != strings.ToLower(got) || !strings.Contains(got, "@") {
			t.Fatalf("%q accepted as %q", s, got)
		}
		if again, err := NormalizeEmail("email", got); err != nil || again != got {
			t.Fatalf("%q: not stable: %q, %v", got, again, err)
		}
	})
}
