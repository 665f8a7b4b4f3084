package main

import (
	"context"
	"flag"
	"time"

	"github.com/parleycvd/parley/client"
)

func embargoCommands() []command {
	return []command{
		{"embargo", "a case's embargo: show, propose, answer, decide, end, proposers, share", runEmbargo},
		{"policy", "disclosure policies: show, set", runPolicy},
		{"cra", "EU Cyber Resilience Act clocks of a case: show, mark, report", runCRA},
	}
}

const embargoUsage = `embargo: want one of
  show KEY
  propose KEY --ends 2026-12-31T17:00 --zone Europe/Berlin [--justification TEXT] [--as PARTICIPANT]
  propose KEY --default [--as PARTICIPANT]     (the default of your organisation's disclosure policy)
  answer KEY PARTICIPANT accept|reject [--proposal ID] [--comment TEXT]
  decide KEY accept|reject [--proposal ID] [--reason TEXT]     (coordinators)
  end KEY --reason TEXT                                       (coordinators: end the embargo now)
  proposers KEY coordinators|participants
  share KEY PARTICIPANT --reason TEXT                         (show details before acceptance)
--ends is RFC 3339 with an offset, or a local date-time with --zone; every command takes --json`

func runEmbargo(ctx context.Context, c *cli, args []string) error {
	return runCaseVerbs(ctx, c, "embargo", embargoUsage, map[string]caseVerb{
		"show": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				e, err := cl.Embargo(ctx, pos[0])
				if err != nil {
					return err
				}
				return out.print(e, func() { printEmbargo(out, e) })
			}
		}},
		"propose": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			var in client.EmbargoProposalInput
			fs.StringVar(&in.EndsAt, "ends", "", "when the embargo ends")
			fs.StringVar(&in.Zone, "zone", "", "the IANA time zone --ends is meant in")
			fs.StringVar(&in.Justification, "justification", "", "why, when longer than 90 days")
			fs.Int64Var(&in.AsParticipant, "as", 0, "the participant proposing (default: yours)")
			fs.BoolVar(&in.Default, "default", false, "propose your organisation's default embargo")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				if in.Default == (in.EndsAt != "") {
					return usageError("embargo propose: give either --ends (with --zone) or --default")
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				pr, err := cl.ProposeEmbargo(ctx, pos[0], in)
				if err != nil {
					return err
				}
				return out.print(pr, func() { printProposal(out, pr) })
			}
		}},
		"answer": {[]string{"KEY", "PARTICIPANT", "ANSWER"}, func(fs *flag.FlagSet) caseVerbRun {
			proposal := fs.Int64("proposal", 0, "the proposal answered (default: the current one)")
			comment := fs.String("comment", "", "words to go with the answer")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[1])
				cl, err := out.client()
				if err != nil {
					return err
				}
				pr, err := cl.AnswerEmbargo(ctx, pos[0], id, *proposal, pos[2], *comment)
				if err != nil {
					return err
				}
				return out.print(pr, func() { printProposal(out, pr) })
			}
		}},
		"decide": {[]string{"KEY", "DECISION"}, func(fs *flag.FlagSet) caseVerbRun {
			proposal := fs.Int64("proposal", 0, "the proposal decided (default: the pending one)")
			reason := fs.String("reason", "", "why")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				pr, err := cl.DecideEmbargo(ctx, pos[0], *proposal, pos[1], *reason)
				if err != nil {
					return err
				}
				return out.print(pr, func() { printProposal(out, pr) })
			}
		}},
		"end": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			reason := fs.String("reason", "", "why the embargo ends early (required)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				k, err := cl.TerminateEmbargo(ctx, pos[0], *reason)
				if err != nil {
					return err
				}
				return out.print(k, func() { out.f("%s: embargo %s (%s)\n", k.Key, k.EM, k.EMName) })
			}
		}},
		"proposers": {[]string{"KEY", "WHO"}, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				e, err := cl.SetEmbargoProposers(ctx, pos[0], pos[1])
				if err != nil {
					return err
				}
				return out.print(e, func() { out.f("embargo terms are proposed by the %s\n", e.Proposers) })
			}
		}},
		"share": {[]string{"KEY", "PARTICIPANT"}, func(fs *flag.FlagSet) caseVerbRun {
			reason := fs.String("reason", "", "why the details are shared before acceptance (required)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[1])
				cl, err := out.client()
				if err != nil {
					return err
				}
				if err := cl.ShareDetails(ctx, pos[0], id, *reason); err != nil {
					return err
				}
				return out.print(map[string]any{"shared": id}, func() { out.f("details shared with participant %d\n", id) })
			}
		}},
	}, args)
}

func printEmbargo(out *caseOutput, e client.Embargo) {
	out.f("embargo: %s (%s); proposed by the %s\n", e.EM, e.EMName, e.Proposers)
	if e.InForce != nil {
		out.f("in force until %s\n", termsText(*e.InForce))
	}
	if e.Pending != nil {
		out.f("pending: ")
		printProposal(out, *e.Pending)
	}
	if e.Restricted {
		out.f("you see the case's summary only until you accept the embargo\n")
	}
	if e.Advice != "" {
		out.f("advice: %s\n", e.Advice)
	}
	for _, a := range e.Answers {
		extra := ""
		if a.Silent {
			extra = " (silent)"
		}
		out.f("  %-6d %-30s %-10s since %s%s\n", a.ParticipantID, a.Participant, a.Consent, a.Since.Format("2006-01-02"), extra)
	}
}

func printProposal(out *caseOutput, pr client.EmbargoProposal) {
	status := pr.Status
	if pr.Outcome != "" && pr.Outcome != pr.Status {
		status += " (" + pr.Outcome + ")"
	}
	out.f("#%d %s by %s until %s: %s\n", pr.ID, pr.Kind, pr.Proposer, termsText(pr.EmbargoTerms), status)
}

