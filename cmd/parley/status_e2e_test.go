package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// TestStatusCLI states a vendor's status through the CLI against the real
// server: bad input is refused, set creates then changes the statement,
// the coordinator lists and approves it, and exports the OpenVEX document.
func TestStatusCLI(t *testing.T) {
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
	vuln := id(root.must("", "case", "add-vuln", key, "--title", "Login bypass", "--cve", "CVE-2026-4242", "--json"))
	root.must("", "participant", "add", key, "--org", acme, "--role", "vendor")

	vendor := &e2e{t: t, env: maps.Clone(root.env)}
	vendor.env["PARLEY_CONFIG_DIR"] = t.TempDir()
	vendor.must("vendor password here\n\n", "login", "--server", url, "--email", "lee@acme.example")

	// Usage errors exit 2 before anything is sent.
	for _, args := range [][]string{
		{"status"},
		{"status", "frobnicate"},
		{"status", "list"},
		{"status", "set", key, "--product", "Acme Router"},
		{"status", "show", key, "x"},
		{"status", "approve", key},
	} {
		if out, code := vendor.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	set := func(p *e2e, more ...string) (string, int) {
		return p.run("", append([]string{"status", "set", key, "--vuln", vuln, "--product", "Acme Router"}, more...)...)
	}
	if out, code := set(vendor, "--status", "not_affected"); code != 1 || !strings.Contains(out, "justification") {
		t.Fatalf("not affected without justification: %d %s", code, out)
	}
	if out, code := set(vendor, "--status", "affected", "--action", "Update.", "--ref", "ftp://acme.example/x"); code != 1 || !strings.Contains(out, "references[0]") {
		t.Fatalf("a bad reference: %d %s", code, out)
	}
	out, code := set(vendor, "--status", "affected", "--versions", ">=2.0 <2.4.1", "--action", "Update to 2.4.1.",
		"--ref", "https://acme.example/sa/1", "--json")
	if code != 0 {
		t.Fatalf("set: %d %s", code, out)
	}
	st := id(out)
	if out, code := set(vendor, "--status", "fixed", "--fixed", "2.4.1", "--share"); code != 0 || !strings.Contains(out, "status: fixed in 2.4.1") ||
		!strings.Contains(out, "statement "+st+" ") || !strings.Contains(out, "version 2") || !strings.Contains(out, "reference: https://acme.example/sa/1") ||
		!strings.Contains(out, "shared with the other participants") {
		t.Fatalf("set again changes the statement: %d %s", code, out)
	}
	if out, code := root.run("", "status", "set", key, "--vuln", vuln, "--product", "CERT tool", "--status", "under_investigation"); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("the coordinator states: %d %s", code, out)
	}
	if out := root.must("", "status", "list", key); !strings.Contains(out, "Acme Routers") || !strings.Contains(out, "CVE-2026-4242") ||
		!strings.Contains(out, "fixed in 2.4.1") || !strings.Contains(out, "draft") {
		t.Fatalf("status list: %s", out)
	}
	if out, code := vendor.run("", "status", "approve", key, st); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("the vendor approves: %d %s", code, out)
	}
	if out, code := root.run("", "status", "vex", key); code != 1 || !strings.Contains(out, "approved") {
		t.Fatalf("vex with nothing approved: %d %s", code, out)
	}
	if out := root.must("", "status", "approve", key, st); !strings.Contains(out, "approval: approved by root@cert.example") {
		t.Fatalf("approve: %s", out)
	}
	var doc struct {
		Context    string `json:"@context"`
		Statements []struct {
			Vulnerability struct{ Name string }
			Status        string
		}
	}
	if err := json.Unmarshal([]byte(root.must("", "status", "vex", key)), &doc); err != nil || doc.Context != "https://openvex.dev/ns/v0.2.0" ||
		len(doc.Statements) != 1 || doc.Statements[0].Vulnerability.Name != "CVE-2026-4242" || doc.Statements[0].Status != "fixed" {
		t.Fatalf("vex: %+v %v", doc, err)
	}
	if out := root.must("", "status", "approve", key, st, "--undo"); !strings.Contains(out, "approval: draft") {
		t.Fatalf("approve --undo: %s", out)
	}
}
