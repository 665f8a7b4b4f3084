package ssvc

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// officialCSVs names the official CSV of each tree, in testdata/csv.
var officialCSVs = map[string]string{
	"coordinator-triage":  "coordinator_triage_1_0_0.csv",
	"coordinator-publish": "coordinator_publish_decision_table_1_0_0.csv",
	"supplier":            "supplier_patch_development_priority_1_0_0.csv",
	"deployer":            "deployer_patch_application_priority_1_0_0.csv",
}

// officialCSV reads an official SSVC CSV: it drops the leading "row" index
// column and returns the input column headers, the outcome column header, and
// the records (inputs then outcome).
func officialCSV(t *testing.T, name string) (inputs []string, outcome string, rows [][]string) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "csv", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	if len(recs) < 2 || recs[0][0] != "row" {
		t.Fatalf("%s: unexpected shape", name)
	}
	head := recs[0][1:]
	for _, r := range recs[1:] {
		rows = append(rows, r[1:])
	}
	return head[:len(head)-1], head[len(head)-1], rows
}

func newRegistryT(t testing.TB) *Registry {
	t.Helper()
	r, err := New()
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return r
}

func treeT(t testing.TB, r *Registry, id string) *Tree {
	t.Helper()
	tree, err := r.Tree(id)
	if err != nil {
		t.Fatal(err)
	}
	return tree
}

func TestSsvcTrees(t *testing.T) {
	r := newRegistryT(t)
	tests := []struct {
		id, table, name, version, outcome string
		inputs, derived                   []string
		outcomes                          []string
	}{
		{"coordinator-triage", "ssvc:DT_COORD_TRIAGE:1.0.0", "Coordinator Triage", "1.0.0", "ssvc:COORDINATE:1.0.1",
			[]string{"ssvc:RP:1.0.0", "ssvc:SCON:1.0.0", "ssvc:RC:1.0.0", "ssvc:SC:1.0.0", "ssvc:SE:1.0.0", "ssvc:U:1.0.1", "ssvc:PSI:2.0.1"},
			[]string{"ssvc:DT_U:1.0.0", "ssvc:DT_PSI:1.0.0"}, []string{"Decline", "Track", "Coordinate"}},
		{"coordinator-publish", "ssvc:DT_COORD_PUBLISH:1.0.0", "Coordinator Publish Decision Table", "1.0.0", "ssvc:PUBLISH:1.0.0",
			[]string{"ssvc:SINV:1.0.0", "ssvc:E:1.1.0", "ssvc:PVA:1.0.0"},
			nil, []string{"Do Not Publish", "Publish"}},
		{"supplier", "ssvc:DT_SP:1.0.0", "Supplier Patch Development Priority", "1.0.0", "ssvc:DSOI:1.0.0",
			[]string{"ssvc:E:1.1.0", "ssvc:U:1.0.1", "ssvc:TI:1.0.0", "ssvc:PSI:2.0.1"},
			[]string{"ssvc:DT_U:1.0.0", "ssvc:DT_PSI:1.0.0"}, []string{"Defer", "Scheduled", "Out-of-Cycle", "Immediate"}},
		{"deployer", "ssvc:DT_DP:1.0.0", "Deployer Patch Application Priority", "1.0.0", "ssvc:DSOI:1.0.0",
			[]string{"ssvc:E:1.1.0", "ssvc:EXP:1.0.1", "ssvc:A:2.0.0", "ssvc:HI:2.0.2"},
			[]string{"ssvc:DT_HI:1.0.0"}, []string{"Defer", "Scheduled", "Out-of-Cycle", "Immediate"}},
	}
	trees := r.Trees()
	if len(trees) != len(tests) {
		t.Fatalf("got %d trees, want %d", len(trees), len(tests))
	}
	for i, tt := range tests {
		tree := trees[i]
		if tree.ID != tt.id || tree.Table.ID() != tt.table || tree.Table.Name != tt.name ||
			tree.Table.Version != tt.version || tree.Table.Outcome.ID() != tt.outcome {
			t.Errorf("tree %d = %s %s %q %s -> %s, want %s %s %q %s -> %s", i, tree.ID, tree.Table.ID(), tree.Table.Name,
				tree.Table.Version, tree.Table.Outcome.ID(), tt.id, tt.table, tt.name, tt.version, tt.outcome)
		}
		if got := ids(tree.Table.Inputs); strings.Join(got, " ") != strings.Join(tt.inputs, " ") {
			t.Errorf("%s inputs = %v, want %v", tt.id, got, tt.inputs)
		}
		var derived []string
		for _, d := range tree.Derivations {
			derived = append(derived, d.ID())
		}
		if strings.Join(derived, " ") != strings.Join(tt.derived, " ") {
			t.Errorf("%s derivations = %v, want %v", tt.id, derived, tt.derived)
		}
		if got := tree.Table.Outcome.ValueNames(); strings.Join(got, "|") != strings.Join(tt.outcomes, "|") {
			t.Errorf("%s outcomes = %v, want %v", tt.id, got, tt.outcomes)
		}
	}
}

func ids(dps []DecisionPoint) []string {
	out := make([]string, len(dps))
	for i, dp := range dps {
		out[i] = dp.ID()
	}
	return out
}

