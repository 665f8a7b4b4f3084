package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/ssvc"
)

// ssvcCommands lists the ssvc subcommand: SSVC decision models (issue 6).
func ssvcCommands() []command {
	return []command{{name: "ssvc", summary: "SSVC decision models: list them (trees), evaluate one (eval)", run: runSSVC}}
}

const ssvcUsageText = `Usage:
  parley ssvc trees
      List the decision models: ID, decision table and version, decision points and
      their values (name and key), outcomes.
  parley ssvc eval [--json [--target ID]... [--time RFC3339]] TREE 'Decision Point=value'...
      Print the outcome, in lower case. Decision points and values are named as in
      the SSVC data, ignoring case; a value may also be given by its key. A derived
      decision point (Utility, Public Safety Impact, Human Impact) may be given
      directly or by the decision points that derive it.
      --json prints the assessment as an SSVC selection list (schema 2.0.0) instead.
  parley ssvc eval --csv TREE < in.csv > out.csv
      Read CSV from stdin, a header of decision point names then rows of values, and
      write the same rows with the outcome appended as a last column.
TREE is one of coordinator-triage, coordinator-publish, supplier, deployer.
`

func runSSVC(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, ssvcUsageText)
		return usageError("ssvc: missing subcommand: trees or eval")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(c.stdout, ssvcUsageText)
		return nil
	case "trees":
		return ssvcTrees(c, args[1:])
	case "eval":
		return ssvcEval(c, args[1:])
	}
	fmt.Fprint(c.stderr, ssvcUsageText)
	return usageError("ssvc: unknown subcommand %q: want trees or eval", args[0])
}

// ssvcFlags makes a flag set that reports to stderr and prints the ssvc usage.
func ssvcFlags(c *cli, name string) *flag.FlagSet {
	fs := flag.NewFlagSet("ssvc "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprint(c.stderr, ssvcUsageText)
		fs.PrintDefaults()
	}
	return fs
}

// parseInterspersed parses flags wherever they appear among the positional
// arguments (the standard flag package stops at the first positional one),
// and returns the positional arguments. Everything after "--" is positional.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for len(args) > 0 {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), nil
		}
		if len(rest) == 0 {
			break
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
	return pos, nil
}

// flagError maps a flag parsing error to an exit: -h is not a failure.
func flagError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return &exitError{code: 2} // the flag package already reported it
}

func ssvcTrees(c *cli, args []string) error {
	fs := ssvcFlags(c, "trees")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) > 0 {
		return usageError("ssvc trees: unexpected argument %q", pos[0])
	}
	reg, err := ssvc.New()
	if err != nil {
		return err
	}
	for i, t := range reg.Trees() {
		if i > 0 {
			fmt.Fprintln(c.stdout)
		}
		printTree(c.stdout, t)
	}
	return nil
}

// printTree writes one tree as an indented block.
func printTree(w io.Writer, t *ssvc.Tree) {
	tb := t.Table
	fmt.Fprintf(w, "%s: %s v%s (%s, %d rows)\n", t.ID, tb.Name, tb.Version, tb.ID(), tb.Rows())
	for _, in := range tb.Inputs {
		fmt.Fprintf(w, "  %s\n", describePoint(in))
		if d := t.Derivation(in); d != nil {
			fmt.Fprintf(w, "    or derived by %s v%s (%s) from:\n", d.Name, d.Version, d.ID())
			for _, di := range d.Inputs {
				fmt.Fprintf(w, "      %s\n", describePoint(di))
			}
		}
	}
	fmt.Fprintf(w, "  outcome: %s\n", describePoint(tb.Outcome))
}

// describePoint is "Report Public v1.0.0 (ssvc:RP:1.0.0): Yes (Y), No (N)".
func describePoint(dp ssvc.DecisionPoint) string {
	vals := make([]string, len(dp.Values))
	for i, v := range dp.Values {
		vals[i] = v.Name + " (" + v.Key + ")"
	}
	return fmt.Sprintf("%s v%s (%s): %s", dp.Name, dp.Version, dp.ID(), strings.Join(vals, ", "))
}

func ssvcEval(c *cli, args []string) error {
	fs := ssvcFlags(c, "eval")
	asCSV := fs.Bool("csv", false, "read CSV rows from stdin and append the outcome to each")
	asJSON := fs.Bool("json", false, "print the assessment as an SSVC selection list")
	var targets []string
	fs.Func("target", "with --json: the ID assessed (report, case, CVE); repeatable", func(s string) error {
		targets = append(targets, s)
		return nil
	})
	when := fs.String("time", "", "with --json: the assessment time, RFC 3339 (default now)")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return flagError(err)
	}
	if len(pos) == 0 {
		return usageError("ssvc eval: missing TREE: one of coordinator-triage, coordinator-publish, supplier, deployer")
	}
	if *asCSV && *asJSON {
		return usageError("ssvc eval: --csv and --json cannot be combined")
	}
	if !*asJSON && (len(targets) > 0 || *when != "") {
		return usageError("ssvc eval: --target and --time need --json")
	}
	at := time.Now()
	if *when != "" {
		if at, err = time.Parse(time.RFC3339, *when); err != nil {
			return usageError("ssvc eval: --time: %v", err)
		}
	}
	reg, err := ssvc.New()
	if err != nil {
		return err
	}
	tree, err := reg.Tree(pos[0])
	if err != nil {
		return ssvcError(err)
	}
	if *asCSV {
		if len(pos) > 1 {
			return usageError("ssvc eval --csv: unexpected argument %q: values come from stdin", pos[1])
		}
		return ssvcEvalCSV(c, tree)
	}
	input := make(map[string]string, len(pos)-1)
	for _, p := range pos[1:] {
		name, value, ok := strings.Cut(p, "=")
		if !ok {
			return usageError("ssvc eval: %q is not 'Decision Point=value'", p)
		}
		if _, dup := input[name]; dup {
			return usageError("ssvc eval: decision point %q given twice", name)
		}
		input[name] = value
	}
	e, err := tree.Evaluate(input)
	if err != nil {
		return ssvcError(err)
	}
	if !*asJSON {
		_, err = fmt.Fprintln(c.stdout, strings.ToLower(e.Outcome.Name))
		return err
	}
	b, err := ssvc.MarshalSelectionList(ssvc.Assessment{Evaluation: e, TargetIDs: targets, Timestamp: at})
	if err != nil {
		return usageError("ssvc eval: %v", err) // only the targets can be at fault
	}
	_, err = fmt.Fprintf(c.stdout, "%s\n", b)
	return err
}

// ssvcEvalCSV evaluates CSV from stdin and writes it back with the outcome.
// Nothing is written unless every row is valid.
func ssvcEvalCSV(c *cli, tree *ssvc.Tree) error {
	res, err := tree.EvaluateCSV(c.stdin)
	if err != nil {
		return ssvcError(fmt.Errorf("stdin: %w", err))
	}
	w := csv.NewWriter(c.stdout)
	w.Write(append(res.Header, tree.Table.Outcome.Name))
	for _, row := range res.Rows {
		w.Write(append(row.Fields, strings.ToLower(row.Evaluation.Outcome.Name)))
	}
	w.Flush()
	return w.Error()
}

// ssvcError gives errors about the user's input exit code 2; anything else
// (broken embedded data, a failing stdin) stays an internal error.
func ssvcError(err error) error {
	var ie *ssvc.InputError
	var ce *ssvc.CSVError
	if errors.As(err, &ie) || errors.As(err, &ce) {
		return &exitError{code: 2, msg: "ssvc eval: " + err.Error()}
	}
	return err
}
