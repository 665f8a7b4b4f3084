package ssvc

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors, matched with errors.Is against an *InputError.
var (
	// ErrUnknownTree means no tree has the given ID.
	ErrUnknownTree = errors.New("unknown decision tree")
	// ErrUnknownDecisionPoint means the tree accepts no decision point of that name.
	ErrUnknownDecisionPoint = errors.New("unknown decision point")
	// ErrUnknownValue means the decision point has no value of that name or key.
	ErrUnknownValue = errors.New("unknown value")
	// ErrMissingDecisionPoint means an input the table needs was not given.
	ErrMissingDecisionPoint = errors.New("missing decision point")
	// ErrDuplicateDecisionPoint means a decision point was given more than once.
	ErrDuplicateDecisionPoint = errors.New("decision point given more than once")
	// ErrInconsistent means a value disagrees with the value its inputs derive,
	// or a recorded outcome disagrees with the table.
	ErrInconsistent = errors.New("inconsistent values")
)

// InputError is a mistake in what a caller asked to evaluate. Its message
// lists what would have been valid.
type InputError struct {
	// Err is one of the Err* sentinels.
	Err error
	// Tree is the tree's ID (or, for ErrUnknownTree, the ID asked for).
	Tree string
	// DecisionPoint is the decision point at fault, as given or as named in
	// the data; empty for ErrUnknownTree and ErrMissingDecisionPoint.
	DecisionPoint string
	// Value is the value at fault, as given.
	Value string
	// Want lists what is valid: tree IDs, decision point names or value names
	// for the unknown-name errors; the decision points still needed for
	// ErrMissingDecisionPoint; the value the table gives for ErrInconsistent.
	Want []string
}

// Error describes the mistake and what would be valid.
func (e *InputError) Error() string {
	want := strings.Join(e.Want, ", ")
	switch e.Err {
	case ErrUnknownTree:
		return fmt.Sprintf("unknown decision tree %q; valid: %s", e.Tree, want)
	case ErrUnknownDecisionPoint:
		return fmt.Sprintf("%s: unknown decision point %q; valid: %s", e.Tree, e.DecisionPoint, want)
	case ErrUnknownValue:
		return fmt.Sprintf("%s: %s: unknown value %q; valid: %s", e.Tree, e.DecisionPoint, e.Value, want)
	case ErrMissingDecisionPoint:
		return fmt.Sprintf("%s: missing decision points: %s", e.Tree, want)
	case ErrDuplicateDecisionPoint:
		return fmt.Sprintf("%s: decision point %s given more than once", e.Tree, e.DecisionPoint)
	case ErrInconsistent:
		return fmt.Sprintf("%s: %s is %s, but its inputs give %s", e.Tree, e.DecisionPoint, e.Value, want)
	}
	return fmt.Sprintf("%s: %v", e.Tree, e.Err)
}

// Unwrap returns the sentinel.
func (e *InputError) Unwrap() error { return e.Err }

// valueList names the values of dp with their keys, "Yes (Y), No (N)".
func valueList(dp DecisionPoint) []string {
	out := make([]string, len(dp.Values))
	for i, v := range dp.Values {
		out[i] = v.Name + " (" + v.Key + ")"
	}
	return out
}
