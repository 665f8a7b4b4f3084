package main

import (
	"context"
	"flag"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/client"
)

func listCommands() []command {
	return []command{{"vendor-list", "saved vendor lists: list, show, save, delete", runVendorList}}
}

const vendorListUsage = `vendor-list: want one of
  list
  show ID
  save --name NAME [--orgs ID,ID...] [--sublists ID,ID...] [--description TEXT] [--id ID --version N]
  delete ID
add a list to a case with: parley participant add KEY --list ID; every command takes --json`

func runVendorList(ctx context.Context, c *cli, args []string) error {
	return runCaseVerbs(ctx, c, "vendor-list", vendorListUsage, map[string]caseVerb{
		"list": {nil, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				cl, err := out.client()
				if err != nil {
					return err
				}
				ls, err := cl.VendorLists(ctx)
				if err != nil {
					return err
				}
				return out.print(ls, func() {
					rows := make([][]string, len(ls))
					for i, l := range ls {
						rows[i] = []string{strconv.FormatInt(l.ID, 10), l.Name, l.Description}
					}
					table(out.c.stdout, "ID\tNAME\tDESCRIPTION", rows)
				})
			}
		}},
		"show": {[]string{"PARTICIPANT"}, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[0])
				cl, err := out.client()
				if err != nil {
					return err
				}
				l, err := cl.VendorList(ctx, id)
				if err != nil {
					return err
				}
				return out.print(l, func() { printVendorList(out, l) })
			}
		}},
		"save": {nil, func(fs *flag.FlagSet) caseVerbRun {
			var in client.VendorListInput
			id := fs.Int64("id", 0, "the list to replace (default: a new one)")
			fs.StringVar(&in.Name, "name", "", "its name (required)")
			fs.StringVar(&in.Description, "description", "", "what it is for")
			orgs := fs.String("orgs", "", "organisation IDs, comma-separated")
			subs := fs.String("sublists", "", "IDs of lists to nest, comma-separated")
			fs.IntVar(&in.Version, "version", 0, "the version read, to replace a list")
			return func(ctx context.Context, out *caseOutput, _ []string) error {
				var err error
				if in.Orgs, err = optIDs(*orgs); err != nil {
					return usageError("vendor-list save: --orgs %v", err)
				}
				if in.Sublists, err = optIDs(*subs); err != nil {
					return usageError("vendor-list save: --sublists %v", err)
				}
				cl, err := out.client()
				if err != nil {
					return err
				}
				l, err := cl.SaveVendorList(ctx, *id, in)
				if err != nil {
					return err
				}
				return out.print(l, func() { printVendorList(out, l) })
			}
		}},
		"delete": {[]string{"PARTICIPANT"}, func(fs *flag.FlagSet) caseVerbRun {
			return func(ctx context.Context, out *caseOutput, pos []string) error {
				id, _ := caseArgID(pos[0])
				cl, err := out.client()
				if err != nil {
					return err
				}
				if err := cl.DeleteVendorList(ctx, id); err != nil {
					return err
				}
				return out.print(map[string]int64{"deleted": id}, func() { out.f("vendor list %d deleted\n", id) })
			}
		}},
	}, args)
}

func optIDs(s string) ([]int64, error) {
	if strings.TrimSpace(s) == "" {
		return []int64{}, nil
	}
	return caseArgIDs(s)
}

func printVendorList(out *caseOutput, l client.VendorList) {
	out.f("%d %s (version %d)\n", l.ID, l.Name, l.Version)
	for _, o := range l.Orgs {
		out.f("  org  %-6d %s\n", o.ID, o.Name)
	}
	for _, s := range l.Sublists {
		out.f("  list %-6d %s\n", s.ID, s.Name)
	}
}

// addFromList adds a saved list's organisations to a case.
func addFromList(ctx context.Context, out *caseOutput, key string, list int64, roles string) error {
	cl, err := out.client()
	if err != nil {
		return err
	}
	var rs []string
	if roles != "" {
		rs = strings.Split(roles, ",")
	}
	ps, err := cl.AddFromList(ctx, key, list, rs)
	if err != nil {
		return err
	}
	return out.print(ps, func() {
		out.f("added %d participant(s) from vendor list %d\n", len(ps), list)
		printParticipants(out, ps)
	})
}
