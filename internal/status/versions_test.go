package status_test

import (
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/status"
)

func TestParseVersions(t *testing.T) {
	table := []struct {
		in, want string // want "" with bad set: every version
		bad      string // a part of the error, if refused
	}{
		{"", "", ""},
		{"*", "", ""},
		{">=2.0 <2.4.1", ">=2.0 <2.4.1", ""},
		{" >= 2.0 ,  < 2.4.1 ", ">=2.0 <2.4.1", ""},
		{">=1.0 <1.9 || 2.0.3", ">=1.0 <1.9 || =2.0.3", ""},
		{"<=3.1 !=3.0.2", "<=3.1 !=3.0.2", ""},
		{">1.0.0-rc1 <1.0.0-rc9", ">1.0.0-rc1 <1.0.0-rc9", ""}, // not numeric: no order check
		{"1:2.3-4ubuntu1", "=1:2.3-4ubuntu1", ""},
		{">=2.0 <=2.0", ">=2.0 <=2.0", ""},
		{">=2.4 <2.0", "", "holds for no version"},
		{">2.0 <=2.0", "", "holds for no version"},
		{">=2.0.0 <2", "", "holds for no version"},
		{">=1 >=2", "", "two lower bounds"},
		{"<1 <=2", "", "two upper bounds"},
		{"=1.0 <2.0", "", "exact version"},
		{"1.0 2.0", "", "exact version"},
		{">=2.0 ||", "", "empty range"},
		{"^2.0", "", `"^2.0" is not a version constraint`},
		{">=", "", "not a version constraint"},
		{"=>2.0", "", "not a version constraint"},
		{"<2.0; rm -rf", "", "not a version constraint"},
		{strings.Repeat("1", 501), "", "at most 500"},
	}
	for _, c := range table {
		got, err := status.ParseVersions(c.in)
		switch {
		case c.bad != "" && (err == nil || !strings.Contains(err.Error(), c.bad)):
			t.Errorf("%q: got %v, want an error with %q", c.in, err, c.bad)
		case c.bad == "" && err != nil:
			t.Errorf("%q: %v", c.in, err)
		case c.bad == "" && got.String() != c.want:
			t.Errorf("%q: got %q, want %q", c.in, got.String(), c.want)
		}
	}
}

// FuzzParseVersions: versions come from vendors. Whatever is accepted
// reads back as itself from its normal form.
func FuzzParseVersions(f *testing.F) {
	for _, s := range []string{">=2.0 <2.4.1", "1.0 || >=2 <3 !=2.5", ">= 1", "*", "<=0.0.0-a+b~c:d", "||", ">"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := status.ParseVersions(s)
		if err != nil {
			return
		}
		again, err := status.ParseVersions(v.String())
		if err != nil || again.String() != v.String() {
			t.Fatalf("%q reads as %q, which reads as %q (%v)", s, v.String(), again.String(), err)
		}
	})
}
