package main

import (
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"strings"
	"time"

	"github.com/parleycvd/parley/client"
)

func reportCommands() []command {
	return []command{
		{"report", "vulnerability reports: submit, list, mine, show, acknowledge, ask, validate, close, assess…", runReport},
	}
}

const reportUsage = `report: want one of
  submit --file report.json|- [--anonymous] [--server URL]
  list [--q TEXT] [--status new|open|waiting|closed|all] [--assignee ID|none] [--priority P] [--cursor C] [--limit N]
  mine [--cursor C] [--limit N]
  show ID
  acknowledge ID [--message TEXT]
  ask ID --question TEXT
  validate|accept ID [--message TEXT]
  invalidate|defer|close ID --reason REASON [--message TEXT]
  reply ID --message TEXT [--note]
  assess ID 'Decision Point=Value'...
ID is a tracking ID such as RPT-2026-000123 (or the report's ID). Decisions send the version
the report has now (read just before); every command takes --json. submit takes the JSON body of
POST /api/v1/reports and sends it without a token when you are not signed in (or with --anonymous).`

func runReport(ctx context.Context, c *cli, args []string) error {
	verbs := map[string]caseVerb{
		"submit": {nil, reportSubmit(c)},
		"list":   {nil, reportList},
		"mine": {nil, func(fs *flag.FlagSet) caseVerbRun {
			cursor, limit := fs.String("cursor", "", "the next_cursor of the page before"), fs.Int("limit", 0, "page size (1-200)")
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				l, err := cl.MyReports(ctx, *cursor, *limit)
				if err != nil {
					return err
				}
				return out.print(l, func() {
					rows := [][]string{}
					for _, s := range l.Items {
						rows = append(rows, []string{s.TrackingID, s.Status, s.RMName, s.ReceivedAt.Format(time.DateOnly), s.Title})
					}
					table(out.c.stdout, "TRACKING ID\tSTATUS\tRM\tRECEIVED\tTITLE", rows)
				})
			}
		}},
		"show": {[]string{"ID"}, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				r, err := cl.Report(ctx, pos[0])
				if err != nil {
					return err
				}
				return out.print(r, func() { printReport(out, r) })
			}
		}},
		"acknowledge": reportDecision("acknowledge", false),
		"validate":    reportDecision("validate", false),
		"accept":      reportDecision("accept", false),
		"invalidate":  reportDecision("invalidate", true),
		"defer":       reportDecision("defer", true),
		"close":       reportDecision("close", true),
		"ask": {[]string{"ID"}, func(fs *flag.FlagSet) caseVerbRun {
			q := fs.String("question", "", "the question to the reporter (required)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				if strings.TrimSpace(*q) == "" {
					return usageError("report ask: --question is required")
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				cur, err := cl.Report(ctx, pos[0])
				if err != nil {
					return err
				}
				r, err := cl.AskReport(ctx, pos[0], cur.Version, *q)
				if err != nil {
					return err
				}
				return out.print(r, func() { out.f("%s: asked; the report waits for the reporter's answer\n", r.TrackingID) })
			}
		}},
		"reply": {[]string{"ID"}, func(fs *flag.FlagSet) caseVerbRun {
			msg := fs.String("message", "", "the message (required)")
			note := fs.Bool("note", false, "an internal note the reporter never sees")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				if strings.TrimSpace(*msg) == "" {
					return usageError("report reply: --message is required")
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				kind := ""
				if *note {
					kind = "note"
				}
				m, err := cl.AddReportMessage(ctx, pos[0], *msg, kind)
				if err != nil {
					return err
				}
				return out.print(m, func() { out.f("%s added to %s\n", m.Kind, pos[0]) })
			}
		}},
	}
	for name, v := range reportExtraVerbs() { // triage verbs: reportextracmd.go
		verbs[name] = v
	}
	// assess takes any number of Name=Value arguments: handled apart.
	if len(args) > 0 && args[0] == "assess" {
		return reportAssess(ctx, c, args[1:])
	}
	return runCaseVerbs(ctx, c, "report", reportUsage+reportExtraUsage, verbs, args)
}

