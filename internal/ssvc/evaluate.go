package ssvc

import (
	"fmt"
	"sort"
)

// Selection is one decision point with the value chosen for it.
type Selection struct {
	// DecisionPoint is the decision point, as defined in the data.
	DecisionPoint DecisionPoint
	// Value is the chosen value.
	Value Value
	// Derived is true when Value was computed by a helper table from other
	// selections rather than given.
	Derived bool
}

// Evaluation is the result of evaluating a tree.
type Evaluation struct {
	// Tree is the tree evaluated.
	Tree *Tree
	// Selections lists every value given or derived, in the order of
	// Tree.DecisionPoints: each table input, preceded by the given inputs of
	// the helper table that derives it, if any.
	Selections []Selection
	// Outcome is the value of Tree.Table.Outcome the table gives.
	Outcome Value
}

// Evaluate returns the outcome for the given values. The input maps decision
// point names (as named in the data, ignoring case, optionally with " vX.Y.Z")
// to value names or keys (ignoring case). A derived decision point may be
// given directly, by the inputs of its helper table, or both if they agree.
//
// Errors are *InputError matching ErrUnknownDecisionPoint, ErrUnknownValue,
// ErrDuplicateDecisionPoint, ErrInconsistent or ErrMissingDecisionPoint;
// their messages list the valid names or values.
func (t *Tree) Evaluate(input map[string]string) (Evaluation, error) {
	names := make([]string, 0, len(input))
	for n := range input {
		names = append(names, n)
	}
	sort.Strings(names) // deterministic errors
	given := make(map[string]Value, len(input))
	for _, n := range names {
		dp, ok := t.decisionPoint(n)
		if !ok {
			return Evaluation{}, &InputError{Err: ErrUnknownDecisionPoint, Tree: t.ID, DecisionPoint: n, Want: t.decisionPointNames()}
		}
		if _, dup := given[dp.ID()]; dup {
			return Evaluation{}, &InputError{Err: ErrDuplicateDecisionPoint, Tree: t.ID, DecisionPoint: dp.Name}
		}
		v, ok := dp.Value(input[n])
		if !ok {
			return Evaluation{}, &InputError{Err: ErrUnknownValue, Tree: t.ID, DecisionPoint: dp.Name, Value: input[n], Want: valueList(dp)}
		}
		given[dp.ID()] = v
	}
	return t.evaluate(given)
}

// evaluate resolves derived inputs and looks up the outcome; given maps
// decision point IDs to values already checked to belong to them.
func (t *Tree) evaluate(given map[string]Value) (Evaluation, error) {
	e := Evaluation{Tree: t}
	keys := make([]string, len(t.Table.Inputs))
	var missing []string
	for i, in := range t.Table.Inputs {
		v, have := given[in.ID()]
		derived := false
		if d := t.Derivation(in); d != nil {
			dv, complete, sels := derive(d, given)
			e.Selections = append(e.Selections, sels...)
			if complete {
				if have && v != dv {
					return Evaluation{}, &InputError{Err: ErrInconsistent, Tree: t.ID, DecisionPoint: in.Name, Value: v.Name, Want: []string{dv.Name}}
				}
				derived = !have
				v, have = dv, true
			}
		}
		if !have {
			missing = append(missing, t.inputLabel(in))
			continue
		}
		e.Selections = append(e.Selections, Selection{DecisionPoint: in, Value: v, Derived: derived})
		keys[i] = v.Key
	}
	if len(missing) > 0 {
		return Evaluation{}, &InputError{Err: ErrMissingDecisionPoint, Tree: t.ID, Want: missing}
	}
	out, ok := t.Table.lookup(keys)
	if !ok { // impossible: New checks every table is total
		return Evaluation{}, fmt.Errorf("ssvc: %s: table %s has no row for %v", t.ID, t.Table.ID(), keys)
	}
	e.Outcome = out
	return e, nil
}

// derive returns the selections given for d's inputs and, if all are given,
// the value d derives from them.
func derive(d *Table, given map[string]Value) (Value, bool, []Selection) {
	var sels []Selection
	keys := make([]string, len(d.Inputs))
	for i, in := range d.Inputs {
		v, ok := given[in.ID()]
		if !ok {
			continue
		}
		sels = append(sels, Selection{DecisionPoint: in, Value: v})
		keys[i] = v.Key
	}
	if len(sels) < len(d.Inputs) {
		return Value{}, false, sels
	}
	v, ok := d.lookup(keys)
	return v, ok, sels
}
