package main

import (
	"cmp"
	"context"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/client"
)

func caseCommands() []command {
	return []command{
		{"case", "cases: list, show, create, add-vuln, timeline, send, cs (embargo: see parley embargo)", runCase},
		{"participant", "participants of a case: list, add, rm (report state), consent", runParticipant},
	}
}

const caseUsage = `case: want one of
  list [--q TEXT] [--em N|P|A|R|X] [--mine] [--cursor C] [--limit N]
  show KEY
  create --title TITLE [--summary TEXT]
  add-vuln KEY --title TITLE [--description TEXT] [--cwe CWE-79] [--cvss31 VECTOR] [--cvss40 VECTOR] [--cve CVE-2026-1234]
  timeline KEY [--cursor C] [--limit N]
  send KEY --from PARTICIPANT --to PARTICIPANT
  cs KEY V|F|D|P|X|A [--vendor PARTICIPANT]
  schedule KEY [--remind 7 --alternate 14 --flag 21]   (the reminders to silent vendors)
KEY is a case key such as PAR-2026-0042 (or the case's ID); every command takes --json`

const participantUsage = `participant: want one of
  list KEY [--role ROLE] [--rm S|R|I|V|A|D|C] [--silent] [--unresponsive] [--sort added|name|rm] [--cursor C] [--limit N]
  add KEY --org ID[,ID...] | --user ID[,ID...] --role vendor|reporter|coordinator|deployer|other[,ROLE...]
  add KEY --list VENDOR-LIST [--role vendor]
  rm KEY PARTICIPANT validate|invalidate|accept|defer|close [--reason TEXT]
  consent KEY PARTICIPANT invite|accept|decline
every command takes --json`

// caseVerb is one verb of the case and participant commands (e.g. "show"):
// its positional arguments by name, and a function that defines its flags
// and returns what it does.
type caseVerb struct {
	args  []string
	flags func(fs *flag.FlagSet) caseVerbRun
}

// caseVerbRun runs a verb with its positional arguments.
type caseVerbRun func(ctx context.Context, out *caseOutput, pos []string) error

// caseOutput is a verb's way to the server and to its output: JSON or the
// human form of an answer.
type caseOutput struct {
	c      *cli
	asJSON bool
}

// client connects to the server (after the verb checked its input, so
// that a usage error comes first).
func (p *caseOutput) client() (*client.Client, error) { return apiClient(p.c) }

func (p *caseOutput) print(v any, human func()) error {
	if p.asJSON {
		return printJSON(p.c.stdout, v)
	}
	human()
	return nil
}

func (p *caseOutput) f(format string, a ...any) { fmt.Fprintf(p.c.stdout, format, a...) }

// runCaseVerbs runs the verb args[0] of cmd, one of verbs: usage errors
// (unknown verb, flags, the number of arguments, a PARTICIPANT that is not
// an ID) exit 2, refusals of the server 1.
func runCaseVerbs(ctx context.Context, c *cli, cmd, usage string, verbs map[string]caseVerb, args []string) error {
	if len(args) == 0 {
		return usageError("%s", usage)
	}
	sub, ok := verbs[args[0]]
	if !ok {
		return usageError("%s %s: unknown; %s", cmd, args[0], usage)
	}
	name := cmd + " " + args[0]
	fs, asJSON := clientFlags(c, name)
	do := sub.flags(fs)
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usageError("%s: %v", name, err)
	}
	if len(pos) != len(sub.args) {
		want := "no arguments"
		if len(sub.args) > 0 {
			want = strings.Join(sub.args, " ")
		}
		return usageError("%s: want %s, got %d argument(s); %s", name, want, len(pos), verbUsage(cmd, args[0], usage))
	}
	for i, a := range sub.args {
		if a == "PARTICIPANT" {
			if _, err := caseArgID(pos[i]); err != nil {
				return usageError("%s: PARTICIPANT %v", name, err)
			}
		}
	}
	if err := do(ctx, &caseOutput{c: c, asJSON: *asJSON}, pos); err != nil {
		return apiError(name, err)
	}
	return nil
}

// verbUsage is the line of usage that shows verb, as "usage: parley cmd
// line", or all of usage when no line does.
func verbUsage(cmd, verb, usage string) string {
	for _, line := range strings.Split(usage, "\n") {
		line = strings.TrimSpace(line)
		first, _, _ := strings.Cut(line, " ")
		if slices.Contains(strings.Split(first, "|"), verb) {
			return fmt.Sprintf("usage: parley %s %s (parley %s lists every command)", cmd, line, cmd)
		}
	}
	return usage
}

