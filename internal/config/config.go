// Package config reads Parley's configuration from defaults, an optional
// file, PARLEY_* environment variables and command-line flags, in rising
// order of precedence. Only cmd/parley calls it.
package config

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

var casePrefix = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,15}$`)

// Config is the effective configuration.
type Config struct {
	Addr          string
	DataDir       string
	DatabaseURL   string // empty: SQLite in DataDir
	BaseURL       string // how people reach this instance; empty: from Addr
	Instance      string
	RequireTOTP   bool // for staff and administrators
	TLSCert       string
	TLSKey        string
	MailFrom      string
	SMTPHost      string // empty: keep mail in the database mailbox
	SMTPPort      int
	SMTPUser      string
	SMTPPassword  string
	SMTPTLS       string // starttls, tls or none
	LogLevel      string // debug, info, warn, error
	LogFormat     string // text or json
	Workers       int    // job workers
	CasePrefix    string // case keys are PREFIX-YEAR-NNNN
	PGPPassphrase string // protects the instance's OpenPGP key in the database; empty: stored unprotected
	IntakeAddress string // where reporters write (security.txt, the key's user ID); empty: the sender address
	IntakeListen  string // host:port of the built-in SMTP listener for reports; empty: off
	// WebhooksAllowPrivate lets webhooks reach loopback and private
	// addresses (receivers inside the operator's network); off: public only.
	WebhooksAllowPrivate bool
	// NotificationsKeepDays is how long users' notifications are kept
	// (those still waiting for mail stay); 0 keeps them for ever.
	NotificationsKeepDays int
}

// setting is one configuration item known by flag, variable and file key.
type setting struct {
	name   string // flag name; the variable is PARLEY_ + upper snake case
	usage  string
	secret bool
	str    *string
	num    *int
	flag   *bool
}

func (c *Config) settings() []setting {
	return []setting{
		{name: "addr", usage: "address to listen on (host:port)", str: &c.Addr},
		{name: "data", usage: "data folder (SQLite database, keys, attachments)", str: &c.DataDir},
		{name: "db", usage: "PostgreSQL URL (postgres://...); empty for SQLite in the data folder", str: &c.DatabaseURL, secret: true},
		{name: "base-url", usage: "public URL of this instance, for links in mail", str: &c.BaseURL},
		{name: "instance-name", usage: "name shown in pages and mail", str: &c.Instance},
		{name: "require-totp", usage: "require two-factor authentication for staff and administrators", flag: &c.RequireTOTP},
		{name: "tls-cert", usage: "TLS certificate file (serve HTTPS)", str: &c.TLSCert},
		{name: "tls-key", usage: "TLS key file", str: &c.TLSKey},
		{name: "mail-from", usage: "sender address of outgoing mail", str: &c.MailFrom},
		{name: "smtp-host", usage: "SMTP server; empty keeps mail in the database for administrators to read", str: &c.SMTPHost},
		{name: "smtp-port", usage: "SMTP port", num: &c.SMTPPort},
		{name: "smtp-user", usage: "SMTP user name", str: &c.SMTPUser},
		{name: "smtp-password", usage: "SMTP password", str: &c.SMTPPassword, secret: true},
		{name: "smtp-tls", usage: "starttls, tls or none", str: &c.SMTPTLS},
		{name: "log-level", usage: "debug, info, warn or error", str: &c.LogLevel},
		{name: "log-format", usage: "text or json", str: &c.LogFormat},
		{name: "workers", usage: "background job workers", num: &c.Workers},
		{name: "pgp-passphrase", usage: "passphrase protecting the instance's OpenPGP key in the database", str: &c.PGPPassphrase, secret: true},
		{name: "intake-address", usage: "e-mail address that receives vulnerability reports (shown in security.txt)", str: &c.IntakeAddress},
		{name: "intake-listen", usage: "host:port of the built-in SMTP listener for e-mailed reports; empty: off", str: &c.IntakeListen},
		{name: "webhooks-allow-private", usage: "let organisations' webhooks reach loopback and private-network addresses", flag: &c.WebhooksAllowPrivate},
		{name: "notifications-keep-days", usage: "days users' notifications are kept; 0 keeps them for ever", num: &c.NotificationsKeepDays},
		{name: "case-prefix", usage: "prefix of case keys (PREFIX-2026-0042): capital letters and digits", str: &c.CasePrefix},
	}
}

// EnvName is the environment variable of a setting.
func EnvName(flagName string) string {
	if flagName == "db" {
		return "PARLEY_DATABASE_URL"
	}
	return "PARLEY_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func defaults() Config {
	return Config{
		Addr: "127.0.0.1:8080", DataDir: "parley-data", Instance: "Parley", RequireTOTP: true,
		SMTPPort: 587, SMTPTLS: "starttls", LogLevel: "info", LogFormat: "text", Workers: 4, CasePrefix: "PAR",
		NotificationsKeepDays: 365,
	}
}

// Load builds the configuration for a command from its arguments and the
// environment, and returns the arguments left after the flags.
func Load(name string, args []string, getenv func(string) string, stderr io.Writer) (Config, []string, error) {
	c := defaults()
	file := getenv("PARLEY_CONFIG")
	for i, a := range args { // the file comes first so that flags override it
		if v, ok := strings.CutPrefix(a, "--config="); ok {
			file = v
		} else if a == "--config" && i+1 < len(args) {
			file = args[i+1]
		}
	}
	if file != "" {
		if err := c.loadFile(file); err != nil {
			return c, nil, err
		}
	}
	for _, s := range c.settings() {
		if v := getenv(EnvName(s.name)); v != "" {
			if err := s.set(v); err != nil {
				return c, nil, fmt.Errorf("%s: %w", EnvName(s.name), err)
			}
		}
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("config", file, "configuration file of KEY=VALUE lines (PARLEY_* names)")
	for _, s := range c.settings() {
		switch {
		case s.str != nil:
			fs.StringVar(s.str, s.name, *s.str, s.usage+" ("+EnvName(s.name)+")")
		case s.num != nil:
			fs.IntVar(s.num, s.name, *s.num, s.usage+" ("+EnvName(s.name)+")")
		default:
			fs.BoolVar(s.flag, s.name, *s.flag, s.usage+" ("+EnvName(s.name)+")")
		}
	}
	if err := fs.Parse(args); err != nil {
		return c, nil, err
	}
	return c, fs.Args(), c.check()
}

func (s setting) set(v string) error {
	switch {
	case s.str != nil:
		*s.str = v
	case s.num != nil:
		n, err := strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		*s.num = n
	default:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		*s.flag = b
	}
	return nil
}

// loadFile reads KEY=VALUE lines; # starts a comment.
func (c *Config) loadFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("config file: %w", err)
	}
	defer f.Close()
	byEnv := map[string]setting{}
	for _, s := range c.settings() {
		byEnv[EnvName(s.name)] = s
	}
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		s, known := byEnv[strings.TrimSpace(k)]
		if !ok || !known {
			return fmt.Errorf("%s:%d: expected PARLEY_NAME=value with a known name", path, n)
		}
		if err := s.set(strings.Trim(strings.TrimSpace(v), `"`)); err != nil {
			return fmt.Errorf("%s:%d: %w", path, n, err)
		}
	}
	return sc.Err()
}

