package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/parleycvd/parley/internal/config"
	"github.com/parleycvd/parley/internal/mailin"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestReportTriageCLI works the triage through the CLI against the real
// server: the coordinator assigns a report, sets its priority, finds the
// later report of the same issue and marks it a duplicate, lists and
// downloads attachments and reads the conversation; the reporter reads
// her own, and nobody else's.
func TestReportTriageCLI(t *testing.T) {
	root, url := serveForCLI(t)
	fay := root.id(root.must("finder password here\n", "users", "create", "--email", "fay@example.net", "--name", "Fay", "--password-stdin", "--json"))
	finder := &e2e{t: t, env: maps.Clone(root.env)}
	finder.env["PARLEY_CONFIG_DIR"] = t.TempDir()
	finder.must("finder password here\n\n", "login", "--server", url, "--email", "fay@example.net")

	const poc = "curl -d user=$(python3 -c 'print(\"A\"*5000)') http://router/login.cgi\n"
	report := func(title, file, content string) string {
		return `{"title":"` + title + `","products":[{"name":"Acme Router X200","versions":["2.1.0"]}],"vendors":[{"name":"Acme Networks"}],
			"description":"A long username overflows a stack buffer in login.cgi.","ai_use":"none","contact":{"email":"fay@example.net"},
			"attachments":[{"name":"` + file + `","data":"` + base64.StdEncoding.EncodeToString([]byte(content)) + `"}]}`
	}
	tracking := func(out string) string {
		var rc struct {
			TrackingID string `json:"tracking_id"`
		}
		if err := json.Unmarshal([]byte(out), &rc); err != nil || rc.TrackingID == "" {
			t.Fatalf("no tracking ID in %s", out)
		}
		return rc.TrackingID
	}
	first := tracking(finder.must(report("Stack overflow in the Acme Router login", "poc.sh", poc), "report", "submit", "--file", "-", "--json"))
	later := tracking(root.must(report("Acme Router X200 login overflow", "later.txt", "the same"), "report", "submit", "--file", "-", "--anonymous", "--json"))

	// Usage errors exit 2 before anything is sent.
	for _, args := range [][]string{
		{"report", "assign", first},
		{"report", "assign", first, "--to", "5", "--none"},
		{"report", "assign", first, "--to", "bob"},
		{"report", "priority", first},
		{"report", "priority", first, "asap"},
		{"report", "duplicate", later},
		{"report", "duplicates"},
		{"report", "download", first, "1"},
		{"report", "download", first, "x", "-o", "f"},
		{"report", "download", first, "1", "-o", "-", "--json"},
		{"report", "messages"},
	} {
		if out, code := root.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}

	// Assignment and priority.
	if out := root.must("", "report", "assign", first, "--to", "me"); !regexp.MustCompile(`^` + first + `: assigned to Root \(user \d+\)\n$`).MatchString(out) {
		t.Fatalf("assign to me: %q", out)
	}
	if out, code := root.run("", "report", "assign", first, "--to", fay); code != 1 || !strings.Contains(out, "assignee") {
		t.Fatalf("assign to a reporter: %d %s", code, out)
	}
	if out := root.must("", "report", "assign", first, "--none"); out != first+": assigned to nobody\n" {
		t.Fatalf("assign to nobody: %q", out)
	}
	if out := root.must("", "report", "priority", first, "HIGH"); out != first+": priority high\n" {
		t.Fatalf("priority: %q", out)
	}
	if out, code := finder.run("", "report", "priority", first, "urgent"); code != 1 || !strings.Contains(out, "forbidden") {
		t.Fatalf("the reporter sets the priority: %d %s", code, out)
	}

	// Duplicates.
	out := root.must("", "report", "duplicates", later)
	if !strings.Contains(out, first) || !strings.Contains(out, "same vendor: Acme Networks") {
		t.Fatalf("duplicates: %s", out)
	}
	var cands []struct {
		TrackingID string `json:"tracking_id"`
		Score      float64
	}
	if err := json.Unmarshal([]byte(root.must("", "report", "duplicates", later, "--json")), &cands); err != nil || len(cands) == 0 ||
		cands[0].TrackingID != first || cands[0].Score < 0.6 {
		t.Fatalf("duplicates --json: %v %+v", err, cands)
	}
	if out := root.must("", "report", "duplicate", later, "--of", first); out != later+": a duplicate of "+first+"; now Deferred (D)\n" {
		t.Fatalf("duplicate: %q", out)
	}
	if out, code := root.run("", "report", "duplicate", first, "--of", later); code != 1 || !strings.Contains(out, "conflict") {
		t.Fatalf("the original as a duplicate of its duplicate: %d %s", code, out)
	}
	if out := root.must("", "report", "duplicates", later); out != "no likely duplicates\n" {
		t.Fatalf("duplicates once linked: %q", out)
	}

	// Attachments: listed and downloaded by staff and by the reporter of
	// the report, by nobody else.
	var files []struct {
		ID   int64
		Name string
	}
	if err := json.Unmarshal([]byte(root.must("", "report", "attachments", first, "--json")), &files); err != nil || len(files) != 1 || files[0].Name != "poc.sh" {
		t.Fatalf("attachments: %v %+v", err, files)
	}
	aid := itoa(files[0].ID)
	if out := finder.must("", "report", "attachments", first); !strings.Contains(out, "poc.sh") || !strings.Contains(out, "SHA-256") {
		t.Fatalf("the reporter's attachments: %s", out)
	}
	path := filepath.Join(t.TempDir(), "poc.sh")
	if out := root.must("", "report", "download", first, aid, "-o", path); !strings.HasPrefix(out, fmt.Sprintf("poc.sh: %d bytes written to %s", len(poc), path)) {
		t.Fatalf("download: %q", out)
	}
	if b, err := os.ReadFile(path); err != nil || string(b) != poc {
		t.Fatalf("downloaded %q, %v", b, err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("the downloaded file's mode: %v %v", fi.Mode(), err)
	}
	if out := finder.must("", "report", "download", first, aid, "-o", "-"); out != poc {
		t.Fatalf("the reporter downloads to standard output: %q", out)
	}
	var laterFiles []struct{ ID int64 }
	if err := json.Unmarshal([]byte(root.must("", "report", "attachments", later, "--json")), &laterFiles); err != nil || len(laterFiles) != 1 {
		t.Fatalf("attachments of the later report: %v %+v", err, laterFiles)
	}
	if out, code := finder.run("", "report", "download", later, itoa(laterFiles[0].ID), "-o", "-"); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("the reporter downloads another's file: %d %s", code, out)
	}
	if out, code := finder.run("", "report", "download", first, itoa(laterFiles[0].ID), "-o", "-"); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("another's file through her own report: %d %s", code, out)
	}
	if out, code := finder.run("", "report", "attachments", later); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("the reporter lists another's files: %d %s", code, out)
	}

	// The conversation: notes for staff only.
	root.must("", "report", "reply", first, "--message", "Reproduced on 2.1.0.", "--note")
	root.must("", "report", "reply", first, "--message", "Thank you, we are on it.")
	if out := root.must("", "report", "messages", first); !strings.Contains(out, "Reproduced on 2.1.0.") || !strings.Contains(out, "(internal)") ||
		!strings.Contains(out, "Thank you, we are on it.") {
		t.Fatalf("staff read the conversation: %s", out)
	}
	out = finder.must("", "report", "messages", first)
	if strings.Contains(out, "Reproduced") || strings.Contains(out, "(internal)") || !strings.Contains(out, "Thank you, we are on it.") {
		t.Fatalf("the reporter reads the conversation: %s", out)
	}
	if out, code := finder.run("", "report", "messages", later); code != 1 || !strings.Contains(out, "not_found") {
		t.Fatalf("the reporter reads another's conversation: %d %s", code, out)
	}
}