// caseArgID reads an ID given as an argument.
func caseArgID(s string) (int64, error) {
	n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%q is not an ID", s)
	}
	return n, nil
}

// caseArgIDs reads a list of IDs such as "3,4,5".
func caseArgIDs(s string) ([]int64, error) {
	var out []int64
	for part := range strings.SplitSeq(s, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		id, err := caseArgID(part)
		if err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, nil
}

func runCase(ctx context.Context, c *cli, args []string) error {
	return runCaseVerbs(ctx, c, "case", caseUsage, map[string]caseVerb{
		"list": {nil, func(fs *flag.FlagSet) caseVerbRun {
			var f client.CaseFilter
			fs.StringVar(&f.Query, "q", "", "part of the title or key")
			fs.StringVar(&f.EM, "em", "", "embargo state: N, P, A, R or X")
			fs.BoolVar(&f.Mine, "mine", false, "only the cases you take part in or opened")
			fs.StringVar(&f.Cursor, "cursor", "", "the next_cursor of the page before")
			fs.IntVar(&f.Limit, "limit", 0, "page size (1-200)")
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				l, err := cl.Cases(ctx, f)
				if err != nil {
					return err
				}
				return out.print(l, func() {
					rows := [][]string{}
					for _, k := range l.Items {
						rows = append(rows, []string{k.Key, k.EM, k.CSGlobal, k.Title})
					}
					table(out.c.stdout, "KEY\tEM\tCS\tTITLE", rows)
					if l.NextCursor != "" {
						out.f("more: --cursor %s\n", l.NextCursor)
					}
				})
			}
		}},
		"show": {[]string{"KEY"}, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				d, err := cl.Case(ctx, pos[0])
				if err != nil {
					return err
				}
				return out.print(d, func() { printCase(out, d) })
			}
		}},
		"create": {nil, func(fs *flag.FlagSet) caseVerbRun {
			var in client.NewCase
			fs.StringVar(&in.Title, "title", "", "title (required)")
			fs.StringVar(&in.Summary, "summary", "", "summary")
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				if strings.TrimSpace(in.Title) == "" {
					return usageError("case create: --title is required")
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				d, err := cl.CreateCase(ctx, in)
				if err != nil {
					return err
				}
				return out.print(d, func() { out.f("created case %s: %s\n", d.Key, d.Title) })
			}
		}},
		"add-vuln": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			var in client.CaseVulnerabilityInput
			fs.StringVar(&in.Title, "title", "", "title (required)")
			fs.StringVar(&in.Description, "description", "", "description")
			fs.StringVar(&in.CWE, "cwe", "", "weakness, e.g. CWE-79")
			fs.StringVar(&in.CVSS31Vector, "cvss31", "", "CVSS 3.1 vector")
			fs.StringVar(&in.CVSS40Vector, "cvss40", "", "CVSS 4.0 vector")
			fs.StringVar(&in.CVE, "cve", "", "CVE ID, e.g. CVE-2026-1234")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				if strings.TrimSpace(in.Title) == "" {
					return usageError("case add-vuln: --title is required")
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				v, err := cl.AddVulnerability(ctx, pos[0], in)
				if err != nil {
					return err
				}
				return out.print(v, func() { out.f("added vulnerability %d: %s\n", v.ID, caseVulnLine(v)) })
			}
		}},
		"timeline": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			cursor := fs.String("cursor", "", "the next_cursor of the page before")
			limit := fs.Int("limit", 0, "page size (1-200)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				l, err := cl.Timeline(ctx, pos[0], *cursor, *limit)
				if err != nil {
					return err
				}
				return out.print(l, func() {
					rows := [][]string{}
					for _, e := range l.Items {
						rows = append(rows, []string{e.At.Format("2006-01-02 15:04"), e.Actor, e.Message, e.Summary})
					}
					table(out.c.stdout, "WHEN (UTC)\tWHO\tMSG\tWHAT", rows)
					if l.NextCursor != "" {
						out.f("more: --cursor %s\n", l.NextCursor)
					}
				})
			}
		}},
		"send": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			from := fs.Int64("from", 0, "the participant that sent the report (in Accepted)")
			to := fs.Int64("to", 0, "the participant that received it")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				if *from <= 0 || *to <= 0 {
					return usageError("case send: --from PARTICIPANT and --to PARTICIPANT are required")
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				p, err := cl.SendReport(ctx, pos[0], *from, *to)
				if err != nil {
					return err
				}
				return out.print(p, func() { out.f("%s (participant %d) received the report: %s\n", p.Name, p.ID, p.RMName) })
			}
		}},
		"schedule": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			var in client.Schedule
			fs.IntVar(&in.RemindAfterDays, "remind", 0, "days after the first contact to send the notice again")
			fs.IntVar(&in.AlternateAfterDays, "alternate", 0, "days after it to write to the vendor's other contacts")
			fs.IntVar(&in.FlagAfterDays, "flag", 0, "days after it from which the vendor may be flagged unresponsive")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				s, err := cl.Schedule(ctx, pos[0])
				if err == nil && in != (client.Schedule{}) { // what is not given stays
					in.RemindAfterDays = cmp.Or(in.RemindAfterDays, s.RemindAfterDays)
					in.AlternateAfterDays = cmp.Or(in.AlternateAfterDays, s.AlternateAfterDays)
					in.FlagAfterDays = cmp.Or(in.FlagAfterDays, s.FlagAfterDays)
					s, err = cl.SetSchedule(ctx, pos[0], in)
				}
				if err != nil {
					return err
				}
				return out.print(s, func() {
					out.f("silent vendors: reminded after %d days, other contacts after %d, flagged from %d (days from the first contact)\n",
						s.RemindAfterDays, s.AlternateAfterDays, s.FlagAfterDays)
				})
			}
		}},
		"cs": {[]string{"KEY", "EVENT"}, func(fs *flag.FlagSet) caseVerbRun {
			vendor := fs.Int64("vendor", 0, "V, F, D: the vendor or deployer participant")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				changes, err := cl.RecordCS(ctx, pos[0], pos[1], *vendor)
				if err != nil {
					return err
				}
				return out.print(map[string]any{"changes": changes}, func() {
					for _, ch := range changes {
						printCaseChange(out, ch)
					}
				})
			}
		}},
	}, args)
}

