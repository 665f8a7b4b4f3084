package main

import (
	"encoding/json"
	"maps"
	"strings"
	"testing"
	"time"
)

// TestNotificationCLI runs notifications through the CLI against the real
// server and its job runner: the first notice of a case reaches Acme's
// admin Lee as a notification, a credit proposed to Fay reaches her; she
// reads one and then all; Lee chooses a daily digest, mutes the case and
// unmutes it. Usage errors exit 2, refusals 1.
func TestNotificationCLI(t *testing.T) {
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

	login := func(email, password string) *e2e {
		c := &e2e{t: t, env: maps.Clone(root.env)}
		c.env["PARLEY_CONFIG_DIR"] = t.TempDir()
		c.must(password+"\n\n", "login", "--server", url, "--email", email)
		return c
	}
	vendor, finder := login("lee@acme.example", "vendor password here"), login("fay@example.net", "finder password here")

	// waitFor polls c's notifications until one's subject has want.
	type note struct {
		ID      int64
		Subject string
		Unread  bool
		CaseKey string `json:"case_key"`
		Kind    string
	}
	waitFor := func(c *e2e, want string) note {
		t.Helper()
		deadline := time.Now().Add(20 * time.Second)
		for {
			out := c.must("", "notifications", "list", "--json")
			var page struct{ Items []note }
			if err := json.Unmarshal([]byte(out), &page); err != nil {
				t.Fatalf("notifications --json: %v\n%s", err, out)
			}
			for _, n := range page.Items {
				if strings.Contains(n.Subject, want) {
					return n
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("no notification %q in %+v", want, page.Items)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}

	for _, args := range [][]string{
		{"notifications", "frobnicate"},
		{"notifications", "read"},
		{"notifications", "read", "x"},
		{"notifications", "mute"},
		{"notifications", "settings", "--mail", "weekly"},
		{"notifications", "settings", "--digest-hour", "24"},
		{"notifications", "list", "extra"},
	} {
		if out, code := vendor.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}

	vn := waitFor(vendor, "a vulnerability report may concern Acme Routers")
	if !vn.Unread || vn.CaseKey != key || vn.Kind != "case.vendor_notice" {
		t.Fatalf("Lee's vendor notice: %+v", vn)
	}
	if out := vendor.must("", "notifications"); !strings.Contains(out, key) || !strings.Contains(out, "*") {
		t.Fatalf("notifications: %s", out)
	}

	root.must("", "credit", "add", key, "--type", "finder", "--user", fay)
	cn := waitFor(finder, "a credit was proposed to you")
	if out, code := vendor.run("", "notifications", "read", itoa(cn.ID)); code != 1 || !strings.Contains(out, "no such notification") {
		t.Fatalf("Lee read Fay's notification: %d %s", code, out)
	}
	if out := finder.must("", "notifications", "read", itoa(cn.ID)); !strings.Contains(out, "read") {
		t.Fatalf("read: %s", out)
	}
	if out := finder.must("", "notifications", "list", "--unread"); !strings.Contains(out, "no notifications") {
		t.Fatalf("unread after reading: %s", out)
	}
	if out := vendor.must("", "notifications", "read-all"); !strings.Contains(out, "1 notification(s) marked read") {
		t.Fatalf("read-all: %s", out)
	}

	if out := vendor.must("", "notifications", "settings"); !strings.Contains(out, "mail: immediately") || !strings.Contains(out, "muted cases: none") {
		t.Fatalf("settings: %s", out)
	}
	if out := vendor.must("", "notifications", "settings", "--mail", "digest", "--digest-hour", "18"); !strings.Contains(out, "mail: a daily digest at 18:00 UTC") {
		t.Fatalf("settings --mail digest: %s", out)
	}
	if out := vendor.must("", "notifications", "mute", key); !strings.Contains(out, "muted "+key) {
		t.Fatalf("mute: %s", out)
	}
	var st struct {
		Mail       string
		DigestHour int `json:"digest_hour"`
		Mutes      []struct {
			CaseKey string `json:"case_key"`
		}
	}
	if err := json.Unmarshal([]byte(vendor.must("", "notifications", "settings", "--json")), &st); err != nil || st.Mail != "digest" ||
		st.DigestHour != 18 || len(st.Mutes) != 1 || st.Mutes[0].CaseKey != key {
		t.Fatalf("settings --json: %v %+v", err, st)
	}
	if out := vendor.must("", "notifications", "unmute", key); !strings.Contains(out, "unmuted "+key) {
		t.Fatalf("unmute: %s", out)
	}
	if out, code := vendor.run("", "notifications", "unmute", key); code != 1 {
		t.Fatalf("unmuting again: %d %s", code, out)
	}
	if out, code := finder.run("", "notifications", "mute", key); code != 1 {
		t.Fatalf("Fay muted a case she does not see: %d %s", code, out)
	}
}
