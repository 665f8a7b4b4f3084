package main

import (
	"regexp"
	"strings"
	"testing"
)

// The bench command is how the note's figures are made: it must run both
// targets end to end with every request succeeding. The figures themselves
// are not checked (timing belongs to benchmarks, not tests).
func TestBenchRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("drives the server under load")
	}
	for _, target := range []string{"orgs", "reports"} {
		out, errOut, code := runCLI(t, "bench", "--target", target, "--duration", "300ms", "--clients", "4", "--orgs", "3")
		if code != 0 {
			t.Fatalf("bench --target %s: exit %d\n%s%s", target, code, out, errOut)
		}
		rows := regexp.MustCompile(`(?m)^.+ req/s .+\((\d+) requests, 0 errors\)$`).FindAllStringSubmatch(out, -1)
		want := map[string]int{"orgs": 2, "reports": 3}[target]
		if len(rows) != want {
			t.Fatalf("bench --target %s: %d result rows, want %d:\n%s", target, len(rows), want, out)
		}
		for _, r := range rows {
			if r[1] == "0" {
				t.Errorf("bench --target %s: a run sent no request: %s", target, r[0])
			}
		}
		if !strings.Contains(out, "ratio: ") {
			t.Errorf("bench --target %s: no ratio line:\n%s", target, out)
		}
	}
}
