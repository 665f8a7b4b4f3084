package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/parleycvd/parley/client"
)

func clientCommands() []command {
	return []command{
		{"login", "sign in to a Parley server and keep an API token for the commands below", runLogin},
		{"logout", "revoke the kept API token and forget it", runLogout},
		{"whoami", "show who the kept token belongs to", runWhoami},
		{"orgs", "organisations: list, show, create, update, members, add-member, set-role, remove-member", runOrgs},
		{"users", "accounts: list, show, create, update", runUsers},
	}
}

// credentials is what `parley login` keeps.
type credentials struct {
	Server string `json:"server"`
	Token  string `json:"token"`
	Email  string `json:"email"`
}

func credentialsPath(c *cli) (string, error) {
	if d := c.getenv("PARLEY_CONFIG_DIR"); d != "" {
		return filepath.Join(d, "credentials.json"), nil
	}
	if d := c.getenv("XDG_CONFIG_HOME"); d != "" {
		return filepath.Join(d, "parley", "credentials.json"), nil
	}
	if h := c.getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "parley", "credentials.json"), nil
	}
	return "", errors.New("cannot tell where to keep credentials: set HOME or PARLEY_CONFIG_DIR")
}

// apiClient builds the client from PARLEY_SERVER/PARLEY_TOKEN or the kept credentials.
func apiClient(c *cli) (*client.Client, error) {
	server, token := c.getenv("PARLEY_SERVER"), c.getenv("PARLEY_TOKEN")
	if server == "" || token == "" {
		p, err := credentialsPath(c)
		if err != nil {
			return nil, err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, &exitError{code: 1, msg: "not signed in: run `parley login --server URL --email ADDRESS` (or set PARLEY_SERVER and PARLEY_TOKEN)"}
		}
		var cr credentials
		if err := json.Unmarshal(b, &cr); err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		if server == "" {
			server = cr.Server
		}
		if token == "" {
			token = cr.Token
		}
	}
	return client.New(server, token), nil
}

// clientFlags is the flag set of a client command with the common --json.
func clientFlags(c *cli, name string) (*flag.FlagSet, *bool) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	return fs, fs.Bool("json", false, "print JSON")
}

// parseInterleaved parses flags that may come before or after positionals.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func table(w io.Writer, header string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

// apiError turns an API error into a plain message and exit code 1.
func apiError(cmd string, err error) error {
	var ce *client.Error
	if errors.As(err, &ce) {
		return &exitError{code: 1, msg: cmd + ": " + ce.Error()}
	}
	return err
}

func runLogin(ctx context.Context, c *cli, args []string) error {
	fs, _ := clientFlags(c, "login")
	server := fs.String("server", c.getenv("PARLEY_SERVER"), "server URL, e.g. https://parley.example.org (PARLEY_SERVER)")
	email := fs.String("email", "", "your e-mail address")
	scope := fs.String("scope", "write", "token scope: read or write")
	days := fs.Int("days", 90, "days until the token expires (1-366)")
	if _, err := parseInterleaved(fs, args); err != nil {
		return usageError("login: %v", err)
	}
	if *server == "" || *email == "" {
		return usageError("login: --server and --email are required")
	}
	in := bufio.NewReader(c.stdin)
	fmt.Fprint(c.stderr, "Password: ")
	pw, _ := in.ReadString('\n')
	fmt.Fprint(c.stderr, "\nTwo-factor code (Enter if you have none): ")
	code, _ := in.ReadString('\n')
	fmt.Fprintln(c.stderr)
	host, _ := os.Hostname()
	cl := client.New(*server, "")
	t, err := cl.Login(ctx, client.TokenLogin{Email: *email, Password: strings.TrimRight(pw, "\r\n"), Code: strings.TrimSpace(code),
		TokenName: "parley CLI on " + host, Scope: *scope, ExpiresInDays: *days})
	if err != nil {
		return apiError("login", err)
	}
	p, err := credentialsPath(c)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(credentials{Server: cl.BaseURL, Token: t.Secret, Email: *email}, "", "  ")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		return err
	}
	fmt.Fprintf(c.stdout, "signed in to %s as %s; %s token kept in %s (expires %s)\n", cl.BaseURL, *email, t.Scope, p, t.ExpiresAt.Format("2006-01-02"))
	return nil
}

func runLogout(ctx context.Context, c *cli, _ []string) error {
	cl, err := apiClient(c)
	if err != nil {
		return err
	}
	p, err := credentialsPath(c)
	if err != nil {
		return err
	}
	tokens, err := cl.Tokens(ctx)
	if err == nil {
		for _, t := range tokens {
			if strings.HasPrefix(cl.Token, t.Prefix) && t.RevokedAt == nil {
				_ = cl.RevokeToken(ctx, t.ID)
			}
		}
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	fmt.Fprintln(c.stdout, "signed out")
	return nil
}

func runWhoami(ctx context.Context, c *cli, args []string) error {
	fs, asJSON := clientFlags(c, "whoami")
	if _, err := parseInterleaved(fs, args); err != nil {
		return usageError("whoami: %v", err)
	}
	cl, err := apiClient(c)
	if err != nil {
		return err
	}
	me, err := cl.Me(ctx)
	if err != nil {
		return apiError("whoami", err)
	}
	if *asJSON {
		return printJSON(c.stdout, me)
	}
	roles := []string{}
	if me.Admin {
		roles = append(roles, "administrator")
	}
	if me.Staff {
		roles = append(roles, "coordinator staff")
	}
	fmt.Fprintf(c.stdout, "%s <%s> on %s (token scope: %s)\n", me.Name, me.Email, cl.BaseURL, me.Scope)
	if len(roles) > 0 {
		fmt.Fprintf(c.stdout, "roles: %s\n", strings.Join(roles, ", "))
	}
	for _, o := range me.Orgs {
		fmt.Fprintf(c.stdout, "%s of %s (%s, id %d)\n", o.Role, o.Name, o.Kind, o.ID)
	}
	return nil
}