func runParticipant(ctx context.Context, c *cli, args []string) error {
	return runCaseVerbs(ctx, c, "participant", participantUsage, map[string]caseVerb{
		"list": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			var f client.ParticipantFilter
			fs.StringVar(&f.Role, "role", "", "only this role")
			fs.StringVar(&f.RM, "rm", "", "only this report state")
			fs.BoolVar(&f.Silent, "silent", false, "only vendors contacted that have not answered")
			fs.BoolVar(&f.Unresponsive, "unresponsive", false, "only vendors flagged unresponsive")
			fs.StringVar(&f.Sort, "sort", "", "added (default), name or rm")
			fs.StringVar(&f.Cursor, "cursor", "", "the next_cursor of the page before")
			fs.IntVar(&f.Limit, "limit", 0, "page size (1-200)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				l, err := cl.Participants(ctx, pos[0], f)
				if err != nil {
					return err
				}
				return out.print(l, func() {
					printParticipants(out, l.Items)
					if l.NextCursor != "" {
						out.f("more: --cursor %s\n", l.NextCursor)
					}
				})
			}
		}},
		"add": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			orgs := fs.String("org", "", "organisation IDs, comma-separated")
			users := fs.String("user", "", "IDs of people without an organisation, comma-separated")
			role := fs.String("role", "", "roles, comma-separated: vendor, reporter, coordinator, deployer, other (required)")
			fromList := fs.Int64("list", 0, "a saved vendor list: its organisations not in the case yet")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				if *fromList != 0 {
					return addFromList(ctx, out, pos[0], *fromList, *role)
				}
				list, err := caseNewParticipants(*orgs, *users, *role)
				if err != nil {
					return err
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				ps, err := cl.AddParticipants(ctx, pos[0], list)
				if err != nil {
					return err
				}
				return out.print(ps, func() {
					out.f("added %d participant(s)\n", len(ps))
					printParticipants(out, ps)
				})
			}
		}},
		"rm": {[]string{"KEY", "PARTICIPANT", "EVENT"}, func(fs *flag.FlagSet) caseVerbRun {
			reason := fs.String("reason", "", "why, when closing during an embargo")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[1])
				cl, err := out.client()
				if err != nil {
					return err
				}
				p, err := cl.StepRM(ctx, pos[0], id, pos[2], *reason)
				if err != nil {
					return err
				}
				return out.print(p, func() { out.f("%s (participant %d): report %s (%s)\n", p.Name, p.ID, p.RMName, p.RM) })
			}
		}},
		"consent": {[]string{"KEY", "PARTICIPANT", "EVENT"}, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[1])
				cl, err := out.client()
				if err != nil {
					return err
				}
				p, err := cl.StepConsent(ctx, pos[0], id, pos[2])
				if err != nil {
					return err
				}
				return out.print(p, func() { out.f("%s (participant %d): embargo consent %s\n", p.Name, p.ID, p.Consent) })
			}
		}},
	}, args)
}

