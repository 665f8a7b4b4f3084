package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestReportCLI: a program files a report anonymously with `report
// submit`, and a coordinator triages it with the CLI.
func TestReportCLI(t *testing.T) {
	e := &e2e{t: t, env: map[string]string{
		"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": storetest.DSN(t), "PARLEY_ADDR": "127.0.0.1:0",
		"PARLEY_REQUIRE_TOTP": "false", "PARLEY_LOG_LEVEL": "warn", "PARLEY_CONFIG_DIR": t.TempDir(),
	}}
	e.must("correct horse battery\n", "admin", "create-user", "--admin", "--email", "root@cert.example", "--name", "Root")
	ctx, cancel := context.WithCancel(context.Background())
	var serveOut syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve"}, e.getenv, strings.NewReader(""), &serveOut, io.Discard)
	}()
	t.Cleanup(func() { cancel(); <-done })
	url := waitForURL(t, &serveOut)
	e.env["PARLEY_SERVER"] = url

	dir := t.TempDir()
	file := filepath.Join(dir, "report.json")
	body := `{"title":"Stack overflow in the Acme Router login","products":[{"name":"Acme Router X200","versions":["2.1.0"]}],
		"description":"A long username overflows a stack buffer.","contact":{"email":"fay@research.example"},"ai_use":"none"}`
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	// Not signed in: anonymous.
	out := e.must("", "report", "submit", "--file", file)
	m := regexp.MustCompile(`Report received: (RPT-\d{4}-\d{6})\nFollow-up secret \(shown once[^)]*\): (\S+)\n`).FindStringSubmatch(out)
	if m == nil || !strings.Contains(out, "proof_of_concept") {
		t.Fatalf("submit: %s", out)
	}
	tid := m[1]
	out = e.must(`{"title":"XSS","description":"x","ai_use":"assisted"}`, "report", "submit", "--file", "-", "--json")
	var rc struct {
		TrackingID     string `json:"tracking_id"`
		FollowUpSecret string `json:"follow_up_secret"`
	}
	if err := json.Unmarshal([]byte(out), &rc); err != nil || rc.TrackingID == "" || rc.FollowUpSecret == "" {
		t.Fatalf("submit --json: %v %s", err, out)
	}
	if out, code := e.run(`{"title":"x","description":"x"}`, "report", "submit", "--file", "-"); code != 1 || !strings.Contains(out, "ai_use") {
		t.Fatalf("bad field: %d %s", code, out)
	}
	if out, code := e.run("", "report", "submit"); code != 2 || !strings.Contains(out, "--file") {
		t.Fatalf("no file: %d %s", code, out)
	}
	if out, code := e.run("", "report", "list"); code != 1 || !strings.Contains(out, "not signed in") {
		t.Fatalf("list before login: %d %s", code, out)
	}

	e.must("correct horse battery\n\n", "login", "--server", url, "--email", "root@cert.example")
	if out := e.must("", "report", "list"); !strings.Contains(out, tid) || !strings.Contains(out, "Acme Router") {
		t.Fatalf("list: %s", out)
	}
	if out := e.must("", "report", "list", "--q", "xss", "--json"); !strings.Contains(out, rc.TrackingID) || strings.Contains(out, tid) {
		t.Fatalf("list --q: %s", out)
	}
	if out := e.must("", "report", "show", tid); !strings.Contains(out, "version 1") || !strings.Contains(out, "A long username") {
		t.Fatalf("show: %s", out)
	}
	e.must("", "report", "acknowledge", tid, "--message", "Looking at it.")
	if out := e.must("", "report", "validate", tid); !strings.Contains(out, "now Valid (V)") {
		t.Fatalf("validate: %s", out)
	}
	if out, code := e.run("", "report", "close", tid, "--reason", "resolved"); code != 1 || !strings.Contains(out, "cannot close") {
		t.Fatalf("illegal close: %d %s", code, out)
	}
	if out, code := e.run("", "report", "close", tid); code != 2 {
		t.Fatalf("close without reason: %d %s", code, out)
	}
	e.must("", "report", "accept", tid)
	e.must("", "report", "reply", tid, "--message", "Acme is informed.")
	e.must("", "report", "reply", tid, "--message", "dupe of nothing", "--note")
	if out := e.must("", "report", "close", tid, "--reason", "resolved", "--message", "Fixed in 2.1.2."); !strings.Contains(out, "now Closed (C), closed") {
		t.Fatalf("close: %s", out)
	}
	if out := e.must("", "report", "show", tid); !strings.Contains(out, "Fixed in 2.1.2.") || !strings.Contains(out, "(internal)") {
		t.Fatalf("show after close: %s", out)
	}
	if out, code := e.run("", "report", "assess", tid, "Nonsense=Yes"); code != 1 || !strings.Contains(out, "Nonsense") {
		t.Fatalf("assess: %d %s", code, out)
	}
	if out := e.must("", "report", "mine"); !strings.Contains(out, "TRACKING ID") {
		t.Fatalf("mine: %s", out)
	}
}
