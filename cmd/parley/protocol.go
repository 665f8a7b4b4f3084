package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/big"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/metrics"
	"github.com/parleycvd/parley/internal/protocol"
)

// protocolCommands lists the protocol and metrics subcommands (issue 6).
func protocolCommands() []command {
	return []command{
		{name: "protocol", summary: "the MPCVD model: list transitions, check a CS history", run: runProtocol},
		{name: "metrics", summary: "CVD skill metrics: baseline frequencies, skill over cases", run: runMetrics},
	}
}

const protocolUsage = `Usage:
  parley protocol transitions rm|em|cs [--format csv|dot|mermaid]
  parley protocol history EVENTS    (e.g. VFPDXA or V,F,P)
`

const metricsUsage = `Usage:
  parley metrics baseline [--format table|csv]
  parley metrics skill [--since YYYY-MM-DD] [--format table|csv|json]
`

func runProtocol(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, protocolUsage)
		return usageError("protocol: missing subcommand")
	}
	switch args[0] {
	case "transitions":
		return runTransitions(c, args[1:])
	case "history":
		return runHistory(c, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(c.stdout, protocolUsage)
		return nil
	}
	fmt.Fprint(c.stderr, protocolUsage)
	return usageError("protocol: unknown subcommand %q", args[0])
}

func runMetrics(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, metricsUsage)
		return usageError("metrics: missing subcommand")
	}
	switch args[0] {
	case "baseline":
		return runBaseline(c, args[1:])
	case "skill":
		return runSkill(ctx, c, args[1:])
	case "help", "-h", "--help":
		fmt.Fprint(c.stdout, metricsUsage)
		return nil
	}
	fmt.Fprint(c.stderr, metricsUsage)
	return usageError("metrics: unknown subcommand %q", args[0])
}

// newFlags returns a flag set writing its messages to stderr and a --format
// flag whose default is the first of formats.
func newFlags(c *cli, name string, formats ...string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	format := fs.String("format", formats[0], "output format: "+strings.Join(formats, ", "))
	return fs, format
}

