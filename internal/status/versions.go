package status

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// Affected versions are written as constraints, close to VERS and npm
// ranges but without a scheme: a range is constraints that all hold,
// separated by spaces or commas; "||" separates ranges of which any holds.
//
//	>=2.0 <2.4.1          2.0 up to, not including, 2.4.1
//	>=1.0 <1.9 || =2.0.3  two ranges
//	<=3.1 !=3.0.2         up to 3.1, except 3.0.2
//	2.0.3                 that one version (= is implied)
//
// A range holds at most one lower bound (> or >=), one upper bound (< or
// <=) and exclusions (!=), or a single exact version (=). Where both bounds
// are dotted numbers, the lower must lie below the upper. "" and "*" are
// every version.

// Constraint is one comparison: Op is =, !=, <, <=, > or >=.
type Constraint struct {
	Op      string
	Version string
}

// Range is constraints that all hold.
type Range []Constraint

// Versions is ranges of which any holds; empty is every version.
type Versions []Range

// The bounds of a versions text.
const (
	maxVersionsText = 500
	maxRanges       = 20
	maxConstraints  = 10
)

var versionPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._+~:-]{0,63}$`)

func validVersion(s string) bool { return versionPattern.MatchString(s) }

// ParseVersions reads affected versions (see above). Its errors say what is
// wrong in words fit for a form.
func ParseVersions(s string) (Versions, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "" || s == "*":
		return nil, nil
	case len(s) > maxVersionsText:
		return nil, fmt.Errorf("must be at most %d characters long", maxVersionsText)
	}
	parts := strings.Split(s, "||")
	if len(parts) > maxRanges {
		return nil, fmt.Errorf("name at most %d ranges", maxRanges)
	}
	out := make(Versions, 0, len(parts))
	for _, part := range parts {
		r, err := parseRange(part)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// parseRange reads the constraints of one range and checks they can hold
// together.
func parseRange(s string) (Range, error) {
	tokens := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' })
	if len(tokens) == 0 {
		return nil, errors.New(`has an empty range: write constraints such as ">=2.0 <2.4.1" between "||"`)
	}
	var r Range
	for i := 0; i < len(tokens); i++ {
		tok := tokens[i]
		if isOp(tok) && i+1 < len(tokens) { // ">= 2.0": the operator stands alone
			tok += tokens[i+1]
			i++
		}
		c, err := parseConstraint(tok)
		if err != nil {
			return nil, err
		}
		r = append(r, c)
	}
	if len(r) > maxConstraints {
		return nil, fmt.Errorf("has a range of more than %d constraints", maxConstraints)
	}
	return r, r.check()
}

func isOp(s string) bool {
	switch s {
	case "=", "!=", "<", "<=", ">", ">=":
		return true
	}
	return false
}

func parseConstraint(tok string) (Constraint, error) {
	op := ""
	for _, o := range []string{">=", "<=", "!=", ">", "<", "="} {
		if strings.HasPrefix(tok, o) {
			op = o
			break
		}
	}
	v := strings.TrimPrefix(tok, op)
	if op == "" {
		op = "="
	}
	if !validVersion(v) {
		return Constraint{}, fmt.Errorf("%q is not a version constraint: write an operator (=, !=, <, <=, >, >=) and a version such as 2.4.1", tok)
	}
	return Constraint{Op: op, Version: v}, nil
}

// check refuses ranges that cannot hold: two bounds on one side, an exact
// version with bounds, or a lower bound above the upper one.
func (r Range) check() error {
	var lower, upper *Constraint
	exact := 0
	for i := range r {
		c := &r[i]
		switch c.Op {
		case ">", ">=":
			if lower != nil {
				return fmt.Errorf("has two lower bounds (%s%s and %s%s) in one range", lower.Op, lower.Version, c.Op, c.Version)
			}
			lower = c
		case "<", "<=":
			if upper != nil {
				return fmt.Errorf("has two upper bounds (%s%s and %s%s) in one range", upper.Op, upper.Version, c.Op, c.Version)
			}
			upper = c
		case "=":
			exact++
		}
	}
	if exact > 0 && (exact > 1 || lower != nil || upper != nil) {
		return errors.New(`has an exact version combined with other bounds: separate ranges with "||"`)
	}
	if lower == nil || upper == nil {
		return nil
	}
	cmp, ok := compareNumeric(lower.Version, upper.Version)
	if ok && (cmp > 0 || (cmp == 0 && (lower.Op == ">" || upper.Op == "<"))) {
		return fmt.Errorf("has an empty range: %s%s %s%s holds for no version", lower.Op, lower.Version, upper.Op, upper.Version)
	}
	return nil
}

// compareNumeric compares two dotted numeric versions (2.4.1); ok is false
// when either is anything else, whose order depends on the scheme.
func compareNumeric(a, b string) (int, bool) {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < max(len(as), len(bs)); i++ {
		x, okx := segment(as, i)
		y, oky := segment(bs, i)
		if !okx || !oky {
			return 0, false
		}
		if x != y {
			if x < y {
				return -1, true
			}
			return 1, true
		}
	}
	return 0, true
}

// segment is the i-th number of a dotted version; a missing one is 0.
func segment(parts []string, i int) (uint64, bool) {
	if i >= len(parts) {
		return 0, true
	}
	n, err := strconv.ParseUint(parts[i], 10, 64)
	return n, err == nil
}

// String writes the versions in their normal form: one space between
// constraints, " || " between ranges, "=" written out.
func (v Versions) String() string {
	ranges := make([]string, len(v))
	for i, r := range v {
		cs := make([]string, len(r))
		for j, c := range r {
			cs[j] = c.Op + c.Version
		}
		ranges[i] = strings.Join(cs, " ")
	}
	return strings.Join(ranges, " || ")
}