func reportSubmit(c *cli) func(fs *flag.FlagSet) caseVerbRun {
	return func(fs *flag.FlagSet) caseVerbRun {
		file := fs.String("file", "", "the report as the JSON body of POST /api/v1/reports; - for standard input (required)")
		anonymous := fs.Bool("anonymous", false, "send without your token")
		server := fs.String("server", "", "the server's URL (default: PARLEY_SERVER or the one you signed in to)")
		return func(ctx context.Context, out *caseOutput, _ []string) error {
			if *file == "" {
				return usageError("report submit: --file is required")
			}
			var body []byte
			var err error
			if *file == "-" {
				body, err = io.ReadAll(io.LimitReader(c.stdin, 64<<20))
			} else {
				body, err = os.ReadFile(*file)
			}
			if err != nil {
				return &exitError{code: 1, msg: "report submit: " + err.Error()}
			}
			if !json.Valid(body) {
				return &exitError{code: 1, msg: "report submit: " + *file + " is not valid JSON"}
			}
			cl, err := out.client()
			if err != nil { // not signed in: anonymous, if we know the server
				cl = client.New(c.getenv("PARLEY_SERVER"), "")
			}
			if *server != "" {
				cl.BaseURL = strings.TrimRight(*server, "/")
			}
			if *anonymous {
				cl.Token = ""
			}
			if cl.BaseURL == "" {
				return usageError("report submit: no server: give --server URL, set PARLEY_SERVER or sign in")
			}
			rc, err := cl.SubmitReport(ctx, body)
			if err != nil {
				return err
			}
			return out.print(rc, func() {
				out.f("Report received: %s\n", rc.TrackingID)
				out.f("Follow-up secret (shown once; keep it to read replies and add information): %s\n", rc.FollowUpSecret)
				if len(rc.Completeness) > 0 {
					out.f("It would help to add:\n")
					for _, g := range rc.Completeness {
						out.f("  - %s: %s\n", g.Field, g.Message)
					}
				}
			})
		}
	}
}

func reportList(fs *flag.FlagSet) caseVerbRun {
	var f client.ReportFilter
	fs.StringVar(&f.Q, "q", "", "words to search for, or a tracking ID")
	fs.StringVar(&f.Status, "status", "", "new, open, waiting, closed or all (default: not closed)")
	fs.StringVar(&f.Assignee, "assignee", "", "a user ID, or none")
	fs.StringVar(&f.Priority, "priority", "", "none, low, medium, high or urgent")
	fs.StringVar(&f.Cursor, "cursor", "", "the next_cursor of the page before")
	fs.IntVar(&f.Limit, "limit", 0, "page size (1-200)")
	return func(ctx context.Context, out *caseOutput, _ []string) error {
		cl, err := out.client()
		if err != nil {
			return err
		}
		l, err := cl.Reports(ctx, f)
		if err != nil {
			return err
		}
		return out.print(l, func() {
			rows := [][]string{}
			for _, it := range l.Items {
				flags := ""
				if it.ActivelyExploited {
					flags += "exploited "
				}
				if it.Critical {
					flags += "critical "
				}
				if it.Overdue {
					flags += "overdue"
				}
				age := (time.Duration(it.AgeSeconds) * time.Second).Round(time.Hour)
				rows = append(rows, []string{it.TrackingID, it.Status, it.RM, it.Priority, age.String(), strings.TrimSpace(flags), it.Title})
			}
			table(out.c.stdout, "TRACKING ID\tSTATUS\tRM\tPRIORITY\tAGE\tFLAGS\tTITLE", rows)
			if l.NextCursor != "" {
				out.f("more: --cursor %s\n", l.NextCursor)
			}
		})
	}
}

