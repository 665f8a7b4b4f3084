package main

import (
	"context"
	"database/sql"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/client"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestDeadlinesCLI lists deadlines through the CLI against the real
// server; they are set straight in the database, as the domain code does
// inside its own transactions. Acme has no address, so its vendor notice
// fails and sets no response deadline of its own.
func TestDeadlinesCLI(t *testing.T) {
	dsn := storetest.DSN(t)
	e := &e2e{t: t, env: map[string]string{
		"PARLEY_DATA":         t.TempDir(),
		"PARLEY_DATABASE_URL": dsn,
		"PARLEY_ADDR":         "127.0.0.1:0",
		"PARLEY_REQUIRE_TOTP": "false",
		"PARLEY_LOG_LEVEL":    "error",
		"PARLEY_CONFIG_DIR":   t.TempDir(),
	}}
	e.must("correct horse battery\n", "admin", "create-user", "--admin", "--email", "root@cert.example", "--name", "Root")
	ctx, cancel := context.WithCancel(context.Background())
	var serveOut, serveLog syncBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"parley", "serve"}, e.getenv, strings.NewReader(""), &serveOut, &serveLog)
	}()
	defer func() {
		cancel()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop")
		}
	}()
	url := waitForURL(t, &serveOut)
	e.must("correct horse battery\n\n", "login", "--server", url, "--email", "root@cert.example")
	var org struct{ ID int64 }
	if err := json.Unmarshal([]byte(e.must("", "orgs", "create", "--name", "CERT Example", "--kind", "coordinator", "--json")), &org); err != nil {
		t.Fatal(err)
	}
	e.must("", "orgs", "add-member", itoa(org.ID), "root@cert.example", "--role", "admin")
	if err := json.Unmarshal([]byte(e.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--json")), &org); err != nil {
		t.Fatal(err)
	}
	var c struct {
		ID  int64
		Key string
	}
	if err := json.Unmarshal([]byte(e.must("", "case", "create", "--title", "Router login bypass", "--json")), &c); err != nil {
		t.Fatal(err)
	}
	var added []struct{ ID int64 }
	if err := json.Unmarshal([]byte(e.must("", "participant", "add", c.Key, "--org", itoa(org.ID), "--role", "vendor", "--json")), &added); err != nil {
		t.Fatal(err)
	}

	db := storetest.Open(t, dsn)
	now := time.Now().UTC()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := deadlines.SetMany(ctx, tx, now, []deadlines.Deadline{
			{CaseID: c.ID, ParticipantID: added[0].ID, Kind: deadlines.Statement, DueAt: now.Add(3 * 24 * time.Hour)},
			{CaseID: c.ID, Kind: deadlines.EmbargoEnd, DueAt: now.Add(20 * 24 * time.Hour), Zone: "Europe/Berlin"},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{{"deadlines", "--format", "xml"}, {"deadlines", "extra"}, {"deadlines", "--limit", "-1"}} {
		if out, code := e.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	out := e.must("", "deadlines")
	for _, want := range []string{"DUE (UTC)", c.Key, "vendor statement", "participant " + itoa(added[0].ID), "embargo ends", "whole case", "Europe/Berlin"} {
		if !strings.Contains(out, want) {
			t.Errorf("deadlines lacks %q:\n%s", want, out)
		}
	}
	var list []client.Deadline
	if err := json.Unmarshal([]byte(e.must("", "deadlines", "--case", c.Key, "--format", "json")), &list); err != nil || len(list) != 2 ||
		list[0].Kind != "statement" || list[1].Kind != "embargo_end" {
		t.Fatalf("deadlines --case --format json: %v %+v", err, list)
	}
	if out := e.must("", "deadlines", "--case", c.Key, "--limit", "1"); strings.Contains(out, "embargo ends") || !strings.Contains(out, "more deadlines follow") {
		t.Errorf("deadlines --limit 1:\n%s", out)
	}
	if out, code := e.run("", "deadlines", "--case", "PAR-1999-0001"); code != 1 || !strings.Contains(out, "no such case") {
		t.Errorf("an unknown case: exit %d\n%s", code, out)
	}
}
