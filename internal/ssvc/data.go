package ssvc

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
)

// data holds the official SSVC files, read-only; see data/README.md.
//
//go:embed data/decision_tables/*.json data/decision_points/*.json
var data embed.FS

// Paths of the embedded data, and where the same files live in CERTCC/SSVC.
const (
	tablesDir       = "data/decision_tables"
	pointsDir       = "data/decision_points"
	upstreamTables  = "data/json/decision_tables/ssvc/"
	supportedSchema = "2.0.0"
)

// The JSON shapes of the SSVC data files (schemaVersion 2.0.0). They are
// wire types: the package converts them to Table and DecisionPoint at once.
type (
	wireValue struct {
		Key        string `json:"key"`
		Name       string `json:"name"`
		Definition string `json:"definition"`
	}
	wireDecisionPoint struct {
		Namespace     string      `json:"namespace"`
		Key           string      `json:"key"`
		Version       string      `json:"version"`
		Name          string      `json:"name"`
		Definition    string      `json:"definition"`
		SchemaVersion string      `json:"schemaVersion"`
		Values        []wireValue `json:"values"`
	}
	wireTable struct {
		Namespace      string              `json:"namespace"`
		Key            string              `json:"key"`
		Version        string              `json:"version"`
		Name           string              `json:"name"`
		Definition     string              `json:"definition"`
		SchemaVersion  string              `json:"schemaVersion"`
		DecisionPoints json.RawMessage     `json:"decision_points"`
		Outcome        string              `json:"outcome"`
		Mapping        []map[string]string `json:"mapping"`
	}
)

// loadTables parses every embedded decision table, checking each against the
// standalone decision point definitions. It returns the tables by ID.
func loadTables(fsys fs.FS) (map[string]*Table, error) {
	points, err := loadDecisionPoints(fsys)
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(fsys, tablesDir+"/*.json")
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.New("ssvc: no embedded decision tables")
	}
	tables := make(map[string]*Table, len(files))
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		t, err := parseTable(b, points)
		if err != nil {
			return nil, fmt.Errorf("ssvc: %s: %w", f, err)
		}
		t.Source = upstreamTables + path.Base(f)
		if _, dup := tables[t.ID()]; dup {
			return nil, fmt.Errorf("ssvc: %s: decision table %s defined twice", f, t.ID())
		}
		tables[t.ID()] = t
	}
	return tables, nil
}

// loadDecisionPoints parses the standalone decision point files by ID.
func loadDecisionPoints(fsys fs.FS) (map[string]DecisionPoint, error) {
	files, err := fs.Glob(fsys, pointsDir+"/*.json")
	if err != nil {
		return nil, err
	}
	points := make(map[string]DecisionPoint, len(files))
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		var w wireDecisionPoint
		if err := decodeStrict(b, &w); err != nil {
			return nil, fmt.Errorf("ssvc: %s: %w", f, err)
		}
		dp, err := w.decisionPoint()
		if err != nil {
			return nil, fmt.Errorf("ssvc: %s: %w", f, err)
		}
		if _, dup := points[dp.ID()]; dup {
			return nil, fmt.Errorf("ssvc: %s: decision point %s defined twice", f, dp.ID())
		}
		points[dp.ID()] = dp
	}
	return points, nil
}

// decodeStrict decodes exactly one JSON value with no unknown fields.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("unexpected data after the JSON value")
	}
	return nil
}

// decisionPoint converts and checks a decision point definition.
func (w wireDecisionPoint) decisionPoint() (DecisionPoint, error) {
	if w.SchemaVersion != supportedSchema {
		return DecisionPoint{}, fmt.Errorf("decision point schemaVersion %q, want %q", w.SchemaVersion, supportedSchema)
	}
	dp := DecisionPoint{
		Namespace: w.Namespace, Key: w.Key, Version: w.Version,
		Name: w.Name, Definition: w.Definition,
		Values: make([]Value, len(w.Values)),
	}
	if dp.Namespace == "" || dp.Key == "" || dp.Version == "" || dp.Name == "" {
		return DecisionPoint{}, fmt.Errorf("decision point %s lacks a namespace, key, version or name", dp.ID())
	}
	if len(w.Values) == 0 {
		return DecisionPoint{}, fmt.Errorf("decision point %s has no values", dp.ID())
	}
	// Names and keys share one case-insensitive space, so either identifies a value.
	seen := map[string]string{}
	for i, v := range w.Values {
		if v.Key == "" || v.Name == "" {
			return DecisionPoint{}, fmt.Errorf("decision point %s: value %d lacks a key or name", dp.ID(), i)
		}
		for _, s := range []string{foldKey(v.Key), foldKey(v.Name)} {
			if other, ok := seen[s]; ok && other != v.Key {
				return DecisionPoint{}, fmt.Errorf("decision point %s: values %s and %s both answer to %q", dp.ID(), other, v.Key, s)
			}
			seen[s] = v.Key
		}
		dp.Values[i] = Value(v)
	}
	return dp, nil
}