// TestIntakeRetry: mail left "received" (the delivery failed or died
// between storing and filing it) is taken in by the periodic retry, once:
// what an earlier attempt filed is found, not filed again; what cannot be
// read is quarantined; a second run changes nothing.
func TestIntakeRetry(t *testing.T) {
	ctx := context.Background()
	env := map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": storetest.DSN(t), "PARLEY_INTAKE_ADDRESS": "security@parley.test"}
	cfg, _, err := config.Load("test", nil, func(k string) string { return env[k] }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.DiscardHandler)
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	now := time.Now().UTC()
	a := &app{cfg: cfg, log: log, db: db, now: func() time.Time { return now }, registry: prometheus.NewRegistry()}
	if err := a.wire(); err != nil {
		t.Fatal(err)
	}
	store := func(raw string) int64 {
		t.Helper()
		id, err := a.intake.Store(ctx, []byte(raw), mailin.Received, "")
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	// fileOnly files a stored message and dies before marking it taken in.
	fileOnly := func(raw string) mailOutcome {
		t.Helper()
		in, err := a.intake.Parse(ctx, []byte(raw))
		if err != nil {
			t.Fatal(err)
		}
		out, err := a.fileMail(ctx, in, time.Time{})
		if err != nil || out.Quarantine != "" {
			t.Fatalf("filing: %+v, %v", out, err)
		}
		return out
	}
	fresh := store(mailMessage("ada@research.example", "Path traversal in the Acme NAS", "GET /../../etc/passwd works."))
	filedRaw := mailMessage("fay@research.example", "Overflow in Acme Router login", "A long username crashes login.cgi.")
	filed := store(filedRaw)
	first := fileOnly(filedRaw)
	replyRaw := mailMessage("fay@research.example", "Re: ["+first.TrackingID+"] news", "It is firmware 2.1.1.")
	reply := store(replyRaw)
	if out := fileOnly(replyRaw); out.TrackingID != first.TrackingID || out.New {
		t.Fatalf("the reply: %+v", out)
	}
	junk := store("\x00\x01 not mail at all")
	stranger := store(mailMessage("mallory@evil.example", "["+first.TrackingID+"] close this", "x"))

	count := func(query string) int {
		t.Helper()
		var n int
		if err := db.Read().QueryRowContext(ctx, query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	retry := func() {
		t.Helper()
		if err := a.runner.EnqueuePeriodic(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := a.runner.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	retry() // too early: the delivery may still be at work
	if n := count(`SELECT COUNT(*) FROM inbound_mail WHERE status = 'received'`); n != 5 {
		t.Fatalf("%d messages received, want 5 untouched", n)
	}
	now = now.Add(6 * time.Minute)
	retry()
	want := map[int64]string{
		fresh:    `^accepted new report RPT-\d{4}-\d{6}$`,
		filed:    `^accepted new report ` + first.TrackingID + ` \(by an earlier attempt\)$`,
		reply:    `^accepted added to ` + first.TrackingID + ` \(by an earlier attempt\)$`,
		junk:     `^quarantined .*header is unreadable`,
		stranger: `^quarantined .*not the reporter's address`,
	}
	check := func() {
		t.Helper()
		for id, pattern := range want {
			m, err := a.intake.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(m.Status) + " " + m.Reason; !regexp.MustCompile(pattern).MatchString(got) || m.Attempts != 1 {
				t.Errorf("mail %d: %q after %d attempts, want %s", id, got, m.Attempts, pattern)
			}
		}
		if n := count(`SELECT COUNT(*) FROM reports`); n != 2 {
			t.Errorf("%d reports, want 2", n)
		}
		if n := count(`SELECT COUNT(*) FROM report_messages WHERE author = 'reporter'`); n != 1 {
			t.Errorf("%d messages of the reporter, want 1", n)
		}
	}
	check()
	now = now.Add(time.Hour)
	retry()
	check()
	if n := count(`SELECT COUNT(*) FROM journal WHERE action = 'mail.retry'`); n != 5 {
		t.Errorf("%d attempts journaled, want 5", n)
	}
}
