package main

import (
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/client"
)

const orgsUsage = "orgs: want list, show ID, create, update ID, members ID, add-member ID EMAIL, set-role ID USER-ID ROLE, remove-member ID USER-ID"

func runOrgs(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError(orgsUsage)
	}
	fs, asJSON := clientFlags(c, "orgs "+args[0])
	kind := fs.String("kind", "", "organisation kind: coordinator, vendor, research, deployer, isac, other")
	q := fs.String("q", "", "list: part of the name")
	cursor := fs.String("cursor", "", "list: the next_cursor of the page before")
	limit := fs.Int("limit", 0, "list: page size (1-200)")
	name := fs.String("name", "", "name (of the organisation, or of a new member)")
	desc := fs.String("description", "", "description")
	website := fs.String("website", "", "website URL")
	secEmail := fs.String("security-email", "", "security contact address")
	role := fs.String("role", "member", "add-member: member or admin")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usageError("orgs: %v", err)
	}
	cl, err := apiClient(c)
	if err != nil {
		return err
	}
	ids, err := numericArgs(pos)
	need := map[string]int{"list": 0, "create": 0, "show": 1, "update": 1, "members": 1, "add-member": 2, "set-role": 3, "remove-member": 2}
	n, known := need[args[0]]
	switch {
	case !known:
		return usageError(orgsUsage)
	case len(pos) != n:
		return usageError("orgs %s: want %d argument(s); %s", args[0], n, orgsUsage)
	case err != nil && args[0] != "add-member" && args[0] != "set-role":
		return usageError("orgs %s: %v", args[0], err)
	}
	out := func(v any, human func()) error {
		if *asJSON {
			return printJSON(c.stdout, v)
		}
		human()
		return nil
	}
	switch args[0] {
	case "list":
		l, err := cl.Orgs(ctx, *kind, *q, *cursor, *limit)
		if err != nil {
			return apiError("orgs list", err)
		}
		return out(l, func() {
			rows := [][]string{}
			for _, o := range l.Items {
				rows = append(rows, []string{strconv.FormatInt(o.ID, 10), o.Name, o.Kind, o.SecurityEmail})
			}
			table(c.stdout, "ID\tNAME\tKIND\tSECURITY CONTACT", rows)
			if l.NextCursor != "" {
				fmt.Fprintf(c.stdout, "more: --cursor %s\n", l.NextCursor)
			}
		})
	case "show":
		o, err := cl.Org(ctx, ids[0])
		if err != nil {
			return apiError("orgs show", err)
		}
		return out(o, func() { printOrg(c, o) })
	case "create":
		o, err := cl.CreateOrg(ctx, client.OrgInput{Name: *name, Kind: *kind, Description: *desc, Website: *website, SecurityEmail: *secEmail})
		if err != nil {
			return apiError("orgs create", err)
		}
		return out(o, func() { fmt.Fprintf(c.stdout, "created organisation %d: %s (%s)\n", o.ID, o.Name, o.Kind) })
	case "update":
		return orgsUpdate(ctx, c, cl, ids[0], fs.Visit, *asJSON, map[string]*string{"name": name, "kind": kind, "description": desc, "website": website, "security-email": secEmail})
	case "members":
		ms, err := cl.Members(ctx, ids[0])
		if err != nil {
			return apiError("orgs members", err)
		}
		return out(ms, func() {
			rows := [][]string{}
			for _, m := range ms {
				state := ""
				if m.Invited {
					state = "invited"
				}
				rows = append(rows, []string{strconv.FormatInt(m.UserID, 10), m.Name, m.Email, m.Role, state})
			}
			table(c.stdout, "USER\tNAME\tE-MAIL\tROLE\t", rows)
		})
	case "add-member":
		id, err := strconv.ParseInt(pos[0], 10, 64)
		if err != nil {
			return usageError("orgs add-member: %q is not an organisation ID", pos[0])
		}
		m, err := cl.AddMember(ctx, id, pos[1], *name, *role)
		if err != nil {
			return apiError("orgs add-member", err)
		}
		return out(m, func() {
			fmt.Fprintf(c.stdout, "added %s as %s", m.Email, m.Role)
			if m.Invited {
				fmt.Fprint(c.stdout, " (invited by e-mail)")
			}
			fmt.Fprintln(c.stdout)
		})
	case "set-role":
		if len(ids) < 2 {
			return usageError("orgs set-role: want ID USER-ID ROLE")
		}
		if err := cl.SetMemberRole(ctx, ids[0], ids[1], pos[2]); err != nil {
			return apiError("orgs set-role", err)
		}
		fmt.Fprintf(c.stdout, "user %d is now %s\n", ids[1], pos[2])
	case "remove-member":
		if err := cl.RemoveMember(ctx, ids[0], ids[1]); err != nil {
			return apiError("orgs remove-member", err)
		}
		fmt.Fprintf(c.stdout, "removed user %d\n", ids[1])
	}
	return nil
}

// orgsUpdate reads the organisation, applies only the flags given and
// sends it back with the version read, so a concurrent change is refused.
func orgsUpdate(ctx context.Context, c *cli, cl *client.Client, id int64, visit func(func(f *flag.Flag)), asJSON bool, vals map[string]*string) error {
	o, err := cl.Org(ctx, id)
	if err != nil {
		return apiError("orgs update", err)
	}
	in := client.OrgInput{Name: o.Name, Kind: o.Kind, Description: o.Description, Website: o.Website, SecurityEmail: o.SecurityEmail, Version: o.Version}
	set := map[string]*string{"name": &in.Name, "kind": &in.Kind, "description": &in.Description, "website": &in.Website, "security-email": &in.SecurityEmail}
	visit(func(f *flag.Flag) {
		if dst, ok := set[f.Name]; ok {
			*dst = *vals[f.Name]
		}
	})
	o, err = cl.UpdateOrg(ctx, id, in)
	if err != nil {
		return apiError("orgs update", err)
	}
	if asJSON {
		return printJSON(c.stdout, o)
	}
	fmt.Fprintf(c.stdout, "updated organisation %d (version %d)\n", o.ID, o.Version)
	return nil
}

func printOrg(c *cli, o client.Org) {
	fmt.Fprintf(c.stdout, "%s (id %d, %s, version %d)\n", o.Name, o.ID, o.Kind, o.Version)
	for _, kv := range [][2]string{{"website", o.Website}, {"security contact", o.SecurityEmail}, {"description", o.Description}} {
		if kv[1] != "" {
			fmt.Fprintf(c.stdout, "%s: %s\n", kv[0], kv[1])
		}
	}
}

func numericArgs(pos []string) ([]int64, error) {
	var ids []int64
	for _, p := range pos {
		n, err := strconv.ParseInt(p, 10, 64)
		if err != nil || n <= 0 {
			return ids, fmt.Errorf("%q is not an ID", strings.TrimSpace(p))
		}
		ids = append(ids, n)
	}
	return ids, nil
}