// reportDecision is a verb that reads the report's version and takes one
// triage step with it.
func reportDecision(action string, needReason bool) caseVerb {
	return caseVerb{[]string{"ID"}, func(fs *flag.FlagSet) caseVerbRun {
		var d client.ReportDecision
		if action != "acknowledge" {
			fs.StringVar(&d.Reason, "reason", "", "a canned reason: out_of_scope, not_reproducible, not_security, insufficient_info, "+
				"low_quality, no_answer, duplicate, already_public, vendor_handles, no_capacity, resolved, other")
		}
		fs.StringVar(&d.Message, "message", "", "your own words to the reporter, after the canned text")
		return func(ctx context.Context, out *caseOutput, pos []string) error {
			if needReason && d.Reason == "" {
				return usageError("report %s: --reason is required", action)
			}
			cl, err := out.client()
			if err != nil {
				return err
			}
			cur, err := cl.Report(ctx, pos[0])
			if err != nil {
				return err
			}
			d.Version = cur.Version
			r, err := cl.DecideReport(ctx, pos[0], action, d)
			if err != nil {
				return err
			}
			return out.print(r, func() { out.f("%s: %s; now %s (%s), %s\n", r.TrackingID, action, r.RMName, r.RM, r.Status) })
		}
	}}
}

func reportAssess(ctx context.Context, c *cli, args []string) error {
	fs, asJSON := clientFlags(c, "report assess")
	pos, err := parseInterleaved(fs, args)
	if err != nil {
		return usageError("report assess: %v", err)
	}
	if len(pos) < 2 {
		return usageError("report assess: want ID and 'Decision Point=Value'...; %s", reportUsage)
	}
	sel := map[string]string{}
	for _, kv := range pos[1:] {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return usageError("report assess: %q is not 'Decision Point=Value'", kv)
		}
		sel[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	out := &caseOutput{c: c, asJSON: *asJSON}
	cl, err := out.client()
	if err != nil {
		return err
	}
	a, err := cl.AssessReport(ctx, pos[0], sel)
	if err != nil {
		return apiError("report assess", err)
	}
	return out.print(a, func() { out.f("%s\n%s\n", a.Outcome, a.Next) })
}

func printReport(out *caseOutput, r client.Report) {
	d := r.Details
	out.f("%s  %s\n", r.TrackingID, d.Title)
	out.f("status %s, RM %s (%s), received %s by %s", r.Status, r.RMName, r.RM, r.ReceivedAt.Format(time.RFC3339), r.Channel)
	if r.Version != 0 {
		out.f(", version %d", r.Version)
	}
	out.f("\n")
	if r.StatusText != "" {
		out.f("%s\n", r.StatusText)
	}
	if t := r.Triage; t != nil {
		out.f("priority %s", t.Priority)
		if t.AssigneeID != 0 {
			out.f(", assigned to %s", t.Assignee())
		}
		if t.Outcome != "" {
			out.f(", outcome %s", t.Outcome)
		}
		if t.SSVC != nil {
			out.f(", SSVC %s", t.SSVC.Outcome)
		}
		out.f("\n")
	}
	for _, p := range d.Products {
		out.f("product: %s %s\n", p.Name, strings.Join(p.Versions, ", "))
	}
	for _, v := range d.Vendors {
		out.f("vendor: %s\n", v.Name)
	}
	if d.Contact.Email != "" || d.Contact.Name != "" {
		out.f("contact: %s <%s>\n", d.Contact.Name, d.Contact.Email)
	}
	out.f("\n%s\n", d.Description)
	if d.ProofOfConcept != "" {
		out.f("\nProof of concept:\n%s\n", d.ProofOfConcept)
	}
	for _, a := range r.Attachments {
		out.f("attachment %d: %s (%s, %d bytes, sha256 %s)\n", a.ID, a.Name, a.ContentType, a.Size, a.SHA256)
	}
	for _, m := range r.Messages {
		internal := ""
		if m.Internal {
			internal = " (internal)"
		}
		out.f("\n-- %s %s, %s%s\n%s\n", m.Author, m.Kind, m.CreatedAt.Format(time.RFC3339), internal, m.Body)
	}
}
