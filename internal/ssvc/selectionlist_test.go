package ssvc

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// selectionListSchema compiles testdata/schema/SelectionList_2_0_0.schema.json
// with format assertions and no loader, so nothing is fetched.
func selectionListSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "schema", "SelectionList_2_0_0.schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	const url = "https://certcc.github.io/SSVC/data/schema/v2/SelectionList_2_0_0.schema.json"
	c := jsonschema.NewCompiler()
	c.UseLoader(jsonschema.SchemeURLLoader{}) // no file or network access
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	sch, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return sch
}

func validate(t *testing.T, sch *jsonschema.Schema, b []byte) error {
	t.Helper()
	v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return sch.Validate(v)
}

func TestSsvcSelectionListSchema(t *testing.T) {
	sch := selectionListSchema(t)
	example, err := os.ReadFile(filepath.Join("testdata", "CVE-1900-1234-Decision_Point_Value_Selection-2-0-0.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := validate(t, sch, example); err != nil {
		t.Fatalf("official example: %v", err)
	}
	// The schema really checks: a wrong schemaVersion must fail.
	bad := bytes.Replace(example, []byte(`"2.0.0"`), []byte(`"2.0.1"`), 1)
	if err := validate(t, sch, bad); err == nil {
		t.Fatal("schema accepted schemaVersion 2.0.1")
	}
}

// TestSsvcSelectionListRoundTrip marshals an assessment of every official row
// of every tree, validates it against the schema and parses it back.
func TestSsvcSelectionListRoundTrip(t *testing.T) {
	r := newRegistryT(t)
	sch := selectionListSchema(t)
	at := time.Date(2026, 7, 21, 10, 30, 0, 123, time.FixedZone("CEST", 2*3600))
	for id, file := range officialCSVs {
		tree := treeT(t, r, id)
		inputs, _, rows := officialCSV(t, file)
		for n, row := range rows {
			input := map[string]string{}
			for i, h := range inputs {
				input[h] = row[i]
			}
			e, err := tree.Evaluate(input)
			if err != nil {
				t.Fatal(err)
			}
			roundTrip(t, r, sch, Assessment{Evaluation: e, TargetIDs: []string{"CVE-2026-0001", "VU#123456"}, Timestamp: at}, id, n)
		}
	}
	// Derived inputs and helper tables.
	e, err := treeT(t, r, "deployer").Evaluate(map[string]string{
		"Exploitation": "active", "System Exposure": "controlled", "Automatable": "no", "Safety Impact": "critical", "Mission Impact": "MEF Support Crippled",
	})
	if err != nil {
		t.Fatal(err)
	}
	b := roundTrip(t, r, sch, Assessment{Evaluation: e, Timestamp: at}, "deployer", -1)
	for _, want := range []string{`"key": "HI"`, `"name": "High"`, "human_impact_1_0_0.json", "deployer_patch_application_priority_1_0_0.json", `"timestamp": "2026-07-21T08:30:00Z"`} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("selection list lacks %s:\n%s", want, b)
		}
	}
	if bytes.Contains(b, []byte("target_ids")) {
		t.Errorf("selection list without targets has target_ids:\n%s", b)
	}
}

func roundTrip(t *testing.T, r *Registry, sch *jsonschema.Schema, a Assessment, id string, row int) []byte {
	t.Helper()
	b, err := MarshalSelectionList(a)
	if err != nil {
		t.Fatalf("%s row %d: %v", id, row, err)
	}
	if err := validate(t, sch, b); err != nil {
		t.Fatalf("%s row %d: schema: %v\n%s", id, row, err, b)
	}
	got, err := r.ParseSelectionList(b)
	if err != nil {
		t.Fatalf("%s row %d: parse: %v\n%s", id, row, err, b)
	}
	e := a.Evaluation
	if got.Evaluation.Tree != e.Tree || got.Evaluation.Outcome != e.Outcome ||
		!got.Timestamp.Equal(a.Timestamp.Truncate(time.Second)) ||
		strings.Join(got.TargetIDs, " ") != strings.Join(a.TargetIDs, " ") ||
		len(got.Evaluation.Selections) != len(e.Selections) {
		t.Fatalf("%s row %d: round trip gave %+v, want %+v", id, row, got, a)
	}
	for i := range e.Selections {
		g, w := got.Evaluation.Selections[i], e.Selections[i]
		if g.DecisionPoint.ID() != w.DecisionPoint.ID() || g.Value != w.Value || g.Derived {
			t.Errorf("%s row %d: selection %d = %+v, want %+v (given)", id, row, i, g, w)
		}
	}
	return b
}

func TestSsvcMarshalSelectionListErrors(t *testing.T) {
	r := newRegistryT(t)
	e, err := treeT(t, r, "coordinator-publish").Evaluate(map[string]string{"Supplier Involvement": "C", "Exploitation": "A", "Public Value Added": "P"})
	if err != nil {
		t.Fatal(err)
	}
	at := time.Unix(0, 0)
	tests := []struct {
		name string
		a    Assessment
	}{
		{"empty evaluation", Assessment{Timestamp: at}},
		{"no timestamp", Assessment{Evaluation: e}},
		{"empty target", Assessment{Evaluation: e, Timestamp: at, TargetIDs: []string{""}}},
		{"duplicate target", Assessment{Evaluation: e, Timestamp: at, TargetIDs: []string{"X", "X"}}},
	}
	for _, tt := range tests {
		if b, err := MarshalSelectionList(tt.a); err == nil {
			t.Errorf("%s: got %s, want error", tt.name, b)
		}
	}
}