// parseTable converts and checks one decision table: its decision points must
// equal their standalone definitions, and its mapping must give exactly one
// row for every combination of input values.
func parseTable(b []byte, points map[string]DecisionPoint) (*Table, error) {
	var w wireTable
	if err := decodeStrict(b, &w); err != nil {
		return nil, err
	}
	if w.SchemaVersion != supportedSchema {
		return nil, fmt.Errorf("decision table schemaVersion %q, want %q", w.SchemaVersion, supportedSchema)
	}
	t := &Table{
		Namespace: w.Namespace, Key: w.Key, Version: w.Version,
		Name: w.Name, Definition: w.Definition,
	}
	ids, embedded, err := orderedDecisionPoints(w.DecisionPoints)
	if err != nil {
		return nil, err
	}
	outcomeSeen := false
	for i, id := range ids {
		def, ok := points[id]
		if !ok {
			return nil, fmt.Errorf("decision point %s has no definition file", id)
		}
		dp, err := embedded[i].decisionPoint()
		if err != nil {
			return nil, err
		}
		if dp.ID() != id || !dp.equal(def) {
			return nil, fmt.Errorf("decision point %s differs from its definition file", id)
		}
		if id == w.Outcome {
			t.Outcome, outcomeSeen = def, true
			continue
		}
		t.Inputs = append(t.Inputs, def)
	}
	if !outcomeSeen {
		return nil, fmt.Errorf("outcome %q is not among the decision points", w.Outcome)
	}
	if len(t.Inputs) == 0 {
		return nil, errors.New("no input decision points")
	}
	if err := t.fill(w.Mapping); err != nil {
		return nil, err
	}
	return t, nil
}

// fill builds the lookup map from the mapping rows, which use value keys.
func (t *Table) fill(mapping []map[string]string) error {
	want := 1
	for _, in := range t.Inputs {
		want *= len(in.Values)
	}
	t.outcomes = make(map[string]Value, len(mapping))
	keys := make([]string, len(t.Inputs))
	for r, row := range mapping {
		if len(row) != len(t.Inputs)+1 {
			return fmt.Errorf("mapping row %d has %d entries, want %d", r, len(row), len(t.Inputs)+1)
		}
		for i, in := range t.Inputs {
			k, ok := row[in.ID()]
			if _, valid := in.valueByKey(k); !ok || !valid {
				return fmt.Errorf("mapping row %d: %s has no valid value", r, in.ID())
			}
			keys[i] = k
		}
		out, ok := t.Outcome.valueByKey(row[t.Outcome.ID()])
		if !ok {
			return fmt.Errorf("mapping row %d: outcome %s has no valid value", r, t.Outcome.ID())
		}
		rk := rowKey(keys)
		if _, dup := t.outcomes[rk]; dup {
			return fmt.Errorf("mapping row %d repeats a combination of inputs", r)
		}
		t.outcomes[rk] = out
	}
	if len(t.outcomes) != want {
		return fmt.Errorf("mapping has %d rows, want %d (one per combination of inputs)", len(t.outcomes), want)
	}
	return nil
}

// orderedDecisionPoints decodes the decision_points object keeping the order
// of its members, which is the order of the table's columns.
func orderedDecisionPoints(raw json.RawMessage) ([]string, []wireDecisionPoint, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, nil, errors.New("decision_points is not an object")
	}
	var ids []string
	var dps []wireDecisionPoint
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		id, _ := tok.(string)
		var dp wireDecisionPoint
		if err := dec.Decode(&dp); err != nil {
			return nil, nil, fmt.Errorf("decision point %s: %w", id, err)
		}
		if seen[id] {
			return nil, nil, fmt.Errorf("decision_points repeats %s", id)
		}
		seen[id] = true
		ids = append(ids, id)
		dps = append(dps, dp)
	}
	return ids, dps, nil
}
