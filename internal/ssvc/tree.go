package ssvc

import (
	"fmt"
	"io/fs"
	"strings"
)

// Tree is one SSVC decision model Parley offers, backed by an official
// decision table and the helper tables that derive some of its inputs.
type Tree struct {
	// ID is Parley's name for the model: "coordinator-triage",
	// "coordinator-publish", "supplier" or "deployer".
	ID string
	// Table is the decision table that gives the outcome.
	Table *Table
	// Derivations are the helper tables, each of whose outcome is one of
	// Table.Inputs (e.g. Utility from Automatable and Value Density), in the
	// order of the inputs they derive.
	Derivations []*Table
}

// The trees Parley offers, in display order, and the tables behind them.
// This is the only part of the models written in Go.
func treeSpecs() []struct{ id, table string } {
	return []struct{ id, table string }{
		{"coordinator-triage", "ssvc:DT_COORD_TRIAGE:1.0.0"},
		{"coordinator-publish", "ssvc:DT_COORD_PUBLISH:1.0.0"},
		{"supplier", "ssvc:DT_SP:1.0.0"},
		{"deployer", "ssvc:DT_DP:1.0.0"},
	}
}

// Registry holds the decision trees loaded from the embedded SSVC data. It is
// immutable and safe for concurrent use.
type Registry struct {
	trees []*Tree
}

// New parses the embedded SSVC data and builds the four trees. An error means
// the embedded data is broken; it is never returned with a usable Registry.
func New() (*Registry, error) {
	return newRegistry(data)
}

// newRegistry builds the registry from a file system laid out like data/.
func newRegistry(fsys fs.FS) (*Registry, error) {
	tables, err := loadTables(fsys)
	if err != nil {
		return nil, err
	}
	specs := treeSpecs()
	treeTables := make(map[string]bool, len(specs))
	for _, s := range specs {
		treeTables[s.table] = true
	}
	r := &Registry{}
	for _, s := range specs {
		t, ok := tables[s.table]
		if !ok {
			return nil, fmt.Errorf("ssvc: tree %s: decision table %s is not embedded", s.id, s.table)
		}
		tree := &Tree{ID: s.id, Table: t}
		for _, in := range t.Inputs {
			var found []*Table
			for id, h := range tables {
				if !treeTables[id] && h.Outcome.ID() == in.ID() {
					found = append(found, h)
				}
			}
			if len(found) > 1 {
				return nil, fmt.Errorf("ssvc: tree %s: %d helper tables derive %s", s.id, len(found), in.ID())
			}
			tree.Derivations = append(tree.Derivations, found...)
		}
		if err := tree.checkNames(); err != nil {
			return nil, err
		}
		r.trees = append(r.trees, tree)
	}
	return r, nil
}

// checkNames ensures every decision point the tree accepts has a name
// distinct, ignoring case, from the others', and that derivation inputs are
// not also direct inputs (which would make a given value ambiguous).
func (t *Tree) checkNames() error {
	seen := map[string]string{}
	for _, dp := range t.DecisionPoints() {
		k := foldKey(dp.Name)
		if other, ok := seen[k]; ok {
			return fmt.Errorf("ssvc: tree %s: decision points %s and %s share the name %q", t.ID, other, dp.ID(), dp.Name)
		}
		seen[k] = dp.ID()
	}
	return nil
}

// Trees returns the trees in a fixed order: coordinator-triage,
// coordinator-publish, supplier, deployer.
func (r *Registry) Trees() []*Tree {
	return append([]*Tree(nil), r.trees...)
}

// Tree returns the tree with the given ID, ignoring case. An unknown ID gives
// an *InputError matching ErrUnknownTree that lists the valid IDs.
func (r *Registry) Tree(id string) (*Tree, error) {
	for _, t := range r.trees {
		if strings.EqualFold(t.ID, strings.TrimSpace(id)) {
			return t, nil
		}
	}
	ids := make([]string, len(r.trees))
	for i, t := range r.trees {
		ids[i] = t.ID
	}
	return nil, &InputError{Err: ErrUnknownTree, Tree: id, Want: ids}
}

// DecisionPoints returns every decision point the tree accepts as input: the
// table's inputs in order, each derived one followed by the inputs of the
// helper table that derives it.
func (t *Tree) DecisionPoints() []DecisionPoint {
	var dps []DecisionPoint
	for _, in := range t.Table.Inputs {
		dps = append(dps, in)
		if d := t.Derivation(in); d != nil {
			dps = append(dps, d.Inputs...)
		}
	}
	return dps
}

// Derivation returns the helper table that derives dp, or nil if dp is not
// derived in this tree.
func (t *Tree) Derivation(dp DecisionPoint) *Table {
	for _, d := range t.Derivations {
		if d.Outcome.ID() == dp.ID() {
			return d
		}
	}
	return nil
}

// decisionPoint finds the accepted decision point that s names (see
// DecisionPoint.matches).
func (t *Tree) decisionPoint(s string) (DecisionPoint, bool) {
	for _, dp := range t.DecisionPoints() {
		if dp.matches(s) {
			return dp, true
		}
	}
	return DecisionPoint{}, false
}

// decisionPointNames lists the names of the accepted decision points.
func (t *Tree) decisionPointNames() []string {
	dps := t.DecisionPoints()
	names := make([]string, len(dps))
	for i, dp := range dps {
		names[i] = dp.Name
	}
	return names
}

// inputLabel names an input for a person, with the alternative inputs that
// derive it: "Utility (or Automatable and Value Density)".
func (t *Tree) inputLabel(in DecisionPoint) string {
	d := t.Derivation(in)
	if d == nil {
		return in.Name
	}
	names := make([]string, len(d.Inputs))
	for i, dp := range d.Inputs {
		names[i] = dp.Name
	}
	return in.Name + " (or " + strings.Join(names, " and ") + ")"
}
