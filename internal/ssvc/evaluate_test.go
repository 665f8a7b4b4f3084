package ssvc

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

func TestSsvcEvaluate(t *testing.T) {
	r := newRegistryT(t)
	tests := []struct {
		tree  string
		input map[string]string
		want  string
	}{
		{"coordinator-publish", map[string]string{"supplier involvement": "FR", "EXPLOITATION": "active", "Public Value Added": "precedence"}, "Publish"},
		{"coordinator-publish", map[string]string{"Supplier Involvement v1.0.0": "uncooperative/unresponsive", "Exploitation": "none", "Public Value Added": "l"}, "Do Not Publish"},
		{"supplier", map[string]string{"Exploitation": "public poc", "Automatable": "yes", "Value Density": "concentrated", "Technical Impact": "total", "Safety Impact": "critical"}, "Immediate"},
		{"supplier", map[string]string{"Exploitation": "none", "Utility": "laborious", "Technical Impact": "partial", "Public Safety Impact": "minimal"}, "Defer"},
		{"deployer", map[string]string{"Exploitation": "active", "System Exposure": "open", "Automatable": "yes", "Safety Impact": "negligible", "Mission Impact": "mission failure"}, "Immediate"},
		// Partial helper inputs are recorded but the derived value is given.
		{"deployer", map[string]string{"Exploitation": "N", "System Exposure": "S", "Automatable": "N", "Human Impact": "L", "Safety Impact": "marginal"}, "Defer"},
		{"coordinator-triage", map[string]string{"Report Public": "no", "Supplier Contacted": "yes", "Report Credibility": "credible", "Supplier Cardinality": "multiple",
			"Supplier Engagement": "active", "Automatable": "yes", "Value Density": "concentrated", "Safety Impact": "catastrophic"}, "Coordinate"},
	}
	for _, tt := range tests {
		e, err := treeT(t, r, tt.tree).Evaluate(tt.input)
		if err != nil {
			t.Errorf("%s %v: %v", tt.tree, tt.input, err)
			continue
		}
		if e.Outcome.Name != tt.want {
			t.Errorf("%s %v: got %s, want %s", tt.tree, tt.input, e.Outcome.Name, tt.want)
		}
		if e.Tree.ID != tt.tree {
			t.Errorf("evaluation tree %s, want %s", e.Tree.ID, tt.tree)
		}
		if len(e.Selections) != len(tt.input)+countDerived(e) {
			t.Errorf("%s: %d selections for %d inputs: %+v", tt.tree, len(e.Selections), len(tt.input), e.Selections)
		}
	}
}

func countDerived(e Evaluation) int {
	n := 0
	for _, s := range e.Selections {
		if s.Derived {
			n++
		}
	}
	return n
}

