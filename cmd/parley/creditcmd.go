package main

import (
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/parleycvd/parley/client"
)

func creditCommands() []command {
	return []command{
		{"credit", "credits in cases: list, add, answer, mine", runCredit},
	}
}

const creditUsage = `credit: want one of
  list KEY
  add KEY --type TYPE (--user ID | --name NAME [--email ADDR]) [--org ORGANISATION] [--vuln ID]
  answer ID accept|decline [--anonymous] [--name NAME]
  mine
TYPE is finder, reporter, analyst, coordinator, remediation_developer, remediation_reviewer,
remediation_verifier, tool, sponsor or other. A credit of an account (--user) is accepted
or declined by its user (answer), anonymously or under the printed --name. Every command
takes --json`

func runCredit(ctx context.Context, c *cli, args []string) error {
	verbs := map[string]caseVerb{
		"list": {[]string{"KEY"}, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				list, err := cl.Credits(ctx, pos[0])
				if err != nil {
					return err
				}
				return out.print(list, func() { printCredits(out, list, false) })
			}
		}},
		"add":    {[]string{"KEY"}, creditAdd},
		"answer": {[]string{"ID", "ANSWER"}, creditAnswer},
		"mine": {nil, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				list, err := cl.MyCredits(ctx)
				if err != nil {
					return err
				}
				return out.print(list, func() { printCredits(out, list, true) })
			}
		}},
	}
	return runCaseVerbs(ctx, c, "credit", creditUsage, verbs, args)
}

func creditAdd(fs *flag.FlagSet) caseVerbRun {
	var in client.NewCredit
	fs.StringVar(&in.Type, "type", "", "what the person is credited for (required)")
	fs.Int64Var(&in.UserID, "user", 0, "the credited account's ID")
	fs.StringVar(&in.Name, "name", "", "the credited's name, for someone without an account")
	fs.StringVar(&in.Email, "email", "", "their e-mail address (with --name)")
	fs.StringVar(&in.Organisation, "org", "", "their organisation")
	fs.Int64Var(&in.VulnerabilityID, "vuln", 0, "the vulnerability of the case it is for (default: the case)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		if strings.TrimSpace(in.Type) == "" {
			return usageError("credit add: --type is required")
		}
		if (in.UserID == 0) == (strings.TrimSpace(in.Name) == "") {
			return usageError("credit add: give --user ID or --name NAME")
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		cr, err := cl.ProposeCredit(ctx, pos[0], in)
		if err != nil {
			return err
		}
		return out.print(cr, func() { out.f("proposed credit %d in %s: %s %s\n", cr.ID, cr.CaseKey, cr.TypeLabel, cr.Printed) })
	}
}

func creditAnswer(fs *flag.FlagSet) caseVerbRun {
	anonymous := fs.Bool("anonymous", false, "accept, and stay anonymous")
	name := fs.String("name", "", "accept, printed under this name (default: your account's name)")
	return func(ctx context.Context, out *caseOutput, pos []string) error {
		id, err := caseArgID(pos[0])
		if err != nil {
			return usageError("credit answer: ID %v", err)
		}
		if pos[1] != "accept" && pos[1] != "decline" {
			return usageError("credit answer: want accept or decline, got %q", pos[1])
		}
		if pos[1] == "decline" && (*anonymous || *name != "") {
			return usageError("credit answer: --anonymous and --name go with accept")
		}
		cl, err := out.client()
		if err != nil {
			return err
		}
		cr, err := cl.AnswerCredit(ctx, id, client.CreditAnswer{Accept: pos[1] == "accept", Anonymous: *anonymous, PrintedName: *name})
		if err != nil {
			return err
		}
		return out.print(cr, func() {
			out.f("credit %d in %s: %s", cr.ID, cr.CaseKey, cr.Status)
			if cr.Status == "accepted" {
				out.f(", printed as %s", cr.Printed)
			}
			out.f("\n")
		})
	}
}

// printCredits writes credits as a table; mine adds the case's title.
func printCredits(out *caseOutput, list []client.Credit, mine bool) {
	rows := [][]string{}
	for _, cr := range list {
		vuln := "-"
		if cr.VulnerabilityID != 0 {
			vuln = fmt.Sprint(cr.VulnerabilityID)
		}
		row := []string{fmt.Sprint(cr.ID), cr.CaseKey, cr.Type, cr.Status, cr.Printed, cr.Organisation, vuln}
		if mine {
			row = append(row, cr.CaseTitle)
		}
		rows = append(rows, row)
	}
	header := "ID\tCASE\tTYPE\tSTATUS\tPRINTED\tORGANISATION\tVULN"
	if mine {
		header += "\tTITLE"
	}
	table(out.c.stdout, header, rows)
}
