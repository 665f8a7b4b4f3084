package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
)

// TestProgramCLI: an administrator writes an organisation's program with
// the CLI; anyone lists and reads it without signing in.
func TestProgramCLI(t *testing.T) {
	e, url := serveForCLI(t)
	acme := e.id(e.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--json"))

	for _, args := range [][]string{{"program"}, {"program", "set"}, {"program", "set", acme}, {"program", "set", "x", "--file", "-"},
		{"program", "show"}, {"program", "nonsense"}} {
		if out, code := e.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	if out, code := e.run(`{"slug":"acme","colour":"red"}`, "program", "set", acme, "--file", "-"); code != 1 || !strings.Contains(out, "colour") {
		t.Fatalf("unknown field: exit %d\n%s", code, out)
	}
	if out, code := e.run(`{"slug":"acme","published":true}`, "program", "set", acme, "--file", "-"); code != 1 || !strings.Contains(out, "scope_in") {
		t.Fatalf("publish without scope: exit %d\n%s", code, out)
	}
	body := `{"slug":"acme-routers","published":true,"scope_in":"The R9000 router","safe_harbour":"We will not sue good-faith research.","ack_days":3}`
	if out := e.must(body, "program", "set", acme, "--file", "-"); !strings.Contains(out, "program of Acme Routers published at /programs/acme-routers (version 1)") {
		t.Fatalf("set:\n%s", out)
	}
	if out, code := e.run(body, "program", "set", acme, "--file", "-"); code != 1 || !strings.Contains(out, "changed meanwhile") {
		t.Fatalf("stale version: exit %d\n%s", code, out)
	}

	// Not signed in: the public commands still work, given the server.
	anon := &e2e{t: t, env: maps.Clone(e.env)}
	anon.env["PARLEY_CONFIG_DIR"] = t.TempDir()
	anon.env["PARLEY_SERVER"] = url
	if out := anon.must("", "program", "list"); !strings.Contains(out, "acme-routers") || !strings.Contains(out, "Acme Routers") {
		t.Fatalf("list:\n%s", out)
	}
	out := anon.must("", "program", "show", "acme-routers")
	for _, want := range []string{"/programs/acme-routers, published, version 1", "within 3 business days",
		"disclosure policy (the default): 45 days from first contact", "The R9000 router", "We will not sue"} {
		if !strings.Contains(out, want) {
			t.Fatalf("show lacks %q:\n%s", want, out)
		}
	}
	var g struct {
		Slug   string
		Policy struct{ Days int }
	}
	if err := json.Unmarshal([]byte(anon.must("", "program", "show", "acme-routers", "--json")), &g); err != nil || g.Slug != "acme-routers" || g.Policy.Days != 45 {
		t.Fatalf("show --json: %+v, %v", g, err)
	}
	if out, code := anon.run("", "program", "show", "nothing"); code != 1 || !strings.Contains(out, "no such program") {
		t.Fatalf("unknown program: exit %d\n%s", code, out)
	}
	if out, code := anon.run(body, "program", "set", acme, "--file", "-"); code != 1 || !strings.Contains(out, "not signed in") {
		t.Fatalf("set without signing in: exit %d\n%s", code, out)
	}
}
