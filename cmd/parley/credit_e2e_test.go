package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// TestCreditCLI runs credits through the CLI against the real server: the
// coordinator credits Fay (an account taking no part in the case) and a
// name without an account; Fay finds hers with mine and accepts it
// anonymously; a vendor lists the case's credits as printed.
func TestCreditCLI(t *testing.T) {
	root, url := serveForCLI(t)
	id := root.id
	cert := id(root.must("", "orgs", "create", "--name", "CERT Example", "--kind", "coordinator", "--json"))
	root.must("", "orgs", "add-member", cert, "root@cert.example", "--role", "admin")
	acme := id(root.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--json"))
	root.must("vendor password here\n", "users", "create", "--email", "lee@acme.example", "--name", "Lee", "--password-stdin")
	root.must("", "orgs", "add-member", acme, "lee@acme.example", "--role", "admin")
	fay := id(root.must("finder password here\n", "users", "create", "--email", "fay@example.net", "--name", "Fay", "--password-stdin", "--json"))
	var created struct{ Key string }
	if err := json.Unmarshal([]byte(root.must("", "case", "create", "--title", "Router login bypass", "--json")), &created); err != nil {
		t.Fatal(err)
	}
	key := created.Key
	root.must("", "participant", "add", key, "--org", acme, "--role", "vendor")
	vuln := id(root.must("", "case", "add-vuln", key, "--title", "Login bypass", "--json"))

	vendor := &e2e{t: t, env: maps.Clone(root.env)}
	vendor.env["PARLEY_CONFIG_DIR"] = t.TempDir()
	vendor.must("vendor password here\n\n", "login", "--server", url, "--email", "lee@acme.example")
	finder := &e2e{t: t, env: maps.Clone(root.env)}
	finder.env["PARLEY_CONFIG_DIR"] = t.TempDir()
	finder.must("finder password here\n\n", "login", "--server", url, "--email", "fay@example.net")

	// Usage errors exit 2 before anything is sent.
	for _, args := range [][]string{
		{"credit"},
		{"credit", "frobnicate"},
		{"credit", "list"},
		{"credit", "add", key, "--user", fay},
		{"credit", "add", key, "--type", "finder"},
		{"credit", "add", key, "--type", "finder", "--user", fay, "--name", "Fay"},
		{"credit", "answer", "1", "maybe"},
		{"credit", "answer", "x", "accept"},
		{"credit", "answer", "1", "decline", "--anonymous"},
	} {
		if out, code := root.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	if out, code := root.run("", "credit", "add", key, "--type", "hero", "--name", "Ada"); code != 1 || !strings.Contains(out, "type") {
		t.Fatalf("unknown type: %d %s", code, out)
	}
	if out, code := vendor.run("", "credit", "add", key, "--type", "finder", "--name", "Me"); code == 0 {
		t.Fatalf("a vendor proposed a credit: %s", out)
	}
	credit := id(root.must("", "credit", "add", key, "--type", "finder", "--user", fay, "--vuln", vuln, "--json"))
	root.must("", "credit", "add", key, "--type", "analyst", "--name", "Ada Lovelace", "--org", "Analytical Engines")
	if out := root.must("", "credit", "list", key); !strings.Contains(out, "finder") || !strings.Contains(out, "Ada Lovelace") || !strings.Contains(out, "proposed") {
		t.Fatalf("credit list: %s", out)
	}
	if out := vendor.must("", "credit", "list", key); strings.Contains(out, "Fay") || strings.Contains(out, "Ada") {
		t.Fatalf("a vendor sees proposed credits: %s", out)
	}
	if out := finder.must("", "credit", "mine"); !strings.Contains(out, key) || !strings.Contains(out, "Router login bypass") || !strings.Contains(out, "proposed") {
		t.Fatalf("credit mine: %s", out)
	}
	if out, code := vendor.run("", "credit", "answer", credit, "accept"); code != 1 {
		t.Fatalf("a vendor answered Fay's credit: %d %s", code, out)
	}
	if out := finder.must("", "credit", "answer", credit, "accept", "--anonymous"); !strings.Contains(out, "accepted, printed as Anonymous") {
		t.Fatalf("credit answer: %s", out)
	}
	if out := vendor.must("", "credit", "list", key); !strings.Contains(out, "Anonymous") || strings.Contains(out, "Fay") {
		t.Fatalf("a vendor's list after the answer: %s", out)
	}
	var mine []struct{ Status, Printed string }
	if err := json.Unmarshal([]byte(finder.must("", "credit", "mine", "--json")), &mine); err != nil || len(mine) != 1 || mine[0].Status != "accepted" || mine[0].Printed != "Anonymous" {
		t.Fatalf("credit mine --json: %v %+v", err, mine)
	}
}