func TestSsvcParseSelectionListErrors(t *testing.T) {
	r := newRegistryT(t)
	good := `{"timestamp": "2026-01-02T03:04:05Z", "schemaVersion": "2.0.0", "selections": [
		{"namespace": "ssvc", "key": "SINV", "version": "1.0.0", "values": [{"key": "C"}]},
		{"namespace": "ssvc", "key": "E", "version": "1.1.0", "values": [{"key": "A"}]},
		{"namespace": "ssvc", "key": "PVA", "version": "1.0.0", "values": [{"key": "P"}]},
		{"namespace": "ssvc", "key": "PUBLISH", "version": "1.0.0", "name": "Publish, Do Not Publish", "values": [{"key": "P", "name": "Publish"}]}]}`
	a, err := r.ParseSelectionList([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if a.Evaluation.Tree.ID != "coordinator-publish" || a.Evaluation.Outcome.Name != "Publish" {
		t.Fatalf("parsed %+v", a)
	}
	example, err := os.ReadFile(filepath.Join("testdata", "CVE-1900-1234-Decision_Point_Value_Selection-2-0-0.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		in   string
		want error // nil: any error
	}{
		{"recorded outcome disagrees", strings.Replace(good, `[{"key": "P", "name": "Publish"}]`, `[{"key": "N"}]`, 1), ErrInconsistent},
		{"unknown value key", strings.Replace(good, `[{"key": "A"}]`, `[{"key": "Z"}]`, 1), ErrUnknownValue},
		{"missing input", strings.Replace(good, `{"namespace": "ssvc", "key": "E", "version": "1.1.0", "values": [{"key": "A"}]},`, "", 1), ErrMissingDecisionPoint},
		{"duplicate", strings.Replace(good, `"values": [{"key": "C"}]},`, `"values": [{"key": "C"}]}, {"namespace": "ssvc", "key": "SINV", "version": "1.0.0", "values": [{"key": "C"}]},`, 1), ErrDuplicateDecisionPoint},
		{"two values", strings.Replace(good, `[{"key": "C"}]`, `[{"key": "C"}, {"key": "FR"}]`, 1), nil},
		{"value name wrong", strings.Replace(good, `"name": "Publish"}`, `"name": "Do Not Publish"}`, 1), nil},
		{"decision point name wrong", strings.Replace(good, `"name": "Publish, Do Not Publish"`, `"name": "Publish"`, 1), nil},
		{"other version", strings.Replace(good, `"version": "1.1.0"`, `"version": "1.0.0"`, 1), nil},
		{"schema version", strings.Replace(good, `"schemaVersion": "2.0.0"`, `"schemaVersion": "1.0.0"`, 1), nil},
		{"bad timestamp", strings.Replace(good, `2026-01-02T03:04:05Z`, `yesterday`, 1), nil},
		{"unknown field", strings.Replace(good, `"schemaVersion"`, `"tree": "x", "schemaVersion"`, 1), nil},
		{"trailing data", good + "{}", nil},
		{"no selections", `{"timestamp": "2026-01-02T03:04:05Z", "schemaVersion": "2.0.0", "selections": []}`, nil},
		{"not JSON", `selections`, nil},
		{"official example lacks inputs", string(example), ErrMissingDecisionPoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := r.ParseSelectionList([]byte(tt.in))
			if err == nil {
				t.Fatalf("got %+v, want error", a)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want %v", err, tt.want)
			}
		})
	}
}

// TestSsvcSelectionListShape pins the JSON written for one assessment.
func TestSsvcSelectionListShape(t *testing.T) {
	r := newRegistryT(t)
	e, err := treeT(t, r, "coordinator-publish").Evaluate(map[string]string{"Supplier Involvement": "fix ready", "Exploitation": "none", "Public Value Added": "precedence"})
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalSelectionList(Assessment{Evaluation: e, TargetIDs: []string{"CASE-42"}, Timestamp: time.Date(2026, 7, 21, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "target_ids": [
    "CASE-42"
  ],
  "timestamp": "2026-07-21T00:00:00Z",
  "schemaVersion": "2.0.0",
  "selections": [
    {
      "namespace": "ssvc",
      "key": "SINV",
      "version": "1.0.0",
      "name": "Supplier Involvement",
      "values": [
        {
          "key": "FR",
          "name": "Fix Ready"
        }
      ]
    },
    {
      "namespace": "ssvc",
      "key": "E",
      "version": "1.1.0",
      "name": "Exploitation",
      "values": [
        {
          "key": "N",
          "name": "None"
        }
      ]
    },
    {
      "namespace": "ssvc",
      "key": "PVA",
      "version": "1.0.0",
      "name": "Public Value Added",
      "values": [
        {
          "key": "P",
          "name": "Precedence"
        }
      ]
    },
    {
      "namespace": "ssvc",
      "key": "PUBLISH",
      "version": "1.0.0",
      "name": "Publish, Do Not Publish",
      "values": [
        {
          "key": "P",
          "name": "Publish"
        }
      ]
    }
  ],
  "decision_point_resources": [
    {
      "uri": "https://github.com/CERTCC/SSVC/blob/2026.7.0/data/json/decision_tables/ssvc/coordinator_publish_decision_table_1_0_0.json",
      "summary": "SSVC decision table Coordinator Publish Decision Table v1.0.0 (ssvc:DT_COORD_PUBLISH:1.0.0)"
    }
  ]
}`
	if string(b) != want {
		t.Errorf("got\n%s\nwant\n%s", b, want)
	}
}
