package ssvc

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"
)

// SelectionListSchemaVersion is the schemaVersion of the selection lists this
// package writes and reads (SSVC schema SelectionList 2.0.0).
const SelectionListSchemaVersion = "2.0.0"

// Release is the SSVC release the embedded data comes from; the selection
// lists written point at the tables of this release.
const Release = "2026.7.0"

// Assessment is an evaluation recorded about some targets at a time: what
// Parley stores, as an SSVC selection list, for a report, case or CVE.
type Assessment struct {
	// Evaluation is the tree, the values chosen or derived, and the outcome.
	Evaluation Evaluation
	// TargetIDs names what was assessed, e.g. a report, case or CVE ID. It
	// may be empty; its entries must be non-empty and distinct.
	TargetIDs []string
	// Timestamp is when the assessment was made; written in UTC to the second.
	Timestamp time.Time
}

// The JSON shape of a selection list (schema SelectionList 2.0.0).
type (
	wireSelectionList struct {
		TargetIDs              []string        `json:"target_ids,omitempty"`
		Timestamp              string          `json:"timestamp"`
		SchemaVersion          string          `json:"schemaVersion"`
		Selections             []wireSelection `json:"selections"`
		DecisionPointResources []wireReference `json:"decision_point_resources,omitempty"`
		References             []wireReference `json:"references,omitempty"`
	}
	wireSelection struct {
		Namespace  string               `json:"namespace"`
		Key        string               `json:"key"`
		Version    string               `json:"version"`
		Name       string               `json:"name,omitempty"`
		Definition string               `json:"definition,omitempty"`
		Values     []wireSelectionValue `json:"values"`
	}
	wireSelectionValue struct {
		Key        string `json:"key"`
		Name       string `json:"name,omitempty"`
		Definition string `json:"definition,omitempty"`
	}
	wireReference struct {
		URI     string `json:"uri"`
		Summary string `json:"summary"`
	}
)

// MarshalSelectionList writes a as an SSVC selection list: one selection per
// value chosen or derived, then one for the outcome, each with the decision
// point's namespace, key, version and name and the value's key and name. Its
// decision_point_resources point at the decision tables used, in CERTCC/SSVC
// at tag Release.
func MarshalSelectionList(a Assessment) ([]byte, error) {
	e := a.Evaluation
	if e.Tree == nil || e.Outcome.Key == "" {
		return nil, errors.New("ssvc: selection list of an empty evaluation")
	}
	if a.Timestamp.IsZero() {
		return nil, errors.New("ssvc: selection list without a timestamp")
	}
	if err := checkTargetIDs(a.TargetIDs); err != nil {
		return nil, err
	}
	w := wireSelectionList{
		TargetIDs:     a.TargetIDs,
		Timestamp:     a.Timestamp.UTC().Format(time.RFC3339),
		SchemaVersion: SelectionListSchemaVersion,
	}
	tables := []*Table{e.Tree.Table}
	for _, s := range e.Selections {
		w.Selections = append(w.Selections, wireSelectionOf(s.DecisionPoint, s.Value))
		if s.Derived {
			if d := e.Tree.Derivation(s.DecisionPoint); d != nil {
				tables = append(tables, d)
			}
		}
	}
	w.Selections = append(w.Selections, wireSelectionOf(e.Tree.Table.Outcome, e.Outcome))
	for _, t := range tables {
		w.DecisionPointResources = append(w.DecisionPointResources, wireReference{
			URI:     "https://github.com/CERTCC/SSVC/blob/" + Release + "/" + t.Source,
			Summary: fmt.Sprintf("SSVC decision table %s v%s (%s)", t.Name, t.Version, t.ID()),
		})
	}
	return json.MarshalIndent(w, "", "  ")
}

// wireSelectionOf is the selection of value v of dp.
func wireSelectionOf(dp DecisionPoint, v Value) wireSelection {
	return wireSelection{
		Namespace: dp.Namespace, Key: dp.Key, Version: dp.Version, Name: dp.Name,
		Values: []wireSelectionValue{{Key: v.Key, Name: v.Name}},
	}
}

// checkTargetIDs enforces non-empty, distinct target IDs.
func checkTargetIDs(ids []string) error {
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if id == "" {
			return errors.New("ssvc: empty target ID")
		}
		if seen[id] {
			return fmt.Errorf("ssvc: target ID %q given twice", id)
		}
		seen[id] = true
	}
	return nil
}

