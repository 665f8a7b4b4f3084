package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"
)

// TestDisputeCLI runs a dispute through the CLI against the real server: a
// vendor opens it, the coordinator lists it, writes, proposes, the vendor
// accepts; an extension request is answered; the mediator is shown.
func TestDisputeCLI(t *testing.T) {
	root, url := serveForCLI(t)
	id := root.id
	cert := id(root.must("", "orgs", "create", "--name", "CERT Example", "--kind", "coordinator", "--json"))
	root.must("", "orgs", "add-member", cert, "root@cert.example", "--role", "admin")
	acme := id(root.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--json"))
	root.must("vendor password here\n", "users", "create", "--email", "lee@acme.example", "--name", "Lee", "--password-stdin")
	root.must("", "orgs", "add-member", acme, "lee@acme.example", "--role", "admin")
	var created struct{ Key string }
	if err := json.Unmarshal([]byte(root.must("", "case", "create", "--title", "Router login bypass", "--json")), &created); err != nil {
		t.Fatal(err)
	}
	key := created.Key
	root.must("", "participant", "add", key, "--org", acme, "--role", "vendor")

	vendor := &e2e{t: t, env: maps.Clone(root.env)}
	vendor.env["PARLEY_CONFIG_DIR"] = t.TempDir()
	vendor.must("vendor password here\n\n", "login", "--server", url, "--email", "lee@acme.example")

	// Usage errors exit 2 before anything is sent.
	for _, args := range [][]string{
		{"dispute"},
		{"dispute", "frobnicate"},
		{"dispute", "show", key},
		{"dispute", "show", key, "x"},
		{"dispute", "open", key, "--title", "no topic"},
		{"dispute", "open", key, "--topic", "timing", "--title", "t", "--with", "a,b"},
		{"dispute", "answer", key, "1", "2", "maybe"},
	} {
		if out, code := vendor.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	if out, code := vendor.run("", "dispute", "open", key, "--topic", "weather", "--title", "Rain"); code != 1 || !strings.Contains(out, "topic") {
		t.Fatalf("unknown topic: %d %s", code, out)
	}
	d := id(vendor.must("", "dispute", "open", key, "--topic", "timing", "--title", "Publication date",
		"--position", "We need 90 days", "--private", "--json"))
	if out := root.must("", "dispute", "list"); !strings.Contains(out, "Publication date") || !strings.Contains(out, "CERT Example") || !strings.Contains(out, "0d 0h") {
		t.Fatalf("dispute list: %s", out)
	}
	if out := root.must("", "dispute", "show", key, d); !strings.Contains(out, "(coordinator): We need 90 days") || !strings.Contains(out, "propose") {
		t.Fatalf("dispute show: %s", out)
	}
	root.must("", "dispute", "post", key, d, "--body", "Would a workaround help?")
	if out, code := vendor.run("", "dispute", "propose", key, d, "--text", "mine"); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("a vendor proposes: %d %s", code, out)
	}
	var detail struct {
		Resolutions []struct{ ID int64 }
	}
	if err := json.Unmarshal([]byte(root.must("", "dispute", "propose", key, d, "--text", "Workaround at 45 days, details at 90", "--json")), &detail); err != nil || len(detail.Resolutions) != 1 {
		t.Fatalf("propose: %v", err)
	}
	rid := itoa(detail.Resolutions[0].ID)
	if out := vendor.must("", "dispute", "answer", key, d, rid, "accept", "--comment", "ok"); !strings.Contains(out, "resolved") ||
		!strings.Contains(out, "outcome: Workaround at 45 days") {
		t.Fatalf("answer: %s", out)
	}
	if out := root.must("", "dispute", "list", "--case", key); !strings.Contains(out, "resolved") {
		t.Fatalf("dispute list --case: %s", out)
	}

	ext := id(vendor.must("", "dispute", "open", key, "--topic", "extension", "--title", "Two more weeks",
		"--until", time.Now().Add(30*24*time.Hour).UTC().Format("2006-01-02T15:04"), "--zone", "UTC", "--json"))
	if out, code := root.run("", "dispute", "decide", key, ext, "denied"); code != 1 || !strings.Contains(out, "reasons") {
		t.Fatalf("denied without reasons: %d %s", code, out)
	}
	if out := root.must("", "dispute", "decide", key, ext, "granted"); !strings.Contains(out, "answer: granted until") {
		t.Fatalf("decide: %s", out)
	}
	if out := vendor.must("", "dispute", "mediator", key); !strings.Contains(out, "mediated by CERT Example") {
		t.Fatalf("mediator: %s", out)
	}
	if out, code := vendor.run("", "dispute", "mediator", key, "--to", "1", "--reason", "x"); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("a vendor hands over: %d %s", code, out)
	}
}
