package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/parleycvd/parley/internal/metrics"
	"github.com/parleycvd/parley/internal/protocol"
)

// runCLI runs the program in-process and returns stdout, stderr and the exit
// code.
func runCLI(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), append([]string{"parley"}, args...), func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), exitCode(err, io.Discard)
}

func TestProtocolTransitionsCSV(t *testing.T) {
	tests := []struct {
		machine string
		rows    int
		first   string
	}{
		{"rm", 11, "S,r,R"},
		{"em", 10, "N,p,P"},
		{"cs", 58, "vfdpxa,V,Vfdpxa"},
	}
	for _, tt := range tests {
		for _, args := range [][]string{
			{"protocol", "transitions", tt.machine},
			{"protocol", "transitions", tt.machine, "--format", "csv"},
			{"protocol", "transitions", "--format=csv", tt.machine},
		} {
			out, _, code := runCLI(t, args...)
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if code != 0 || lines[0] != "from,event,to" || len(lines) != tt.rows+1 || lines[1] != tt.first {
				t.Errorf("%v: exit %d, %d lines, first %q", args, code, len(lines), lines[:min(2, len(lines))])
			}
		}
	}
}

func TestProtocolTransitionsGraphs(t *testing.T) {
	out, _, code := runCLI(t, "protocol", "transitions", "em", "--format", "mermaid")
	if code != 0 || !strings.HasPrefix(out, "stateDiagram-v2\n    [*] --> N\n") || !strings.Contains(out, "    R --> A: r\n") {
		t.Errorf("mermaid: exit %d\n%s", code, out)
	}
	if n := strings.Count(out, "-->"); n != 11 {
		t.Errorf("mermaid: %d arrows, want 10 transitions and the start", n)
	}
	out, _, code = runCLI(t, "protocol", "transitions", "rm", "--format", "dot")
	if code != 0 || !strings.HasPrefix(out, "digraph rm {") || !strings.Contains(out, "\t\"S\" -> \"R\" [label=\"r\"];\n") || !strings.HasSuffix(out, "}\n") {
		t.Errorf("dot: exit %d\n%s", code, out)
	}
}

func TestProtocolHistory(t *testing.T) {
	tests := []struct {
		events string
		out    string
		code   int
	}{
		{"VFPDXA", "valid\n", 0},
		{"V,F,P", "valid prefix\n", 0},
		{"PX", "invalid: step 2: X not allowed in state vfdPxa: once P holds, the only allowed event is V until V holds (vendors know what the public knows)\n", 1},
		{"VFQ", "invalid: position 3: unknown event 'Q' (want one of V F D P X A, upper case)\n", 1},
		{"VV", "invalid: position 2: event V repeated (each event happens once and is never undone)\n", 1},
	}
	for _, tt := range tests {
		out, errOut, code := runCLI(t, "protocol", "history", tt.events)
		if out != tt.out || code != tt.code || errOut != "" {
			t.Errorf("history %s: exit %d, stdout %q, stderr %q; want %d, %q", tt.events, code, out, errOut, tt.code, tt.out)
		}
	}
}

func TestProtocolUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"protocol"},
		{"protocol", "nope"},
		{"protocol", "transitions"},
		{"protocol", "transitions", "xx"},
		{"protocol", "transitions", "rm", "--format", "svg"},
		{"protocol", "transitions", "rm", "--bogus"},
		{"protocol", "history"},
		{"metrics"},
		{"metrics", "nope"},
		{"metrics", "baseline", "--format", "json"},
		{"metrics", "baseline", "extra"},
		{"metrics", "skill", "--format", "xml"},
	} {
		if _, _, code := runCLI(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if out, _, code := runCLI(t, "protocol", "help"); code != 0 || !strings.Contains(out, "transitions") {
		t.Errorf("protocol help: exit %d, %q", code, out)
	}
}

func TestMetricsBaseline(t *testing.T) {
	out, _, code := runCLI(t, "metrics", "baseline", "--format", "csv")
	want := `desideratum,fraction,decimal
V<P,1/3,0.3333
V<X,2/3,0.6667
V<A,3/4,0.7500
F<P,1/9,0.1111
F<X,1/3,0.3333
F<A,3/8,0.3750
D<P,1/27,0.0370
D<X,1/6,0.1667
D<A,3/16,0.1875
P<X,1/2,0.5000
P<A,2/3,0.6667
X<A,1/2,0.5000
`
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	if diff := cmp.Diff(want, out); diff != "" {
		t.Errorf("baseline csv (-want +got):\n%s", diff)
	}
	out, _, code = runCLI(t, "metrics", "baseline")
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if code != 0 || len(lines) != 13 || !strings.HasPrefix(lines[0], "DESIDERATUM") || strings.Join(strings.Fields(lines[1]), " ") != "V<P 0.3333 1/3" {
		t.Errorf("baseline table: exit %d\n%s", code, out)
	}
}

func TestMetricsSkillBadDate(t *testing.T) {
	var stderr bytes.Buffer
	err := run(context.Background(), []string{"parley", "metrics", "skill", "--since", "last week"}, func(string) string { return "" }, strings.NewReader(""), io.Discard, &stderr)
	if code := exitCode(err, &stderr); code != 2 || !strings.Contains(stderr.String(), "want a date") {
		t.Errorf("metrics skill: exit %d, %q", code, stderr.String())
	}
}

// skillReport is a report over three histories, one of them invalid.
func skillReport(t *testing.T) metrics.Report {
	t.Helper()
	var hs []metrics.History
	for i, s := range []string{"VFDPXA", "PVFDXA", "F"} {
		h := metrics.History{CaseID: string(rune('a' + i)), Vendor: "acme"}
		for _, c := range s {
			e, err := protocol.ParseCSEvent(string(c))
			if err != nil {
				t.Fatal(err)
			}
			h.Events = append(h.Events, metrics.Event{Event: e})
		}
		hs = append(hs, h)
	}
	return metrics.Evaluate(hs)
}

func TestWriteSkill(t *testing.T) {
	rep := skillReport(t)
	var b bytes.Buffer
	if err := writeSkill(&b, "csv", rep); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	// V<P: met once, missed once: observed 1/2, alpha (1/2-1/3)/(2/3) = 1/4.
	if lines[0] != "desideratum,baseline,observed,cases,alpha" || lines[1] != "V<P,0.3333,0.5000,2,0.2500" || lines[10] != "P<X,0.5000,1.0000,2,1.0000" {
		t.Errorf("csv:\n%s", b.String())
	}

	b.Reset()
	if err := writeSkill(&b, "table", rep); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2 histories, 1 rejected") || !strings.Contains(b.String(), "rejected: case c, vendor acme") {
		t.Errorf("table:\n%s", b.String())
	}

	b.Reset()
	if err := writeSkill(&b, "json", rep); err != nil {
		t.Fatal(err)
	}
	var got skillJSON
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	vp := got.Desiderata[0]
	if got.Histories != 2 || len(got.Rejected) != 1 || vp.Desideratum != "V<P" || vp.BaselineFraction != "1/3" ||
		vp.Observed == nil || *vp.Observed != 0.5 || vp.Alpha == nil || *vp.Alpha != 0.25 || vp.Cases != 2 {
		t.Errorf("json: %+v, V<P %+v", got, vp)
	}

	// Undefined values: empty in csv, "-" in the table, null in json.
	empty := metrics.Evaluate(nil)
	b.Reset()
	writeSkill(&b, "csv", empty)
	if !strings.Contains(b.String(), "\nV<P,0.3333,,0,\n") {
		t.Errorf("empty csv:\n%s", b.String())
	}
	b.Reset()
	writeSkill(&b, "json", empty)
	if !strings.Contains(b.String(), `"observed": null`) {
		t.Errorf("empty json:\n%s", b.String())
	}
	if err := writeSkill(io.Discard, "xml", rep); err == nil {
		t.Error("unknown format: no error")
	}
}

func TestDecimal(t *testing.T) {
	if got := decimal(big.NewRat(-1, 8)); got != "-0.1250" {
		t.Errorf("decimal(-1/8) = %q", got)
	}
	var ee *exitError
	if err := checkFormat("x", "csv", "table"); !errors.As(err, &ee) || ee.code != 2 {
		t.Errorf("checkFormat: %v", err)
	}
}