func TestSsvcEvaluateDerivedSelections(t *testing.T) {
	r := newRegistryT(t)
	e, err := treeT(t, r, "supplier").Evaluate(map[string]string{
		"Exploitation": "active", "Automatable": "no", "Value Density": "diffuse", "Technical Impact": "partial", "Safety Impact": "negligible",
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range e.Selections {
		mark := ""
		if s.Derived {
			mark = "*"
		}
		got = append(got, s.DecisionPoint.Key+"="+s.Value.Key+mark)
	}
	want := "E=A A=N VD=D U=L* TI=P SI=N PSI=M*"
	if strings.Join(got, " ") != want {
		t.Errorf("selections %v, want %s", got, want)
	}
	if e.Outcome.Name != "Out-of-Cycle" {
		t.Errorf("outcome %s, want Out-of-Cycle", e.Outcome.Name)
	}
}

func TestSsvcEvaluateErrors(t *testing.T) {
	r := newRegistryT(t)
	publish := map[string]string{"Supplier Involvement": "cooperative", "Exploitation": "none", "Public Value Added": "limited"}
	with := func(m map[string]string, k, v string) map[string]string {
		out := map[string]string{k: v}
		for a, b := range m {
			if !strings.EqualFold(a, k) {
				out[a] = b
			}
		}
		return out
	}
	without := func(m map[string]string, k string) map[string]string {
		out := map[string]string{}
		for a, b := range m {
			if a != k {
				out[a] = b
			}
		}
		return out
	}
	supplier := map[string]string{"Exploitation": "none", "Utility": "laborious", "Technical Impact": "partial", "Public Safety Impact": "minimal"}
	tests := []struct {
		name     string
		tree     string
		input    map[string]string
		want     error
		contains []string
	}{
		{"unknown decision point", "coordinator-publish", with(publish, "Report Public", "yes"), ErrUnknownDecisionPoint,
			[]string{`unknown decision point "Report Public"`, "Supplier Involvement, Exploitation, Public Value Added"}},
		{"unknown value", "coordinator-publish", with(publish, "Exploitation", "maybe"), ErrUnknownValue,
			[]string{`Exploitation: unknown value "maybe"`, "None (N), Public PoC (P), Active (A)"}},
		{"empty value", "coordinator-publish", with(publish, "Exploitation", ""), ErrUnknownValue, nil},
		{"missing", "coordinator-publish", without(publish, "Exploitation"), ErrMissingDecisionPoint,
			[]string{"missing decision points: Exploitation"}},
		{"missing derived", "supplier", without(without(supplier, "Utility"), "Public Safety Impact"), ErrMissingDecisionPoint,
			[]string{"Utility (or Automatable and Value Density), Public Safety Impact (or Safety Impact)"}},
		{"half the helper inputs", "supplier", with(without(supplier, "Utility"), "Automatable", "yes"), ErrMissingDecisionPoint,
			[]string{"Utility (or Automatable and Value Density)"}},
		{"duplicate", "coordinator-publish", map[string]string{"Supplier Involvement": "C", "Exploitation": "N", "exploitation v1.1.0": "N", "Public Value Added": "L"},
			ErrDuplicateDecisionPoint, []string{"decision point Exploitation given more than once"}},
		{"inconsistent derived", "supplier", with(with(supplier, "Automatable", "yes"), "Value Density", "concentrated"), ErrInconsistent,
			[]string{"Utility is Laborious, but its inputs give Super Effective"}},
		{"helper input of another tree", "deployer", map[string]string{"Exploitation": "none", "System Exposure": "small", "Automatable": "no", "Human Impact": "low", "Value Density": "diffuse"},
			ErrUnknownDecisionPoint, []string{"Safety Impact, Mission Impact"}},
		{"empty input", "deployer", nil, ErrMissingDecisionPoint, []string{"Exploitation, System Exposure, Automatable, Human Impact (or Safety Impact and Mission Impact)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := treeT(t, r, tt.tree).Evaluate(tt.input)
			if err == nil {
				t.Fatalf("got %+v, want error", e.Outcome)
			}
			if !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
			var ie *InputError
			if !errors.As(err, &ie) || ie.Tree != tt.tree {
				t.Errorf("error %#v is not an *InputError of %s", err, tt.tree)
			}
			for _, s := range tt.contains {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
		})
	}
}

func TestSsvcUnknownTree(t *testing.T) {
	r := newRegistryT(t)
	_, err := r.Tree("cisa")
	if !errors.Is(err, ErrUnknownTree) {
		t.Fatalf("got %v, want ErrUnknownTree", err)
	}
	want := `unknown decision tree "cisa"; valid: coordinator-triage, coordinator-publish, supplier, deployer`
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
	if tree, err := r.Tree(" Supplier "); err != nil || tree.ID != "supplier" {
		t.Errorf("Tree(Supplier) = %v, %v", tree, err)
	}
}

// TestSsvcBrokenData checks that New refuses damaged data.
func TestSsvcBrokenData(t *testing.T) {
	const triage = "data/decision_tables/coordinator_triage_1_0_0.json"
	const utility = "data/decision_tables/utility_1_0_0.json"
	const rp = "data/decision_points/report_public_1_0_0.json"
	tests := []struct {
		name   string
		change func(fstest.MapFS)
		want   string
	}{
		{"intact", func(fstest.MapFS) {}, ""},
		{"no tables", func(m fstest.MapFS) {
			for k := range m {
				if strings.HasPrefix(k, "data/decision_tables/") {
					delete(m, k)
				}
			}
		}, "no embedded decision tables"},
		{"tree table missing", func(m fstest.MapFS) { delete(m, triage) }, "DT_COORD_TRIAGE:1.0.0 is not embedded"},
		{"truncated JSON", func(m fstest.MapFS) { m[triage].Data = m[triage].Data[:100] }, "coordinator_triage_1_0_0.json"},
		{"definition file missing", func(m fstest.MapFS) { delete(m, rp) }, "ssvc:RP:1.0.0 has no definition file"},
		{"definition differs", func(m fstest.MapFS) { replace(m, rp, "A public report", "A published report") }, "differs from its definition file"},
		{"row removed", func(m fstest.MapFS) {
			replace(m, utility, `{
      "ssvc:A:2.0.0": "N",
      "ssvc:VD:1.0.0": "D",
      "ssvc:U:1.0.1": "L"
    },`, "")
		}, "mapping has 3 rows, want 4"},
		{"row repeated", func(m fstest.MapFS) { replace(m, utility, `"ssvc:VD:1.0.0": "C"`, `"ssvc:VD:1.0.0": "D"`) }, "repeats a combination"},
		{"unknown value key", func(m fstest.MapFS) { replace(m, utility, `"ssvc:U:1.0.1": "L"`, `"ssvc:U:1.0.1": "X"`) }, "outcome ssvc:U:1.0.1 has no valid value"},
		{"unknown field", func(m fstest.MapFS) { replace(m, utility, `"outcome":`, `"extra": 1, "outcome":`) }, "unknown field"},
		{"schema version", func(m fstest.MapFS) {
			replace(m, utility, `"schemaVersion": "2.0.0",
  "decision_points"`, `"schemaVersion": "3.0.0",
  "decision_points"`)
		}, `schemaVersion "3.0.0"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := copyData(t)
			tt.change(m)
			r, err := newRegistry(m)
			if tt.want == "" {
				if err != nil || len(r.Trees()) != 4 {
					t.Fatalf("newRegistry: %v", err)
				}
				return
			}
			if err == nil || r != nil {
				t.Fatalf("got %v, %v; want an error containing %q", r, err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q lacks %q", err, tt.want)
			}
		})
	}
}

func copyData(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(data, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(data, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func replace(m fstest.MapFS, name, old, new string) {
	s := string(m[name].Data)
	if !strings.Contains(s, old) {
		panic(name + " lacks " + old)
	}
	m[name] = &fstest.MapFile{Data: []byte(strings.Replace(s, old, new, 1))}
}
