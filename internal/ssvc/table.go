package ssvc

import "strings"

// Table is an SSVC decision table: it maps every combination of values of
// its input decision points to one value of its outcome decision point.
type Table struct {
	// Namespace is the SSVC namespace, e.g. "ssvc".
	Namespace string
	// Key is the table's short identifier, e.g. "DT_COORD_TRIAGE".
	Key string
	// Version is the table's semantic version, e.g. "1.0.0".
	Version string
	// Name is the table's human name, e.g. "Coordinator Triage".
	Name string
	// Definition is the table's prose definition.
	Definition string
	// Inputs lists the input decision points in the order of the data.
	Inputs []DecisionPoint
	// Outcome is the outcome decision point (outcome group).
	Outcome DecisionPoint
	// Source is the table's path in the CERTCC/SSVC repository, e.g.
	// "data/json/decision_tables/ssvc/utility_1_0_0.json".
	Source string

	// outcomes maps rowKey of the input value keys, in Inputs order, to the
	// outcome value.
	outcomes map[string]Value
}

// ID returns the table's identifier namespace:key:version, e.g.
// "ssvc:DT_U:1.0.0".
func (t *Table) ID() string {
	return t.Namespace + ":" + t.Key + ":" + t.Version
}

// Rows returns the number of mapping rows, one per combination of input values.
func (t *Table) Rows() int { return len(t.outcomes) }

// lookup returns the outcome for the input value keys given in Inputs order.
func (t *Table) lookup(keys []string) (Value, bool) {
	v, ok := t.outcomes[rowKey(keys)]
	return v, ok
}

// rowKey joins value keys into a map key; keys never contain NUL.
func rowKey(keys []string) string { return strings.Join(keys, "\x00") }
