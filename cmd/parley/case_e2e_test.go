package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// TestCaseCLI runs a case through the CLI against the real server: open it,
// add a vulnerability and vendors, send the report, step the vendor's
// report state, negotiate an embargo and record the case state.
func TestCaseCLI(t *testing.T) {
	e, _ := serveForCLI(t)

	id := e.id
	cert := id(e.must("", "orgs", "create", "--name", "CERT Example", "--kind", "coordinator", "--json"))
	e.must("", "orgs", "add-member", cert, "root@cert.example", "--role", "admin")
	acme := id(e.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--json"))
	globex := id(e.must("", "orgs", "create", "--name", "Globex", "--kind", "vendor", "--json"))

	// Usage errors exit 2 before anything is sent.
	for _, args := range [][]string{
		{"case"},
		{"case", "frobnicate"},
		{"case", "show"},
		{"case", "create"},
		{"case", "create", "--summary", "no title"},
		{"embargo", "propose", "PAR-2026-0001"},
		{"embargo", "answer", "PAR-2026-0001", "x", "accept"},
		{"cra", "mark", "PAR-2026-0001", "--aware", "yesterday"},
		{"case", "send", "PAR-2026-0001", "--from", "1"},
		{"participant", "add", "PAR-2026-0001", "--role", "vendor"},
		{"participant", "add", "PAR-2026-0001", "--org", "3,x", "--role", "vendor"},
		{"participant", "add", "PAR-2026-0001", "--org", "3"},
		{"participant", "rm", "PAR-2026-0001", "acme", "validate"},
		{"participant", "rm", "PAR-2026-0001", "3"},
		{"participant", "list", "PAR-2026-0001", "--colour", "red"},
	} {
		if out, code := e.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}

	out := e.must("", "case", "create", "--title", "Router login bypass", "--summary", "Reported by a researcher", "--json")
	var created struct{ Key string }
	if err := json.Unmarshal([]byte(out), &created); err != nil || created.Key == "" {
		t.Fatalf("case create --json: %v\n%s", err, out)
	}
	key := created.Key
	if out, code := e.run("", "case", "add-vuln", key, "--title", "XSS", "--cwe", "79"); code != 1 || !strings.Contains(out, "cwe") {
		t.Fatalf("bad CWE: %d %s", code, out)
	}
	if out := e.must("", "case", "add-vuln", key, "--title", "Auth bypass", "--cwe", "CWE-287",
		"--cvss31", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"); !strings.Contains(out, "CVSS 3.1 9.8") {
		t.Fatalf("add-vuln: %s", out)
	}
	out = e.must("", "participant", "add", key, "--org", acme+","+globex, "--role", "vendor", "--json")
	var added []struct {
		ID   int64
		Name string
	}
	if err := json.Unmarshal([]byte(out), &added); err != nil || len(added) != 2 {
		t.Fatalf("participant add --json: %v\n%s", err, out)
	}
	acmeP := itoa(added[0].ID)
	if out, code := e.run("", "participant", "add", key, "--org", acme, "--role", "vendor"); code != 1 || !strings.Contains(out, "already") {
		t.Fatalf("add twice: %d %s", code, out)
	}
	out = e.must("", "participant", "list", key, "--role", "coordinator", "--json")
	var coords struct{ Items []struct{ ID int64 } }
	if err := json.Unmarshal([]byte(out), &coords); err != nil || len(coords.Items) != 1 {
		t.Fatalf("coordinators: %v\n%s", err, out)
	}
	coordP := itoa(coords.Items[0].ID)
	if out := e.must("", "participant", "list", key); !strings.Contains(out, "Acme Routers") || !strings.Contains(out, "Globex") || !strings.Contains(out, "CERT Example") {
		t.Fatalf("participant list: %s", out)
	}
	if out := e.must("", "case", "show", strings.ToLower(key)); !strings.Contains(out, "Router login bypass") || !strings.Contains(out, "embargo: N (None)") ||
		!strings.Contains(out, "Auth bypass") || !strings.Contains(out, "you may:") {
		t.Fatalf("case show: %s", out)
	}
	if out, code := e.run("", "participant", "rm", key, acmeP, "validate"); code != 1 || !strings.Contains(out, "not allowed in state S") {
		t.Fatalf("validate before receipt: %d %s", code, out)
	}
	if out := e.must("", "case", "send", key, "--from", coordP, "--to", acmeP); !strings.Contains(out, "received the report") {
		t.Fatalf("send: %s", out)
	}
	if out := e.must("", "participant", "rm", key, acmeP, "validate"); !strings.Contains(out, "report Valid") {
		t.Fatalf("validate: %s", out)
	}
	if out, code := e.run("", "participant", "rm", key, acmeP, "approve"); code != 1 || !strings.Contains(out, "event") {
		t.Fatalf("unknown event: %d %s", code, out)
	}
	ends := time.Now().AddDate(0, 0, 30).Format("2006-01-02") + "T17:00"
	if out, code := e.run("", "embargo", "propose", key, "--ends", ends); code != 1 || !strings.Contains(out, "time zone") {
		t.Fatalf("propose without a zone: %d %s", code, out)
	}
	if out := e.must("", "embargo", "propose", key, "--ends", ends, "--zone", "Europe/Berlin"); !strings.Contains(out, "pending") ||
		!strings.Contains(out, "Europe/Berlin") {
		t.Fatalf("propose: %s", out)
	}
	if out := e.must("", "participant", "consent", key, acmeP, "accept"); !strings.Contains(out, "signatory") {
		t.Fatalf("consent: %s", out)
	}
	if out := e.must("", "embargo", "decide", key, "accept", "--reason", "Globex is slow"); !strings.Contains(out, "accepted") {
		t.Fatalf("decide: %s", out)
	}
	if out := e.must("", "embargo", "show", key); !strings.Contains(out, "embargo: A (Active)") || !strings.Contains(out, "in force until") {
		t.Fatalf("show: %s", out)
	}
	if out := e.must("", "case", "cs", key, "F", "--vendor", acmeP); !strings.Contains(out, "CS participant "+acmeP+": F") {
		t.Fatalf("cs F: %s", out)
	}
	if out, code := e.run("", "case", "cs", key, "F", "--vendor", acmeP); code != 1 || !strings.Contains(out, "each event happens once") {
		t.Fatalf("cs F twice: %d %s", code, out)
	}
	if out := e.must("", "case", "cs", key, "P"); !strings.Contains(out, "EM: ") {
		t.Fatalf("cs P ends the embargo: %s", out)
	}
	if out := e.must("", "case", "timeline", key); !strings.Contains(out, "opened: Router login bypass") || !strings.Contains(out, "EP") {
		t.Fatalf("timeline: %s", out)
	}
	out = e.must("", "case", "list", "--em", "X", "--json")
	var list struct{ Items []struct{ Key string } }
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list.Items) != 1 || list.Items[0].Key != key {
		t.Fatalf("case list: %v\n%s", err, out)
	}
	if out := e.must("", "case", "list"); !strings.Contains(out, key) || !strings.Contains(out, "Pxa") {
		t.Fatalf("case list: %s", out)
	}
	if out, code := e.run("", "case", "show", "PAR-1999-0001"); code != 1 || !strings.Contains(out, "no such case") {
		t.Fatalf("show missing: %d %s", code, out)
	}
	// A saved vendor list, added to a second case, skips who is in already.
	dns := id(e.must("", "vendor-list", "save", "--name", "DNS vendors", "--orgs", acme+","+globex, "--json"))
	infra := id(e.must("", "vendor-list", "save", "--name", "Infrastructure", "--sublists", dns, "--json"))
	if out, code := e.run("", "vendor-list", "save", "--id", dns, "--version", "1", "--name", "DNS vendors", "--sublists", infra); code != 1 ||
		!strings.Contains(out, "nest the list in itself") {
		t.Fatalf("a cycle: %d %s", code, out)
	}
	key2 := strings.TrimSuffix(strings.Fields(e.must("", "case", "create", "--title", "Resolver cache poisoning"))[2], ":")
	if out := e.must("", "participant", "add", key2, "--org", acme, "--role", "vendor"); !strings.Contains(out, "added 1") {
		t.Fatalf("add Acme: %s", out)
	}
	if out := e.must("", "participant", "add", key2, "--list", infra); !strings.Contains(out, "added 1 participant(s) from vendor list") ||
		!strings.Contains(out, "Globex") {
		t.Fatalf("add from the list: %s", out)
	}
	if out := e.must("", "vendor-list", "list"); !strings.Contains(out, "Infrastructure") {
		t.Fatalf("lists: %s", out)
	}
}
