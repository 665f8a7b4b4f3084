package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// runSsvc runs the program in-process with the given arguments after
// "parley ssvc" and returns stdout, stderr and the exit code.
func runSsvc(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	getenv := func(string) string { return "" }
	err := run(context.Background(), append([]string{"parley", "ssvc"}, args...), getenv, strings.NewReader(stdin), &stdout, &stderr)
	code := exitCode(err, io.Discard)
	if err != nil {
		stderr.WriteString(err.Error())
	}
	return stdout.String(), stderr.String(), code
}

func TestSsvcEval(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"triage coordinate", []string{"eval", "coordinator-triage", "Report Public=no", "Supplier Contacted=yes", "Report Credibility=credible",
			"Supplier Cardinality=multiple", "Supplier Engagement=active", "Utility=super effective", "Public Safety Impact=significant"}, "coordinate\n"},
		{"triage decline, derived inputs", []string{"eval", "coordinator-triage", "report public=Y", "supplier contacted=N", "report credibility=NC",
			"supplier cardinality=O", "supplier engagement=A", "Automatable=no", "Value Density=diffuse", "Safety Impact=negligible"}, "decline\n"},
		{"publish", []string{"eval", "coordinator-publish", "Supplier Involvement=fix ready", "Exploitation=public poc", "Public Value Added=limited"}, "do not publish\n"},
		{"supplier", []string{"eval", "supplier", "Exploitation=public poc", "Utility=efficient", "Technical Impact=total", "Public Safety Impact=minimal"}, "out-of-cycle\n"},
		{"deployer", []string{"eval", "deployer", "Exploitation=active", "System Exposure=open", "Automatable=yes", "Safety Impact=catastrophic", "Mission Impact=degraded"}, "immediate\n"},
		{"-- ends the flags", []string{"eval", "coordinator-publish", "--", "Supplier Involvement=C", "Exploitation=A", "Public Value Added=A"}, "publish\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runSsvc(t, "", tt.args...)
			if code != 0 || out != tt.want {
				t.Errorf("got %q (exit %d, stderr %q), want %q", out, code, errOut, tt.want)
			}
		})
	}
}