// caseNewParticipants builds the list of participant add: each organisation
// and person with the same roles.
func caseNewParticipants(orgs, users, roles string) ([]client.NewCaseParticipant, error) {
	orgIDs, err := caseArgIDs(orgs)
	if err != nil {
		return nil, usageError("participant add: --org: %v", err)
	}
	userIDs, err := caseArgIDs(users)
	if err != nil {
		return nil, usageError("participant add: --user: %v", err)
	}
	var rs []string
	for r := range strings.SplitSeq(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			rs = append(rs, r)
		}
	}
	switch {
	case len(orgIDs)+len(userIDs) == 0:
		return nil, usageError("participant add: name who joins with --org ID[,ID...] or --user ID[,ID...]")
	case len(rs) == 0:
		return nil, usageError("participant add: --role is required, e.g. --role vendor")
	}
	var list []client.NewCaseParticipant
	for _, id := range orgIDs {
		list = append(list, client.NewCaseParticipant{OrgID: id, Roles: rs})
	}
	for _, id := range userIDs {
		list = append(list, client.NewCaseParticipant{UserID: id, Roles: rs})
	}
	return list, nil
}

func printCase(out *caseOutput, d client.CaseDetail) {
	out.f("%s: %s (id %d, version %d)\n", d.Key, d.Title, d.ID, d.Version)
	out.f("embargo: %s (%s); case state: %s\n", d.EM, d.EMName, d.CSGlobal)
	if d.EmbargoEndsAt != nil {
		out.f("embargo ends: %s\n", d.EmbargoEndsAt.Format("2006-01-02 15:04 UTC"))
	}
	if d.Summary != "" {
		out.f("summary: %s\n", d.Summary)
	}
	if len(d.Vulnerabilities) == 0 {
		out.f("no vulnerabilities yet\n")
	}
	for _, v := range d.Vulnerabilities {
		out.f("vulnerability %d: %s\n", v.ID, caseVulnLine(v))
	}
	if a := d.Access; a != nil {
		if len(a.Participants) > 0 {
			ids := make([]string, len(a.Participants))
			for i, id := range a.Participants {
				ids[i] = strconv.FormatInt(id, 10)
			}
			out.f("you act for participant %s\n", strings.Join(ids, ", "))
		}
		if len(a.Actions) == 0 {
			out.f("you may only read this case\n")
		} else {
			out.f("you may: %s\n", strings.Join(a.Actions, ", "))
		}
	}
}

func caseVulnLine(v client.CaseVulnerability) string {
	parts := []string{v.Title}
	for _, s := range []string{v.CWE, v.CVE} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if v.CVSS31Score != nil {
		parts = append(parts, fmt.Sprintf("CVSS 3.1 %.1f", *v.CVSS31Score))
	}
	if v.CVSS40Score != nil {
		parts = append(parts, fmt.Sprintf("CVSS 4.0 %.1f", *v.CVSS40Score))
	}
	return strings.Join(parts, ", ") + fmt.Sprintf(" (version %d)", v.Version)
}

func printParticipants(out *caseOutput, ps []client.CaseParticipant) {
	rows := [][]string{}
	for _, p := range ps {
		silence := ""
		switch {
		case p.UnresponsiveAt != nil:
			silence = "unresponsive since " + p.UnresponsiveAt.UTC().Format("2006-01-02")
		case p.EscalationStage > 0:
			silence = []string{"", "reminded", "other contacts written to"}[min(p.EscalationStage, 2)]
		}
		rows = append(rows, []string{strconv.FormatInt(p.ID, 10), p.Name, strings.Join(p.Roles, ","), p.RM + " " + p.RMName, p.Consent, p.VFD, silence})
	}
	table(out.c.stdout, "ID\tNAME\tROLES\tRM\tCONSENT\tVFD\tSILENCE", rows)
}

func printCaseChange(out *caseOutput, ch client.CaseChange) {
	who := ""
	if ch.ParticipantID != 0 {
		who = fmt.Sprintf(" participant %d", ch.ParticipantID)
	}
	note := ""
	if ch.Message != "" {
		note = " " + ch.Message
	}
	if ch.Implied {
		note += " (implied)"
	}
	out.f("%s%s: %s %s -> %s%s\n", ch.Machine, who, ch.Event, ch.From, ch.To, note)
}
