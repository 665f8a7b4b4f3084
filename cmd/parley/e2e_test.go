package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/store/storetest"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

type e2e struct {
	t   *testing.T
	env map[string]string
}

func (e *e2e) getenv(k string) string { return e.env[k] }

// run runs the parley command in-process and returns its output and exit code.
func (e *e2e) run(stdin string, args ...string) (string, int) {
	e.t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), append([]string{"parley"}, args...), e.getenv, strings.NewReader(stdin), &out, &errb)
	code := exitCode(err, &errb)
	return out.String() + errb.String(), code
}

func (e *e2e) must(stdin string, args ...string) string {
	e.t.Helper()
	out, code := e.run(stdin, args...)
	if code != 0 {
		e.t.Fatalf("parley %s: exit %d\n%s", strings.Join(args, " "), code, out)
	}
	return out
}

// TestServeAndCLI starts the real server on a free port and uses it through
// the CLI as an administrator would.
func TestServeAndCLI(t *testing.T) {
	e := &e2e{t: t, env: map[string]string{
		"PARLEY_DATA":         t.TempDir(),
		"PARLEY_DATABASE_URL": storetest.DSN(t),
		"PARLEY_ADDR":         "127.0.0.1:0",
		"PARLEY_REQUIRE_TOTP": "false",
		"PARLEY_LOG_LEVEL":    "warn",
		"PARLEY_CONFIG_DIR":   t.TempDir(),
	}}
	e.must("correct horse battery\n", "admin", "create-user", "--admin", "--email", "root@cert.example", "--name", "Root")
	if out, code := e.run("short\n", "admin", "create-user", "--email", "x@cert.example", "--name", "X"); code != 1 || !strings.Contains(out, "password") {
		t.Fatalf("short password: %d %s", code, out)
	}

	ctx, cancel := context.WithCancel(context.Background())
	var serveOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve"}, e.getenv, strings.NewReader(""), &serveOut, io.Discard)
	}()
	url := waitForURL(t, &serveOut)
	e.env["PARLEY_SERVER"] = url

	e.must("correct horse battery\n\n", "login", "--server", url, "--email", "root@cert.example")
	if out := e.must("", "whoami"); !strings.Contains(out, "root@cert.example") || !strings.Contains(out, "administrator") {
		t.Fatalf("whoami: %s", out)
	}
	out := e.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--security-email", "psirt@acme.example", "--json")
	var o struct{ ID int64 }
	if err := json.Unmarshal([]byte(out), &o); err != nil || o.ID == 0 {
		t.Fatalf("orgs create --json: %v\n%s", err, out)
	}
	id := itoa(o.ID)
	if out, code := e.run("", "orgs", "create", "--name", "acme routers", "--kind", "vendor"); code != 1 || !strings.Contains(out, "exists already") {
		t.Fatalf("duplicate: %d %s", code, out)
	}
	e.must("", "orgs", "update", id, "--description", "Routers for homes")
	if out := e.must("", "orgs", "show", id); !strings.Contains(out, "Routers for homes") || !strings.Contains(out, "version 2") {
		t.Fatalf("show after update: %s", out)
	}
	if out := e.must("", "orgs", "add-member", id, "psirt@acme.example", "--role", "admin"); !strings.Contains(out, "invited") {
		t.Fatalf("add-member: %s", out)
	}
	if out := e.must("", "orgs", "members", id); !strings.Contains(out, "psirt@acme.example") {
		t.Fatalf("members: %s", out)
	}
	if out := e.must("", "orgs", "list", "--kind", "vendor"); !strings.Contains(out, "Acme Routers") {
		t.Fatalf("list: %s", out)
	}
	if out := e.must("", "users", "list"); !strings.Contains(out, "root@cert.example") {
		t.Fatalf("users list: %s", out)
	}
	if _, code := e.run("", "orgs", "show", "nope"); code != 2 {
		t.Fatalf("orgs show nope: exit %d, want 2", code)
	}
	creds, _ := os.ReadFile(e.env["PARLEY_CONFIG_DIR"] + "/credentials.json")
	var cr credentials
	json.Unmarshal(creds, &cr)
	e.must("", "logout")
	if out, code := e.run("", "whoami"); code != 1 || !strings.Contains(out, "not signed in") {
		t.Fatalf("whoami after logout: %d %s", code, out)
	}
	e.env["PARLEY_TOKEN"] = cr.Token
	if out, code := e.run("", "whoami"); code != 1 || !strings.Contains(out, "revoked") {
		t.Fatalf("the token still works after logout: %d %s", code, out)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if out := e.must("", "admin", "verify-journal"); !strings.Contains(out, "journal intact") {
		t.Fatalf("verify-journal: %s", out)
	}
}

func waitForURL(t *testing.T, out *syncBuffer) string {
	t.Helper()
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for range 1200 { // 30 s: seeding the demo under the race detector is slow
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(25 * time.Millisecond)
	}
	t.Fatalf("server did not start:\n%s", out.String())
	return ""
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

func TestBackupAndConfig(t *testing.T) {
	data := t.TempDir()
	e := &e2e{t: t, env: map[string]string{"PARLEY_DATA": data, "PARLEY_SMTP_PASSWORD": "hunter2"}}
	e.must("", "migrate")
	backup := data + "/backup.db"
	if out := e.must("", "admin", "backup", backup); !strings.Contains(out, "backup written") {
		t.Fatal(out)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatal(err)
	}
	if _, code := e.run("", "admin", "backup", backup); code == 0 {
		t.Fatal("backup overwrote an existing file")
	}
	if out := e.must("", "config"); strings.Contains(out, "hunter2") || !strings.Contains(out, "PARLEY_DATA="+data) {
		t.Fatalf("config: %s", out)
	}
	if _, code := e.run("", "nonsense"); code != 2 {
		t.Fatalf("unknown command: exit %d", code)
	}
}

// serveForCLI serves a fresh instance for a CLI end-to-end test and signs
// its first administrator, root@cert.example, in; it returns the CLI of
// that administrator and the server's URL. The server stops with the test.
func serveForCLI(t *testing.T, env ...string) (*e2e, string) {
	t.Helper()
	e := &e2e{t: t, env: map[string]string{
		"PARLEY_DATA":         t.TempDir(),
		"PARLEY_DATABASE_URL": storetest.DSN(t),
		"PARLEY_ADDR":         "127.0.0.1:0",
		"PARLEY_REQUIRE_TOTP": "false",
		"PARLEY_LOG_LEVEL":    "error",
		"PARLEY_CONFIG_DIR":   t.TempDir(),
	}}
	for _, kv := range env { // NAME=value settings of this test's server
		k, v, _ := strings.Cut(kv, "=")
		e.env[k] = v
	}
	e.must("correct horse battery\n", "admin", "create-user", "--admin", "--email", "root@cert.example", "--name", "Root")
	ctx, cancel := context.WithCancel(context.Background())
	var serveOut, serveLog syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve"}, e.getenv, strings.NewReader(""), &serveOut, &serveLog)
	}()
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("server log:\n%s", serveLog.String())
		}
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	})
	url := waitForURL(t, &serveOut)
	e.must("correct horse battery\n\n", "login", "--server", url, "--email", "root@cert.example")
	return e, url
}

// id reads the "id" of a JSON answer.
func (e *e2e) id(out string) string {
	e.t.Helper()
	var v struct{ ID int64 }
	if err := json.Unmarshal([]byte(out), &v); err != nil || v.ID == 0 {
		e.t.Fatalf("no ID in %s", out)
	}
	return itoa(v.ID)
}
