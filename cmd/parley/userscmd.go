package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/client"
)

const usersUsage = "users: want list, show ID, create --email E --name N [--admin] [--staff] [--password-stdin], update ID [--name N] [--admin=BOOL] [--staff=BOOL] [--disabled=BOOL]"

func runUsers(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError(usersUsage)
	}
	fs, asJSON := clientFlags(c, "users "+args[0])
	email := fs.String("email", "", "e-mail address")
	name := fs.String("name", "", "display name")
	admin := fs.Bool("admin", false, "administrator")
	staff := fs.Bool("staff", false, "coordinator staff")
	disabled := fs.Bool("disabled", false, "update: disable the account")
	pwStdin := fs.Bool("password-stdin", false, "create: read a password from standard input instead of inviting by e-mail")
	cursor := fs.String("cursor", "", "list: the next_cursor of the page before")
	limit := fs.Int("limit", 0, "list: page size (1-200)")
	pos, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return usageError("users: %v", err)
	}
	cl, err := apiClient(c)
	if err != nil {
		return err
	}
	ids, idErr := numericArgs(pos)
	switch args[0] {
	case "list":
		l, err := cl.Users(ctx, *cursor, *limit)
		if err != nil {
			return apiError("users list", err)
		}
		if *asJSON {
			return printJSON(c.stdout, l)
		}
		rows := [][]string{}
		for _, u := range l.Items {
			rows = append(rows, []string{strconv.FormatInt(u.ID, 10), u.Name, u.Email, userRoles(u)})
		}
		table(c.stdout, "ID\tNAME\tE-MAIL\tROLES", rows)
		if l.NextCursor != "" {
			fmt.Fprintf(c.stdout, "more: --cursor %s\n", l.NextCursor)
		}
		return nil
	case "show", "update":
		if len(ids) != 1 || idErr != nil {
			return usageError("users %s: want one user ID", args[0])
		}
	case "create":
	default:
		return usageError(usersUsage)
	}
	var u client.User
	switch args[0] {
	case "show":
		u, err = cl.User(ctx, ids[0])
	case "create":
		in := client.NewUser{Email: *email, Name: *name, Admin: *admin, Staff: *staff}
		if *pwStdin {
			line, _ := bufio.NewReader(c.stdin).ReadString('\n')
			in.Password = strings.TrimRight(line, "\r\n")
		}
		u, err = cl.CreateUser(ctx, in)
	case "update":
		u, err = usersUpdate(ctx, cl, ids[0], fs, name, admin, staff, disabled)
	}
	if err != nil {
		return apiError("users "+args[0], err)
	}
	if *asJSON {
		return printJSON(c.stdout, u)
	}
	fmt.Fprintf(c.stdout, "%s <%s> (id %d, version %d) %s\n", u.Name, u.Email, u.ID, u.Version, userRoles(u))
	return nil
}

func usersUpdate(ctx context.Context, cl *client.Client, id int64, fs *flag.FlagSet, name *string, admin, staff, disabled *bool) (client.User, error) {
	cur, err := cl.User(ctx, id)
	if err != nil {
		return cur, err
	}
	p := client.UserPatch{Version: cur.Version}
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "name":
			p.Name = name
		case "admin":
			p.Admin = admin
		case "staff":
			p.Staff = staff
		case "disabled":
			p.Disabled = disabled
		}
	})
	return cl.UpdateUser(ctx, id, p)
}

func userRoles(u client.User) string {
	var r []string
	if u.Admin {
		r = append(r, "admin")
	}
	if u.Staff {
		r = append(r, "staff")
	}
	if u.Disabled {
		r = append(r, "disabled")
	}
	if u.TOTPEnabled {
		r = append(r, "2fa")
	}
	return strings.Join(r, ",")
}
