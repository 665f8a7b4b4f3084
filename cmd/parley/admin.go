package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/journal"
)

func runAdmin(ctx context.Context, c *cli, args []string) error {
	if len(args) == 0 {
		return usageError("admin: want create-user, setup-link, verify-journal or backup")
	}
	sub, rest := args[0], args[1:]
	switch sub {
	case "create-user":
		return adminCreateUser(ctx, c, rest)
	case "setup-link":
		return adminSetupLink(ctx, c, rest)
	case "verify-journal":
		return adminVerifyJournal(ctx, c, rest)
	case "backup":
		return adminBackup(ctx, c, rest)
	}
	return usageError("admin: unknown command %q; want create-user, setup-link, verify-journal or backup", sub)
}

// splitFlags separates a subcommand's own flags (named in own) from the
// configuration flags, so both can be mixed on one line.
func splitFlags(args []string, own map[string]bool) (mine, rest []string) {
	for i := 0; i < len(args); i++ {
		name := strings.TrimLeft(strings.SplitN(args[i], "=", 2)[0], "-")
		if strings.HasPrefix(args[i], "-") && own[name] {
			mine = append(mine, args[i])
			if !strings.Contains(args[i], "=") && own[name+"="] && i+1 < len(args) {
				i++
				mine = append(mine, args[i])
			}
			continue
		}
		rest = append(rest, args[i])
	}
	return mine, rest
}

func adminCreateUser(ctx context.Context, c *cli, args []string) error {
	mine, rest := splitFlags(args, map[string]bool{"email": true, "email=": true, "name": true, "name=": true, "admin": true, "staff": true, "password-stdin": true})
	fs := flag.NewFlagSet("admin create-user", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "display name (required)")
	admin := fs.Bool("admin", false, "make an administrator (and coordinator staff)")
	staff := fs.Bool("staff", false, "make coordinator staff")
	_ = fs.Bool("password-stdin", true, "read the password from standard input (the default)")
	if err := fs.Parse(mine); err != nil {
		return usageError("admin create-user: %v", err)
	}
	cfg, _, err := loadConfig(c, "admin create-user", rest)
	if err != nil {
		return err
	}
	fmt.Fprintln(c.stderr, "Password (at least 12 characters), then Enter:")
	pw, err := readLine(c.stdin)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, newLogger(cfg, c.stderr))
	if err != nil {
		return err
	}
	defer a.close()
	u, err := a.users.CreateAdmin(ctx, auth.NewUser{Email: *email, Name: *name, Password: pw, Admin: *admin, Staff: *staff || *admin})
	if err != nil {
		return &exitError{code: 1, msg: "admin create-user: " + err.Error()}
	}
	role := "user"
	if u.Admin {
		role = "administrator"
	} else if u.Staff {
		role = "coordinator staff"
	}
	fmt.Fprintf(c.stdout, "created %s %s (id %d); sign in at %s/login\n", role, u.Email, u.ID, cfg.PublicURL())
	return nil
}

func readLine(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return "", fmt.Errorf("no password on standard input")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func adminSetupLink(ctx context.Context, c *cli, args []string) error {
	cfg, _, err := loadConfig(c, "admin setup-link", args)
	if err != nil {
		return err
	}
	a, err := newApp(ctx, cfg, newLogger(cfg, c.stderr))
	if err != nil {
		return err
	}
	defer a.close()
	hint, err := a.setupHint(ctx)
	if err != nil {
		return err
	}
	if hint == "" {
		return &exitError{code: 1, msg: "admin setup-link: this instance has users already; administrators invite new ones"}
	}
	fmt.Fprint(c.stdout, hint)
	return nil
}

func adminVerifyJournal(ctx context.Context, c *cli, args []string) error {
	cfg, _, err := loadConfig(c, "admin verify-journal", args)
	if err != nil {
		return err
	}
	log := newLogger(cfg, c.stderr)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	r, err := journal.Verify(ctx, db.Read())
	if err != nil {
		return err
	}
	if !r.OK() {
		fmt.Fprintf(c.stdout, "journal BROKEN at entry %d: %s (%d entries before it are intact)\n", r.BrokenAt, r.Reason, r.BrokenAt-1)
		return &exitError{code: 1}
	}
	fmt.Fprintf(c.stdout, "journal intact: %d entries, hash chain verified\n", r.Entries)
	return nil
}

func adminBackup(ctx context.Context, c *cli, args []string) error {
	cfg, rest, err := loadConfig(c, "admin backup", args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("admin backup: want the path of the backup file to write, e.g. parley admin backup parley-backup.db")
	}
	db, err := openDB(ctx, cfg, newLogger(cfg, c.stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	if err := db.Backup(ctx, rest[0]); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "backup written to %s\n", rest[0])
	return nil
}