// ParseSelectionList reads a selection list written by MarshalSelectionList,
// or by anyone, provided it holds exactly one value per selection and its
// selections are the inputs of one tree (given directly or through a helper
// table's inputs) with, optionally, the outcome. The tree is found from the
// decision points selected; the outcome is recomputed from the table and,
// if the list records one, must agree with it (ErrInconsistent otherwise).
// Decision point and value names, when present, must match the data.
func (r *Registry) ParseSelectionList(b []byte) (Assessment, error) {
	var w wireSelectionList
	if err := decodeStrict(b, &w); err != nil {
		return Assessment{}, fmt.Errorf("ssvc: selection list: %w", err)
	}
	if w.SchemaVersion != SelectionListSchemaVersion {
		return Assessment{}, fmt.Errorf("ssvc: selection list schemaVersion %q, want %q", w.SchemaVersion, SelectionListSchemaVersion)
	}
	ts, err := time.Parse(time.RFC3339, w.Timestamp)
	if err != nil {
		return Assessment{}, fmt.Errorf("ssvc: selection list timestamp: %w", err)
	}
	if err := checkTargetIDs(w.TargetIDs); err != nil {
		return Assessment{}, err
	}
	if len(w.Selections) == 0 {
		return Assessment{}, errors.New("ssvc: selection list has no selections")
	}
	var errs []error
	var found []Assessment
	for _, t := range r.trees {
		e, err := t.evaluateSelections(w.Selections)
		if errors.Is(err, errNotThisTree) {
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		found = append(found, Assessment{Evaluation: e, TargetIDs: w.TargetIDs, Timestamp: ts})
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		return Assessment{}, errors.New("ssvc: selection list matches more than one decision tree")
	case len(errs) > 0:
		return Assessment{}, errors.Join(errs...)
	}
	return Assessment{}, errors.New("ssvc: selection list selects decision points no single tree accepts")
}

// errNotThisTree means a selection list names a decision point the tree
// neither accepts nor gives as outcome.
var errNotThisTree = errors.New("not this tree")

// evaluateSelections evaluates the tree on a selection list's selections.
func (t *Tree) evaluateSelections(sels []wireSelection) (Evaluation, error) {
	accepted := map[string]DecisionPoint{}
	for _, dp := range t.DecisionPoints() {
		accepted[dp.ID()] = dp
	}
	given := map[string]Value{}
	var recorded *Value
	for _, s := range sels {
		id := s.Namespace + ":" + s.Key + ":" + s.Version
		dp, ok := accepted[id]
		isOutcome := id == t.Table.Outcome.ID()
		if isOutcome {
			dp = t.Table.Outcome
		} else if !ok {
			return Evaluation{}, errNotThisTree
		}
		if s.Name != "" && !strings.EqualFold(s.Name, dp.Name) {
			return Evaluation{}, fmt.Errorf("ssvc: %s: selection %s is named %q, want %q", t.ID, id, s.Name, dp.Name)
		}
		if len(s.Values) != 1 {
			return Evaluation{}, fmt.Errorf("ssvc: %s: selection %s has %d values, want exactly 1", t.ID, id, len(s.Values))
		}
		v, ok := dp.valueByKey(s.Values[0].Key)
		if !ok {
			return Evaluation{}, &InputError{Err: ErrUnknownValue, Tree: t.ID, DecisionPoint: dp.Name, Value: s.Values[0].Key, Want: valueList(dp)}
		}
		if n := s.Values[0].Name; n != "" && !strings.EqualFold(n, v.Name) {
			return Evaluation{}, fmt.Errorf("ssvc: %s: %s value %s is named %q, want %q", t.ID, dp.Name, v.Key, n, v.Name)
		}
		_, dup := given[id]
		if dup || (isOutcome && recorded != nil) {
			return Evaluation{}, &InputError{Err: ErrDuplicateDecisionPoint, Tree: t.ID, DecisionPoint: dp.Name}
		}
		if isOutcome {
			recorded = &v
			continue
		}
		given[id] = v
	}
	e, err := t.evaluate(given)
	if err != nil {
		return Evaluation{}, err
	}
	if recorded != nil && *recorded != e.Outcome {
		return Evaluation{}, &InputError{Err: ErrInconsistent, Tree: t.ID, DecisionPoint: t.Table.Outcome.Name, Value: recorded.Name, Want: []string{e.Outcome.Name}}
	}
	return e, nil
}