// termsText writes terms in their zone and, unless that is UTC, in UTC.
func termsText(t client.EmbargoTerms) string {
	s := t.EndsAt.UTC().Format("2006-01-02 15:04") + " UTC"
	if local, err := time.Parse(time.RFC3339, t.EndsLocal); err == nil && t.Zone != "UTC" {
		s = local.Format("2006-01-02 15:04") + " " + t.Zone + " (" + s + ")"
	}
	return s
}

const policyUsage = `policy: want one of
  show ORG
  set ORG (--preset cert-45|90-30|120|list-14|max-7 | --days N --counts-from first_contact|report|proposal) [--justification TEXT] [--statement TEXT] [--version N]
every command takes --json`

func runPolicy(ctx context.Context, c *cli, args []string) error {
	return runCaseVerbs(ctx, c, "policy", policyUsage, map[string]caseVerb{
		"show": {[]string{"PARTICIPANT"}, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[0])
				cl, err := out.client()
				if err != nil {
					return err
				}
				p, err := cl.Policy(ctx, id)
				if err != nil {
					return err
				}
				return out.print(p, func() { printPolicy(out, p) })
			}
		}},
		"set": {[]string{"PARTICIPANT"}, func(fs *flag.FlagSet) caseVerbRun {
			var in client.PolicyInput
			fs.StringVar(&in.Preset, "preset", "", "start from a preset")
			fs.IntVar(&in.Days, "days", 0, "days of the default embargo")
			fs.StringVar(&in.CountsFrom, "counts-from", "", "first_contact, report or proposal")
			fs.StringVar(&in.Justification, "justification", "", "why, beyond 90 days")
			fs.StringVar(&in.Statement, "statement", "", "the policy in your words (Markdown)")
			fs.IntVar(&in.Version, "version", 0, "the version you read (0 for a first policy)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[0])
				cl, err := out.client()
				if err != nil {
					return err
				}
				p, err := cl.SetPolicy(ctx, id, in)
				if err != nil {
					return err
				}
				return out.print(p, func() { printPolicy(out, p) })
			}
		}},
	}, args)
}

func printPolicy(out *caseOutput, p client.Policy) {
	state := "published"
	if !p.Published {
		state = "not published: the default applies"
	}
	out.f("organisation %d: %s, %d days from %s (%s, version %d)\n", p.OrgID, p.Preset, p.Days, p.CountsFrom, state, p.Version)
	if p.Statement != "" {
		out.f("%s\n", p.Statement)
	}
}

const craUsage = `cra: want one of
  show KEY
  mark KEY --manufacturer PARTICIPANT --aware 2026-05-01T06:00:00Z [--fix TIME] [--version N]
  report KEY early_warning|notification|final_report [--at TIME] [--ref REFERENCE]
times are RFC 3339; every command takes --json`

func runCRA(ctx context.Context, c *cli, args []string) error {
	return runCaseVerbs(ctx, c, "cra", craUsage, map[string]caseVerb{
		"show": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				k, err := cl.CRA(ctx, pos[0])
				if err != nil {
					return err
				}
				return out.print(k, func() { printCRA(out, k) })
			}
		}},
		"mark": {[]string{"KEY"}, func(fs *flag.FlagSet) caseVerbRun {
			manufacturer := fs.Int64("manufacturer", 0, "the vendor participant that reports")
			aware := fs.String("aware", "", "when it became aware of the exploitation (RFC 3339)")
			fix := fs.String("fix", "", "when a fix became available (RFC 3339)")
			version := fs.Int("version", 0, "the version read; 0 to mark the case")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				in := client.CRAInput{ManufacturerID: *manufacturer, Version: *version}
				var err error
				if in.AwareAt, err = time.Parse(time.RFC3339, *aware); err != nil {
					return usageError("cra mark: --aware must be an RFC 3339 time such as 2026-05-01T06:00:00Z")
				}
				if *fix != "" {
					t, err := time.Parse(time.RFC3339, *fix)
					if err != nil {
						return usageError("cra mark: --fix must be an RFC 3339 time")
					}
					in.FixAvailableAt = &t
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				k, err := cl.SetCRA(ctx, pos[0], in)
				if err != nil {
					return err
				}
				return out.print(k, func() { printCRA(out, k) })
			}
		}},
		"report": {[]string{"KEY", "REPORT"}, func(fs *flag.FlagSet) caseVerbRun {
			at := fs.String("at", "", "when it was made (RFC 3339; default now)")
			ref := fs.String("ref", "", "the reference it got")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				var when time.Time
				if *at != "" {
					t, err := time.Parse(time.RFC3339, *at)
					if err != nil {
						return usageError("cra report: --at must be an RFC 3339 time")
					}
					when = t
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				k, err := cl.RecordCRAReport(ctx, pos[0], pos[1], when, *ref)
				if err != nil {
					return err
				}
				return out.print(k, func() { printCRA(out, k) })
			}
		}},
	}, args)
}

func printCRA(out *caseOutput, k client.CRA) {
	out.f("EU CRA: %s aware %s (version %d)\n", k.Manufacturer, k.AwareAt.UTC().Format("2006-01-02 15:04 UTC"), k.Version)
	for _, cl := range k.Clocks {
		due, made := "-", "-"
		if cl.DueAt != nil {
			due = cl.DueAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		if cl.MadeAt != nil {
			made = cl.MadeAt.UTC().Format("2006-01-02 15:04 UTC")
		}
		out.f("  %-38s due %-22s made %-22s %s\n", cl.Name, due, made, cl.State)
	}
}