// parseFlags parses flags that may come before, between or after the
// positional arguments, and returns the positionals. After "--" everything
// is positional. A bad flag is a usage error (the flag package has already
// said why); -h is not an error.
func parseFlags(fs *flag.FlagSet, args []string) (positional []string, help bool, err error) {
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, true, nil
			}
			return nil, false, &exitError{code: 2}
		}
		rest := fs.Args()
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), false, nil
		}
		if len(rest) == 0 {
			return positional, false, nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// checkFormat returns a usage error unless format is one of allowed.
func checkFormat(cmd, format string, allowed ...string) error {
	for _, a := range allowed {
		if format == a {
			return nil
		}
	}
	return usageError("%s: unknown format %q (want %s)", cmd, format, strings.Join(allowed, ", "))
}

// edge is one transition with its states and event written as strings.
type edge struct{ from, event, to string }

// graph is a machine's transitions and the state it starts in.
type graph struct {
	name  string
	start string
	edges []edge
}

func edgesOf[S, E fmt.Stringer](ts []protocol.Transition[S, E]) []edge {
	es := make([]edge, len(ts))
	for i, t := range ts {
		es[i] = edge{t.From.String(), t.Event.String(), t.To.String()}
	}
	return es
}

func machineGraph(name string) (graph, bool) {
	switch name {
	case "rm":
		return graph{name, protocol.RMStart.String(), edgesOf(protocol.RMTransitions())}, true
	case "em":
		return graph{name, protocol.EMNone.String(), edgesOf(protocol.EMTransitions())}, true
	case "cs":
		return graph{name, protocol.CSStart.String(), edgesOf(protocol.CSTransitions())}, true
	}
	return graph{}, false
}

func runTransitions(c *cli, args []string) error {
	fs, format := newFlags(c, "protocol transitions", "csv", "dot", "mermaid")
	pos, help, err := parseFlags(fs, args)
	if err != nil || help {
		return err
	}
	if len(pos) != 1 {
		return usageError("protocol transitions: want one machine: rm, em or cs")
	}
	g, ok := machineGraph(pos[0])
	if !ok {
		return usageError("protocol transitions: unknown machine %q (want rm, em or cs)", pos[0])
	}
	if err := checkFormat("protocol transitions", *format, "csv", "dot", "mermaid"); err != nil {
		return err
	}
	return writeGraph(c.stdout, g, *format)
}

func writeGraph(w io.Writer, g graph, format string) error {
	var b strings.Builder
	switch format {
	case "csv":
		cw := csv.NewWriter(&b)
		cw.Write([]string{"from", "event", "to"})
		for _, e := range g.edges {
			cw.Write([]string{e.from, e.event, e.to})
		}
		cw.Flush()
	case "dot":
		fmt.Fprintf(&b, "digraph %s {\n\trankdir=LR;\n\tstart [shape=point];\n\tstart -> %q;\n", g.name, g.start)
		for _, e := range g.edges {
			fmt.Fprintf(&b, "\t%q -> %q [label=%q];\n", e.from, e.to, e.event)
		}
		b.WriteString("}\n")
	case "mermaid":
		fmt.Fprintf(&b, "stateDiagram-v2\n    [*] --> %s\n", g.start)
		for _, e := range g.edges {
			fmt.Fprintf(&b, "    %s --> %s: %s\n", e.from, e.to, e.event)
		}
	default:
		return fmt.Errorf("unknown format %q", format)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func runHistory(c *cli, args []string) error {
	fs := flag.NewFlagSet("protocol history", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	pos, help, err := parseFlags(fs, args)
	if err != nil || help {
		return err
	}
	if len(pos) == 0 {
		return usageError("protocol history: want the events, e.g. VFPDXA or V,F,P")
	}
	events, err := protocol.ParseHistory(strings.Join(pos, ","))
	if err != nil {
		fmt.Fprintf(c.stdout, "invalid: %v\n", err)
		return &exitError{code: 1}
	}
	r := protocol.ValidateHistory(events)
	fmt.Fprintln(c.stdout, r)
	if r.Verdict == protocol.HistoryInvalid {
		return &exitError{code: 1}
	}
	return nil
}

func runBaseline(c *cli, args []string) error {
	fs, format := newFlags(c, "metrics baseline", "table", "csv")
	pos, help, err := parseFlags(fs, args)
	if err != nil || help {
		return err
	}
	if len(pos) != 0 {
		return usageError("metrics baseline: unexpected argument %q", pos[0])
	}
	if err := checkFormat("metrics baseline", *format, "table", "csv"); err != nil {
		return err
	}
	var b strings.Builder
	if *format == "csv" {
		cw := csv.NewWriter(&b)
		cw.Write([]string{"desideratum", "fraction", "decimal"})
		for _, bl := range metrics.Baselines() {
			cw.Write([]string{bl.Desideratum.String(), bl.Frequency.RatString(), decimal(bl.Frequency)})
		}
		cw.Flush()
	} else {
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DESIDERATUM\tBASELINE\tFRACTION")
		for _, bl := range metrics.Baselines() {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", bl.Desideratum, decimal(bl.Frequency), bl.Frequency.RatString())
		}
		tw.Flush()
	}
	_, err = io.WriteString(c.stdout, b.String())
	return err
}

func runSkill(ctx context.Context, c *cli, args []string) error {
	mine, rest := splitFlags(args, map[string]bool{"format": true, "format=": true, "since": true, "since=": true})
	fs, format := newFlags(c, "metrics skill", "table", "csv", "json")
	since := fs.String("since", "", "only cases opened on or after this date (YYYY-MM-DD, UTC)")
	pos, help, err := parseFlags(fs, mine)
	if err != nil || help {
		return err
	}
	if err := checkFormat("metrics skill", *format, "table", "csv", "json"); err != nil {
		return err
	}
	var from time.Time
	if *since != "" {
		if from, err = time.Parse(time.DateOnly, *since); err != nil {
			return usageError("metrics skill: --since %q: want a date like 2026-01-31", *since)
		}
	}
	cfg, extra, err := loadConfig(c, "metrics skill", rest)
	if err != nil {
		return err
	}
	if len(pos)+len(extra) != 0 {
		return usageError("metrics skill: unexpected argument %q", append(pos, extra...)[0])
	}
	db, err := openDB(ctx, cfg, newLogger(cfg, c.stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	hs, err := cases.NewService(db, time.Now, cases.Config{KeyPrefix: cfg.CasePrefix}).CSHistories(ctx, from)
	if err != nil {
		return err
	}
	return writeSkill(c.stdout, *format, metrics.Evaluate(skillHistories(hs)))
}

// skillHistories turns the cases' records into the metrics' histories.
func skillHistories(hs []cases.CSHistory) []metrics.History {
	out := make([]metrics.History, 0, len(hs))
	for _, h := range hs {
		mh := metrics.History{CaseID: h.CaseKey, Vendor: h.VendorName}
		for _, r := range h.Events {
			mh.Events = append(mh.Events, metrics.Event{Event: r.Event, At: r.At})
		}
		out = append(out, mh)
	}
	return out
}

// decimal writes r with four decimals, rounded half away from zero.
func decimal(r *big.Rat) string { return r.FloatString(4) }

// optional returns decimal(r), or undefined when ok is false.
func optional(r *big.Rat, ok bool, undefined string) string {
	if !ok {
		return undefined
	}
	return decimal(r)
}

// skillJSON is the wire form of a skill report.
type skillJSON struct {
	Histories  int            `json:"histories"`
	Desiderata []skillRowJSON `json:"desiderata"`
	Rejected   []rejectedJSON `json:"rejected"`
}

type skillRowJSON struct {
	Desideratum      string   `json:"desideratum"`
	Baseline         float64  `json:"baseline"`
	BaselineFraction string   `json:"baseline_fraction"`
	Observed         *float64 `json:"observed"`
	Cases            int      `json:"cases"`
	Met              int      `json:"met"`
	Missed           int      `json:"missed"`
	Undetermined     int      `json:"undetermined"`
	Alpha            *float64 `json:"alpha"`
}

type rejectedJSON struct {
	CaseID string `json:"case_id"`
	Vendor string `json:"vendor"`
	Error  string `json:"error"`
}

// float returns r as a float64, or nil when ok is false.
func float(r *big.Rat, ok bool) *float64 {
	if !ok {
		return nil
	}
	f, _ := r.Float64()
	return &f
}

// writeSkill writes a skill report as a table, csv (columns desideratum,
// baseline, observed, cases, alpha; four decimals; observed and alpha empty
// when undefined) or json.
func writeSkill(w io.Writer, format string, rep metrics.Report) error {
	var b strings.Builder
	switch format {
	case "table":
		tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "DESIDERATUM\tBASELINE\tOBSERVED\tCASES\tALPHA")
		for _, r := range rep.Rows {
			obs, ok := r.Observed()
			alpha, aok := r.Alpha()
			fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", r.Desideratum, decimal(r.Baseline), optional(obs, ok, "-"), r.Cases(), optional(alpha, aok, "-"))
		}
		tw.Flush()
		fmt.Fprintf(&b, "%d histories, %d rejected\n", rep.Histories, len(rep.Rejected))
		for _, x := range rep.Rejected {
			fmt.Fprintf(&b, "rejected: case %s, vendor %s: %v\n", x.CaseID, x.Vendor, x.Err)
		}
	case "csv":
		cw := csv.NewWriter(&b)
		cw.Write([]string{"desideratum", "baseline", "observed", "cases", "alpha"})
		for _, r := range rep.Rows {
			obs, ok := r.Observed()
			alpha, aok := r.Alpha()
			cw.Write([]string{r.Desideratum.String(), decimal(r.Baseline), optional(obs, ok, ""), fmt.Sprint(r.Cases()), optional(alpha, aok, "")})
		}
		cw.Flush()
	case "json":
		out := skillJSON{Histories: rep.Histories, Desiderata: []skillRowJSON{}, Rejected: []rejectedJSON{}}
		for _, r := range rep.Rows {
			base, _ := r.Baseline.Float64()
			obs, ok := r.Observed()
			alpha, aok := r.Alpha()
			out.Desiderata = append(out.Desiderata, skillRowJSON{
				Desideratum: r.Desideratum.String(), Baseline: base, BaselineFraction: r.Baseline.RatString(),
				Observed: float(obs, ok), Cases: r.Cases(), Met: r.Met, Missed: r.Missed, Undetermined: r.Undetermined,
				Alpha: float(alpha, aok),
			})
		}
		for _, x := range rep.Rejected {
			out.Rejected = append(out.Rejected, rejectedJSON{CaseID: x.CaseID, Vendor: x.Vendor, Error: x.Err.Error()})
		}
		enc := json.NewEncoder(&b)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	default:
		return fmt.Errorf("unknown format %q (want table, csv or json)", format)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
