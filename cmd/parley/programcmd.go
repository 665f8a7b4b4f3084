package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/client"
)

func programCommands() []command {
	return []command{{"program", "organisations' disclosure programs: list, show, set", runProgram}}
}

const programUsage = `program: want one of
  list [--cursor C] [--limit N]     (published programs; no sign-in needed)
  show SLUG                         (a program with its disclosure policy)
  set ORG --file program.json       (an organisation's admins; - for standard input)
every command takes --json; list and show work without signing in, given PARLEY_SERVER`

// programClient is the signed-in client, else an anonymous one for the
// server in PARLEY_SERVER: published programs are public.
func programClient(c *cli, out *caseOutput) (*client.Client, error) {
	cl, err := out.client()
	if err == nil {
		return cl, nil
	}
	if s := c.getenv("PARLEY_SERVER"); s != "" {
		return client.New(s, ""), nil
	}
	return nil, err
}

func runProgram(ctx context.Context, c *cli, args []string) error {
	var cursor, file string
	var limit int
	return runCaseVerbs(ctx, c, "program", programUsage, map[string]caseVerb{
		"list": {nil, func(fs *flag.FlagSet) caseVerbRun {
			fs.StringVar(&cursor, "cursor", "", "the next_cursor of the page before")
			fs.IntVar(&limit, "limit", 0, "page size (1-200)")
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				cl, err := programClient(c, out)
				if err != nil {
					return err
				}
				l, err := cl.Programs(ctx, cursor, limit)
				if err != nil {
					return err
				}
				return out.print(l, func() {
					rows := make([][]string, len(l.Items))
					for i, g := range l.Items {
						rows[i] = []string{g.Slug, g.OrgName, g.OrgKind, strconv.Itoa(g.AckBusinessDays), g.UpdatedAt.Format("2006-01-02")}
					}
					table(out.c.stdout, "SLUG\tORGANISATION\tKIND\tACK (BUSINESS DAYS)\tUPDATED", rows)
					if l.NextCursor != "" {
						out.f("more: --cursor %s\n", l.NextCursor)
					}
				})
			}
		}},
		"show": {[]string{"SLUG"}, func(*flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				cl, err := programClient(c, out)
				if err != nil {
					return err
				}
				g, err := cl.Program(ctx, pos[0])
				if err != nil {
					return err
				}
				return out.print(g, func() { printProgram(out, g) })
			}
		}},
		"set": {[]string{"ORG"}, func(fs *flag.FlagSet) caseVerbRun {
			fs.StringVar(&file, "file", "", "the program as JSON (slug, published, scope_in, scope_out, safe_harbour, ack_days, notes, version); - for standard input (required)")
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				org, err := caseArgID(pos[0])
				if err != nil {
					return usageError("program set: ORG %v", err)
				}
				if file == "" {
					return usageError("program set: --file is required")
				}
				in, err := readProgramFile(c, file)
				if err != nil {
					return err
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				g, err := cl.SetProgram(ctx, org, in)
				if err != nil {
					return err
				}
				return out.print(g, func() {
					state := "saved, not published"
					if g.Published {
						state = "published"
					}
					out.f("program of %s %s at /programs/%s (version %d)\n", g.OrgName, state, g.Slug, g.Version)
				})
			}
		}},
	}, args)
}

// readProgramFile reads a program's JSON, refusing fields it does not know.
func readProgramFile(c *cli, file string) (client.ProgramInput, error) {
	var b []byte
	var err error
	if file == "-" {
		b, err = io.ReadAll(io.LimitReader(c.stdin, 1<<20))
	} else {
		b, err = os.ReadFile(file)
	}
	if err != nil {
		return client.ProgramInput{}, &exitError{code: 1, msg: "program set: " + err.Error()}
	}
	var in client.ProgramInput
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return in, &exitError{code: 1, msg: "program set: " + file + ": " + err.Error()}
	}
	return in, nil
}

func printProgram(out *caseOutput, g client.Program) {
	state := "published"
	if !g.Published {
		state = "not published"
	}
	out.f("%s (%s): /programs/%s, %s, version %d\n", g.OrgName, g.OrgKind, g.Slug, state, g.Version)
	out.f("report form: %s\n", g.ReportURL)
	out.f("acknowledgement within %d business days\n", g.AckBusinessDays)
	if p := g.Policy; p != nil {
		own := ""
		if !p.Published {
			own = " (the default)"
		}
		out.f("disclosure policy%s: %d days from %s\n", own, p.Days, strings.ReplaceAll(p.CountsFrom, "_", " "))
	}
	for _, s := range []struct{ name, text string }{{"In scope", g.ScopeIn}, {"Out of scope", g.ScopeOut},
		{"Safe harbour", g.SafeHarbour}, {"Notes", g.Notes}} {
		if s.text != "" {
			out.f("\n%s:\n%s\n", s.name, s.text)
		}
	}
}