func TestSsvcEvalErrors(t *testing.T) {
	publish := []string{"Supplier Involvement=fix ready", "Exploitation=none", "Public Value Added=limited"}
	tests := []struct {
		name     string
		args     []string
		contains []string
	}{
		{"no subcommand", nil, []string{"missing subcommand"}},
		{"unknown subcommand", []string{"frobnicate"}, []string{`unknown subcommand "frobnicate"`}},
		{"no tree", []string{"eval"}, []string{"missing TREE", "coordinator-triage, coordinator-publish, supplier, deployer"}},
		{"unknown tree", append([]string{"eval", "cisa"}, publish...), []string{`unknown decision tree "cisa"`, "valid: coordinator-triage, coordinator-publish, supplier, deployer"}},
		{"unknown decision point", append([]string{"eval", "coordinator-publish", "Utility=laborious"}, publish...),
			[]string{`unknown decision point "Utility"`, "valid: Supplier Involvement, Exploitation, Public Value Added"}},
		{"unknown value", []string{"eval", "coordinator-publish", "Supplier Involvement=fix ready", "Exploitation=rampant", "Public Value Added=limited"},
			[]string{`Exploitation: unknown value "rampant"`, "valid: None (N), Public PoC (P), Active (A)"}},
		{"missing decision point", []string{"eval", "supplier", "Exploitation=none"},
			[]string{"missing decision points: Utility (or Automatable and Value Density), Technical Impact, Public Safety Impact (or Safety Impact)"}},
		{"not a pair", []string{"eval", "coordinator-publish", "Exploitation"}, []string{"not 'Decision Point=value'"}},
		{"pair twice", append([]string{"eval", "coordinator-publish", "Exploitation=none"}, publish...), []string{`"Exploitation" given twice`}},
		{"unknown flag", []string{"eval", "--yaml", "supplier"}, []string{"flag provided but not defined: -yaml"}},
		{"csv with json", []string{"eval", "--csv", "--json", "supplier"}, []string{"cannot be combined"}},
		{"target without json", append([]string{"eval", "--target", "CVE-1", "coordinator-publish"}, publish...), []string{"need --json"}},
		{"bad time", append([]string{"eval", "--json", "--time", "noon", "coordinator-publish"}, publish...), []string{"--time"}},
		{"duplicate target", append([]string{"eval", "--json", "--target", "X", "--target", "X", "coordinator-publish"}, publish...), []string{`"X" given twice`}},
		{"trees takes no argument", []string{"trees", "supplier"}, []string{`unexpected argument "supplier"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runSsvc(t, "", tt.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2 (stdout %q, stderr %q)", code, out, errOut)
			}
			if out != "" {
				t.Errorf("stdout %q, want nothing", out)
			}
			for _, s := range tt.contains {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr %q lacks %q", errOut, s)
				}
			}
		})
	}
}

func TestSsvcEvalJSON(t *testing.T) {
	out, errOut, code := runSsvc(t, "", "eval", "deployer", "--json", "--target", "CVE-2026-1234", "--target", "CASE-7",
		"--time", "2026-07-21T12:00:00+02:00", "Exploitation=none", "System Exposure=small", "Automatable=no", "Safety Impact=critical", "Mission Impact=mef failure")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var got struct {
		TargetIDs  []string `json:"target_ids"`
		Timestamp  string   `json:"timestamp"`
		Selections []struct {
			Key    string
			Values []struct{ Key, Name string }
		}
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var sels []string
	for _, s := range got.Selections {
		sels = append(sels, s.Key+"="+s.Values[0].Key)
	}
	if strings.Join(got.TargetIDs, " ") != "CVE-2026-1234 CASE-7" || got.Timestamp != "2026-07-21T10:00:00Z" ||
		strings.Join(sels, " ") != "E=N EXP=S A=N SI=R MI=MEF HI=H DSOI=S" {
		t.Errorf("got %+v, selections %v\n%s", got, sels, out)
	}
}

func TestSsvcEvalCSV(t *testing.T) {
	in := "Exploitation,Supplier Involvement,Public Value Added\n" +
		"none,fix ready,limited\n" +
		"Active,UU,\"ampliative\"\n"
	want := "Exploitation,Supplier Involvement,Public Value Added,\"Publish, Do Not Publish\"\n" +
		"none,fix ready,limited,do not publish\n" +
		"Active,UU,ampliative,publish\n"
	out, errOut, code := runSsvc(t, in, "eval", "--csv", "coordinator-publish")
	if code != 0 || out != want {
		t.Errorf("got %q (exit %d, stderr %q), want %q", out, code, errOut, want)
	}

	// The flag may follow the tree.
	out, _, code = runSsvc(t, "Exploitation,Utility,Technical Impact,Safety Impact\nactive,laborious,total,negligible\n", "eval", "supplier", "--csv")
	if want := "Exploitation,Utility,Technical Impact,Safety Impact,\"Defer, Scheduled, Out-of-Cycle, Immediate\"\nactive,laborious,total,negligible,out-of-cycle\n"; code != 0 || out != want {
		t.Errorf("got %q (exit %d), want %q", out, code, want)
	}
}

func TestSsvcEvalCSVErrors(t *testing.T) {
	const head = "Supplier Involvement,Exploitation,Public Value Added\n"
	tests := []struct {
		name, in string
		args     []string
		contains []string
	}{
		{"bad value", head + "fix ready,none,limited\ncooperative,none,lots\n", nil, []string{"line 3", `Public Value Added: unknown value "lots"`, "Limited (L)"}},
		{"short row", head + "fix ready,none\n", nil, []string{"line 2", "wrong number of fields"}},
		{"unknown column", "Exploitation,Supplier Involvement,Public Value Added,Utility\n", nil, []string{"line 1", `unknown decision point "Utility"`}},
		{"missing column", "Exploitation,Supplier Involvement\n", nil, []string{"line 1", "missing decision points: Public Value Added"}},
		{"empty", "", nil, []string{"line 1", "no header"}},
		{"pairs with csv", head, []string{"Exploitation=none"}, []string{"values come from stdin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := runSsvc(t, tt.in, append([]string{"eval", "--csv", "coordinator-publish"}, tt.args...)...)
			if code != 2 || out != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, out)
			}
			for _, s := range tt.contains {
				if !strings.Contains(errOut, s) {
					t.Errorf("stderr %q lacks %q", errOut, s)
				}
			}
		})
	}
}

func TestSsvcTrees(t *testing.T) {
	out, errOut, code := runSsvc(t, "", "trees")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{
		"coordinator-triage: Coordinator Triage v1.0.0 (ssvc:DT_COORD_TRIAGE:1.0.0, 192 rows)\n",
		"coordinator-publish: Coordinator Publish Decision Table v1.0.0 (ssvc:DT_COORD_PUBLISH:1.0.0, 27 rows)\n",
		"supplier: Supplier Patch Development Priority v1.0.0 (ssvc:DT_SP:1.0.0, 36 rows)\n",
		"deployer: Deployer Patch Application Priority v1.0.0 (ssvc:DT_DP:1.0.0, 72 rows)\n",
		"  Report Public v1.0.0 (ssvc:RP:1.0.0): Yes (Y), No (N)\n",
		"    or derived by Human Impact v1.0.0 (ssvc:DT_HI:1.0.0) from:\n      Safety Impact v2.0.1 (ssvc:SI:2.0.1): Negligible (N), Marginal (M), Critical (R), Catastrophic (C)\n",
		"  outcome: Publish, Do Not Publish v1.0.0 (ssvc:PUBLISH:1.0.0): Do Not Publish (N), Publish (P)\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("trees output lacks %q:\n%s", want, out)
		}
	}
	if n := strings.Count(out, "\n\n"); n != 3 {
		t.Errorf("%d blank lines between blocks, want 3", n)
	}
}

func TestSsvcHelp(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"eval", "-h"}, {"trees", "--help"}} {
		out, errOut, code := runSsvc(t, "", args...)
		if code != 0 || !strings.Contains(out+errOut, "parley ssvc eval") {
			t.Errorf("%v: exit %d, output %q %q", args, code, out, errOut)
		}
	}
}
