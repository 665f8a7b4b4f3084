package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestThreadCLI runs a thread through the CLI against the real server:
// the coordinator starts one with a vendor and a file, the vendor reads,
// downloads, answers and edits; the other vendor sees nothing; pins,
// history, and the setting that lets vendors invite vendors.
func TestThreadCLI(t *testing.T) {
	root, url := serveForCLI(t)
	id := root.id
	cert := id(root.must("", "orgs", "create", "--name", "CERT Example", "--kind", "coordinator", "--json"))
	root.must("", "orgs", "add-member", cert, "root@cert.example", "--role", "admin")
	var created struct{ Key string }
	if err := json.Unmarshal([]byte(root.must("", "case", "create", "--title", "Router login bypass", "--json")), &created); err != nil {
		t.Fatal(err)
	}
	key := created.Key
	vendor := func(org, email string) *e2e {
		o := id(root.must("", "orgs", "create", "--name", org, "--kind", "vendor", "--json"))
		root.must("vendor password here\n", "users", "create", "--email", email, "--name", email, "--password-stdin")
		root.must("", "orgs", "add-member", o, email, "--role", "admin")
		root.must("", "participant", "add", key, "--org", o, "--role", "vendor")
		v := &e2e{t: t, env: maps.Clone(root.env)}
		v.env["PARLEY_CONFIG_DIR"] = t.TempDir()
		v.must("vendor password here\n\n", "login", "--server", url, "--email", email)
		return v
	}
	acme, globex := vendor("Acme Routers", "lee@acme.example"), vendor("Globex", "kim@globex.example")
	var parts struct {
		Items []struct {
			ID   int64
			Name string
		}
	}
	if err := json.Unmarshal([]byte(root.must("", "participant", "list", key, "--json")), &parts); err != nil {
		t.Fatal(err)
	}
	pid := map[string]string{}
	for _, p := range parts.Items {
		pid[p.Name] = itoa(p.ID)
	}

	for _, args := range [][]string{
		{"thread"}, {"thread", "frobnicate"}, {"thread", "show", key}, {"thread", "show", key, "x"},
		{"thread", "start", key, "--title", "no body"}, {"thread", "start", key, "--title", "t", "--body", "b", "--with", "a,b"},
		{"thread", "edit", key, "1", "2", "--body", "b"}, {"thread", "settings", key, "--vendors-invite-vendors", "perhaps"},
		{"thread", "post", key, "1", "--body", "b", "--attach", filepath.Join(t.TempDir(), "missing")},
	} {
		if out, code := acme.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	poc := filepath.Join(t.TempDir(), "poc.py")
	if err := os.WriteFile(poc, []byte("print('pwned')\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	th := id(root.must("", "thread", "start", key, "--title", "Patch review", "--body", "Please test, @[Acme Routers].",
		"--with", pid["Acme Routers"], "--attach", poc, "--json"))
	if out := acme.must("", "thread", "list", key); !strings.Contains(out, "Patch review") || !strings.Contains(out, "CERT Example, Acme Routers") {
		t.Fatalf("thread list: %s", out)
	}
	if out := globex.must("", "thread", "list", key); strings.Contains(out, "Patch review") {
		t.Fatalf("another vendor lists: %s", out)
	}
	if out, code := globex.run("", "thread", "show", key, th); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("another vendor reads: %d %s", code, out)
	}
	var detail struct {
		Posts []struct {
			ID          int64
			Attachments []struct{ ID int64 }
		}
	}
	if err := json.Unmarshal([]byte(acme.must("", "thread", "show", key, th, "--json")), &detail); err != nil || len(detail.Posts) != 1 {
		t.Fatalf("show: %v %+v", err, detail)
	}
	first, file := itoa(detail.Posts[0].ID), itoa(detail.Posts[0].Attachments[0].ID)
	if out := acme.must("", "thread", "download", key, th, first, file); out != "print('pwned')\n" {
		t.Fatalf("download: %q", out)
	}
	if out, code := globex.run("", "thread", "download", key, th, first, file); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("another vendor downloads: %d %s", code, out)
	}
	reply := id(acme.must("", "thread", "post", key, th, "--body", "Fixed in 2.1.", "--json"))
	if out, code := acme.run("", "thread", "edit", key, th, reply, "--body", "Fixed in 2.2.", "--version", "3"); code != 1 || !strings.Contains(out, "version") {
		t.Fatalf("stale edit: %d %s", code, out)
	}
	acme.must("", "thread", "edit", key, th, reply, "--body", "Fixed in 2.2.", "--version", "1")
	if out := root.must("", "thread", "history", key, th, reply); !strings.Contains(out, "Fixed in 2.2.") || !strings.Contains(out, "version 1, replaced by lee@acme.example") {
		t.Fatalf("history: %s", out)
	}
	if out, code := acme.run("", "thread", "pin", key, th, reply); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("a vendor pins: %d %s", code, out)
	}
	if out := root.must("", "thread", "pin", key, th, reply); !strings.Contains(out, "[pinned]") {
		t.Fatalf("pin: %s", out)
	}
	if out := root.must("", "thread", "show", key, th); !strings.Contains(out, "pinned: post "+reply+" by Acme Routers") || !strings.Contains(out, "you may: post, pin") {
		t.Fatalf("show: %s", out)
	}

	if out, code := acme.run("", "thread", "start", key, "--title", "Joint fix", "--body", "b", "--with", pid["Globex"]); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("a vendor invites a vendor: %d %s", code, out)
	}
	root.must("", "thread", "settings", key, "--vendors-invite-vendors", "true")
	acme.must("", "thread", "start", key, "--title", "Joint fix", "--body", "Shall we?", "--with", pid["Globex"])
	if out := globex.must("", "thread", "list", key); !strings.Contains(out, "Joint fix") || strings.Contains(out, "Patch review") {
		t.Fatalf("Globex lists: %s", out)
	}
}