func (c *Config) check() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("addr %q: want host:port", c.Addr)
	}
	if c.BaseURL != "" {
		u, err := url.Parse(c.BaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fmt.Errorf("base-url %q: want http(s)://host[:port]", c.BaseURL)
		}
		c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	}
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return fmt.Errorf("tls-cert and tls-key go together")
	}
	switch c.SMTPTLS {
	case "starttls", "tls", "none":
	default:
		return fmt.Errorf("smtp-tls %q: want starttls, tls or none", c.SMTPTLS)
	}
	if c.IntakeAddress != "" {
		if a, err := mail.ParseAddress(c.IntakeAddress); err != nil || a.Name != "" {
			return fmt.Errorf("intake-address %q: want a bare e-mail address", c.IntakeAddress)
		}
	}
	if c.IntakeListen != "" {
		if _, _, err := net.SplitHostPort(c.IntakeListen); err != nil {
			return fmt.Errorf("intake-listen %q: want host:port", c.IntakeListen)
		}
	}
	if !casePrefix.MatchString(c.CasePrefix) {
		return fmt.Errorf("case-prefix %q: want a capital letter and up to 15 capital letters or digits", c.CasePrefix)
	}
	if c.Workers < 1 || c.Workers > 64 {
		return fmt.Errorf("workers %d: want 1 to 64", c.Workers)
	}
	if c.NotificationsKeepDays < 0 {
		return fmt.Errorf("notifications-keep-days %d: want 0 (for ever) or more days", c.NotificationsKeepDays)
	}
	return nil
}

// Database is the database to open: the PostgreSQL URL, or the SQLite file.
func (c Config) Database() string {
	if c.DatabaseURL != "" {
		return c.DatabaseURL
	}
	return filepath.Join(c.DataDir, "parley.db")
}

// PublicURL is BaseURL, or the listening address as a URL.
func (c Config) PublicURL() string {
	if c.BaseURL != "" {
		return c.BaseURL
	}
	scheme := "http"
	if c.TLSCert != "" {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(c.Addr)
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// Sender is the From address of mail.
func (c Config) Sender() string {
	if c.MailFrom != "" {
		return c.MailFrom
	}
	u, _ := url.Parse(c.PublicURL())
	host := u.Hostname()
	if !strings.Contains(host, ".") {
		host += ".localdomain"
	}
	return c.Instance + " <parley@" + host + ">"
}

// Print writes the effective configuration with secrets redacted.
func (c Config) Print(w io.Writer) {
	for _, s := range c.settings() {
		var v string
		switch {
		case s.str != nil:
			v = *s.str
		case s.num != nil:
			v = strconv.Itoa(*s.num)
		default:
			v = strconv.FormatBool(*s.flag)
		}
		if s.secret && v != "" {
			v = redact(v)
		}
		fmt.Fprintf(w, "%s=%s\n", EnvName(s.name), v)
	}
	db := c.Database()
	if c.DatabaseURL != "" {
		db = redact(db)
	}
	fmt.Fprintf(w, "# database: %s\n# public URL: %s\n", db, c.PublicURL())
}

// redact hides a secret; of a URL it hides only the password, so the
// reader still sees what it points at.
func redact(v string) string {
	if u, err := url.Parse(v); err == nil && u.Scheme != "" && u.Host != "" {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
		}
		if q := u.Query(); q.Has("password") {
			q.Set("password", "REDACTED")
			u.RawQuery = q.Encode()
		}
		return u.String()
	}
	return "REDACTED"
}

// SenderAddress is the bare address of Sender, e.g. parley@example.org.
func (c Config) SenderAddress() string {
	if a, err := mail.ParseAddress(c.Sender()); err == nil {
		return a.Address
	}
	return c.Sender()
}

// Intake is the address that receives reports: IntakeAddress, else the
// sender's address.
func (c Config) Intake() string {
	if c.IntakeAddress != "" {
		return c.IntakeAddress
	}
	return c.SenderAddress()
}
