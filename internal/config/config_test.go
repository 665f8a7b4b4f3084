package config

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestPrecedenceFlagsOverEnvOverFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "parley.conf")
	os.WriteFile(file, []byte("# comment\nPARLEY_ADDR=127.0.0.1:1\nPARLEY_INSTANCE_NAME=\"From file\"\nPARLEY_WORKERS=3\n"), 0o600)
	c, rest, err := Load("serve", []string{"--config", file, "--addr", "127.0.0.1:3", "extra"},
		env(map[string]string{"PARLEY_ADDR": "127.0.0.1:2", "PARLEY_WORKERS": "5"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "127.0.0.1:3" || c.Workers != 5 || c.Instance != "From file" || len(rest) != 1 {
		t.Fatalf("got %+v rest %v", c, rest)
	}
}

func TestBadValuesAreNamed(t *testing.T) {
	cases := []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"--addr", "nonsense"}, nil, "addr"},
		{nil, map[string]string{"PARLEY_WORKERS": "many"}, "PARLEY_WORKERS"},
		{[]string{"--base-url", "ftp://x"}, nil, "base-url"},
		{[]string{"--tls-cert", "a.pem"}, nil, "tls-key"},
		{[]string{"--smtp-tls", "maybe"}, nil, "smtp-tls"},
	}
	for _, c := range cases {
		_, _, err := Load("serve", c.args, env(c.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v %v: %v, want an error naming %s", c.args, c.env, err, c.want)
		}
	}
}

func TestPrintRedactsSecrets(t *testing.T) {
	c, _, err := Load("config", nil, env(map[string]string{
		"PARLEY_DATABASE_URL":  "postgres://parley:hunter2@db.example:5432/parley",
		"PARLEY_SMTP_PASSWORD": "s3cret",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	c.Print(&b)
	out := b.String()
	if strings.Contains(out, "hunter2") || strings.Contains(out, "s3cret") {
		t.Fatalf("secrets printed:\n%s", out)
	}
	if !strings.Contains(out, "db.example") || !strings.Contains(out, "PARLEY_SMTP_PASSWORD=REDACTED") {
		t.Fatalf("redaction lost too much:\n%s", out)
	}
}