// TestSsvcOfficialRows evaluates every row of each tree's official CSV.
func TestSsvcOfficialRows(t *testing.T) {
	r := newRegistryT(t)
	for id, file := range officialCSVs {
		t.Run(id, func(t *testing.T) {
			tree := treeT(t, r, id)
			inputs, outcome, rows := officialCSV(t, file)
			// The CSV columns are the table's inputs in the JSON's order.
			for i, in := range tree.Table.Inputs {
				if want := in.Name + " v" + in.Version; i >= len(inputs) || inputs[i] != want {
					t.Fatalf("CSV columns %v, want %s at %d", inputs, want, i)
				}
			}
			if want := tree.Table.Outcome.Name + " v" + tree.Table.Outcome.Version; outcome != want {
				t.Errorf("outcome column %q, want %q", outcome, want)
			}
			if len(rows) != tree.Table.Rows() {
				t.Errorf("CSV has %d rows, table %d", len(rows), tree.Table.Rows())
			}
			for n, row := range rows {
				input := map[string]string{}
				for i, h := range inputs {
					input[h] = row[i]
				}
				e, err := tree.Evaluate(input)
				if err != nil {
					t.Fatalf("row %d: %v", n, err)
				}
				if got, want := strings.ToLower(e.Outcome.Name), row[len(row)-1]; got != want {
					t.Errorf("row %d %v: got %q, want %q", n, row, got, want)
				}
			}
		})
	}
}

// TestSsvcDerivedInputs replaces each derived value in every official row by
// every combination of helper inputs that derives it (according to the
// official helper CSVs), and checks the outcome does not change.
func TestSsvcDerivedInputs(t *testing.T) {
	r := newRegistryT(t)
	// helper CSVs: derived decision point name -> derived value -> input combinations
	type combo map[string]string
	helpers := map[string]map[string][]combo{}
	for _, file := range []string{"utility_1_0_0.csv", "public_safety_impact_1_0_0.csv", "human_impact_1_0_0.csv"} {
		inputs, outcome, rows := officialCSV(t, file)
		name := strings.TrimSpace(outcome[:strings.LastIndex(outcome, " v")])
		helpers[name] = map[string][]combo{}
		for _, row := range rows {
			c := combo{}
			for i, h := range inputs {
				c[h] = row[i]
			}
			out := row[len(row)-1]
			helpers[name][out] = append(helpers[name][out], c)
		}
	}
	for id, file := range officialCSVs {
		t.Run(id, func(t *testing.T) {
			tree := treeT(t, r, id)
			inputs, _, rows := officialCSV(t, file)
			evaluated := 0
			for n, row := range rows {
				base := map[string]string{}
				for i, h := range inputs {
					base[h] = row[i]
				}
				variants := []map[string]string{base}
				replaced := false
				for i, h := range inputs {
					name := h[:strings.LastIndex(h, " v")]
					byValue, ok := helpers[name]
					if !ok {
						continue
					}
					var next []map[string]string
					for _, v := range variants {
						for _, c := range byValue[row[i]] {
							m := map[string]string{}
							for k, x := range v {
								if k != h {
									m[k] = x
								}
							}
							for k, x := range c {
								m[k] = x
							}
							// The inputs alone, and the inputs with the derived value.
							both := map[string]string{h: row[i]}
							for k, x := range m {
								both[k] = x
							}
							next = append(next, m, both)
						}
					}
					variants, replaced = next, true
				}
				if !replaced {
					continue // base is checked by TestSsvcOfficialRows
				}
				for _, in := range variants {
					e, err := tree.Evaluate(in)
					if err != nil {
						t.Fatalf("row %d %v: %v", n, in, err)
					}
					if got, want := strings.ToLower(e.Outcome.Name), row[len(row)-1]; got != want {
						t.Errorf("row %d %v: got %q, want %q", n, in, got, want)
					}
					evaluated++
				}
			}
			if (len(tree.Derivations) > 0) != (evaluated > 0) {
				t.Errorf("%d derivations, %d derived evaluations", len(tree.Derivations), evaluated)
			}
		})
	}
}

// TestSsvcEmbeddedDataUsed checks the embedded data holds nothing unused.
func TestSsvcEmbeddedDataUsed(t *testing.T) {
	r := newRegistryT(t)
	used := map[string]bool{}
	tables := map[string]bool{}
	for _, tree := range r.Trees() {
		for _, tb := range append([]*Table{tree.Table}, tree.Derivations...) {
			tables[tb.Source] = true
			used[tb.Outcome.ID()] = true
			for _, in := range tb.Inputs {
				used[in.ID()] = true
			}
		}
	}
	points, err := loadDecisionPoints(data)
	if err != nil {
		t.Fatal(err)
	}
	for id := range points {
		if !used[id] {
			t.Errorf("decision point %s is embedded but unused", id)
		}
	}
	if len(points) != len(used) {
		t.Errorf("%d decision points embedded, %d used", len(points), len(used))
	}
	if len(tables) != 7 {
		t.Errorf("%d tables used, want 7: %v", len(tables), tables)
	}
}
