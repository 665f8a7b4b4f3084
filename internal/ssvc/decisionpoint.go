package ssvc

import "strings"

// Value is one possible value of a decision point.
type Value struct {
	// Key is the value's short identifier, e.g. "Y"; the decision tables use it.
	Key string
	// Name is the value's human name, e.g. "Yes".
	Name string
	// Definition is the value's prose definition.
	Definition string
}

// DecisionPoint is an SSVC decision point or outcome group, identified by
// namespace, key and version.
type DecisionPoint struct {
	// Namespace is the SSVC namespace, e.g. "ssvc".
	Namespace string
	// Key is the decision point's short identifier, e.g. "RP".
	Key string
	// Version is the decision point's semantic version, e.g. "1.0.0".
	Version string
	// Name is the decision point's human name, e.g. "Report Public".
	Name string
	// Definition is the decision point's prose definition.
	Definition string
	// Values lists the possible values in the order the data gives them.
	Values []Value
}

// ID returns the decision point's identifier namespace:key:version, e.g.
// "ssvc:RP:1.0.0", as the decision tables reference it.
func (d DecisionPoint) ID() string {
	return d.Namespace + ":" + d.Key + ":" + d.Version
}

// Value finds the value named s, or whose key is s, ignoring case and
// surrounding space.
func (d DecisionPoint) Value(s string) (Value, bool) {
	s = strings.TrimSpace(s)
	for _, v := range d.Values {
		if strings.EqualFold(v.Name, s) || strings.EqualFold(v.Key, s) {
			return v, true
		}
	}
	return Value{}, false
}

// valueByKey finds the value with exactly the key k, as a table gives it.
func (d DecisionPoint) valueByKey(k string) (Value, bool) {
	for _, v := range d.Values {
		if v.Key == k {
			return v, true
		}
	}
	return Value{}, false
}

// ValueNames returns the names of the possible values, in order.
func (d DecisionPoint) ValueNames() []string {
	names := make([]string, len(d.Values))
	for i, v := range d.Values {
		names[i] = v.Name
	}
	return names
}

// matches reports whether s names d: its name, ignoring case and surrounding
// space, optionally followed by " v" and its version as in the SSVC CSV
// headers ("Utility v1.0.1").
func (d DecisionPoint) matches(s string) bool {
	s = strings.TrimSpace(s)
	return strings.EqualFold(s, d.Name) || strings.EqualFold(s, d.Name+" v"+d.Version)
}

// equal reports whether d and e are the same definition, field by field.
func (d DecisionPoint) equal(e DecisionPoint) bool {
	if d.Namespace != e.Namespace || d.Key != e.Key || d.Version != e.Version ||
		d.Name != e.Name || d.Definition != e.Definition || len(d.Values) != len(e.Values) {
		return false
	}
	for i := range d.Values {
		if d.Values[i] != e.Values[i] {
			return false
		}
	}
	return true
}

// foldKey is the case-insensitive form of a name or key.
func foldKey(s string) string { return strings.ToLower(strings.TrimSpace(s)) }
