package ssvc

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// CSVResult is a CSV input evaluated row by row.
type CSVResult struct {
	// Header is the header record as read: one decision point name per column.
	Header []string
	// Rows are the data records in input order.
	Rows []CSVRow
}

// CSVRow is one data record of a CSV input and its evaluation.
type CSVRow struct {
	// Line is the 1-based line on which the record starts.
	Line int
	// Fields are the record's fields as read.
	Fields []string
	// Evaluation is the record evaluated on the tree.
	Evaluation Evaluation
}

// CSVError is a CSV input error at a line.
type CSVError struct {
	// Line is the 1-based line of the record at fault.
	Line int
	// Err is the cause: a CSV syntax error or an *InputError.
	Err error
}

// Error names the line and the cause.
func (e *CSVError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }

// Unwrap returns the cause.
func (e *CSVError) Unwrap() error { return e.Err }

// EvaluateCSV reads CSV from r and evaluates every row on t. The first record
// is a header naming, in any order, the decision points given in each column
// (as Evaluate accepts them: "Report Public", "utility v1.0.1"); every
// following record gives their values. Blank lines are skipped and a UTF-8
// byte order mark is ignored. It reads all of r before returning; the first
// bad record gives a *CSVError naming its line, with nothing else returned.
func (t *Tree) EvaluateCSV(r io.Reader) (CSVResult, error) {
	cr := csv.NewReader(r)
	cr.TrimLeadingSpace = true
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return CSVResult{}, &CSVError{Line: 1, Err: errors.New("no header record naming the decision points")}
	}
	if err != nil {
		return CSVResult{}, csvError(err, 1)
	}
	headerLine, _ := cr.FieldPos(0)
	header[0] = strings.TrimPrefix(header[0], "\uFEFF")
	columns := make(map[string]bool, len(header))
	for _, h := range header {
		dp, ok := t.decisionPoint(h)
		if !ok {
			return CSVResult{}, &CSVError{Line: headerLine, Err: &InputError{Err: ErrUnknownDecisionPoint, Tree: t.ID, DecisionPoint: h, Want: t.decisionPointNames()}}
		}
		if columns[dp.ID()] {
			return CSVResult{}, &CSVError{Line: headerLine, Err: &InputError{Err: ErrDuplicateDecisionPoint, Tree: t.ID, DecisionPoint: dp.Name}}
		}
		columns[dp.ID()] = true
	}
	if missing := t.missing(columns); len(missing) > 0 {
		return CSVResult{}, &CSVError{Line: headerLine, Err: &InputError{Err: ErrMissingDecisionPoint, Tree: t.ID, Want: missing}}
	}
	res := CSVResult{Header: header}
	line := headerLine
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return res, nil
		}
		if err != nil {
			return CSVResult{}, csvError(err, line+1)
		}
		line, _ = cr.FieldPos(0) // only valid after a successful Read
		input := make(map[string]string, len(rec))
		for i, f := range rec {
			input[header[i]] = f
		}
		e, err := t.Evaluate(input)
		if err != nil {
			return CSVResult{}, &CSVError{Line: line, Err: err}
		}
		res.Rows = append(res.Rows, CSVRow{Line: line, Fields: rec, Evaluation: e})
	}
}

// csvError turns an encoding/csv error into a *CSVError at its line; line is
// the best guess for errors that do not carry one (a failing reader).
func csvError(err error, line int) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &CSVError{Line: pe.StartLine, Err: pe.Err}
	}
	return &CSVError{Line: line, Err: err}
}

// missing lists the inputs of t that the decision points with the given IDs
// do not cover, directly or through a helper table.
func (t *Tree) missing(have map[string]bool) []string {
	var out []string
	for _, in := range t.Table.Inputs {
		if have[in.ID()] {
			continue
		}
		if d := t.Derivation(in); d != nil {
			all := true
			for _, di := range d.Inputs {
				all = all && have[di.ID()]
			}
			if all {
				continue
			}
		}
		out = append(out, t.inputLabel(in))
	}
	return out
}
