package notify_test

import (
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/org"
)

// TestDeadlineReminders: a participant's deadline is mailed to its notice
// address, a case-wide one to the case's coordinators (or, without any, to
// coordinator staff), a deadline met after the sweep to nobody; no mail
// names the vulnerability.
func TestDeadlineReminders(t *testing.T) {
	clock := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	f := newFixture(t, now)
	ctx, db, users, orgs, cs, root := f.ctx, f.db, f.users, f.orgs, f.cases, f.root
	if _, err := users.CreateUser(ctx, root, auth.NewUser{Email: "duty@cert.example", Name: "Duty Officer", Staff: true}); err != nil {
		t.Fatal(err)
	}
	cert, _ := orgs.Create(ctx, root, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := orgs.Create(ctx, root, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	led, err := cs.Create(ctx, root, cases.NewCase{Title: "Heap overflow in SecretRouter 3000", CoordinatorOrgID: cert.ID})
	if err != nil {
		t.Fatal(err)
	}
	parts, err := cs.AddParticipants(ctx, root, led.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}})
	if err != nil {
		t.Fatal(err)
	}
	bare, err := cs.Create(ctx, root, cases.NewCase{Title: "Leak in SecretRouter 3000"}) // no coordinator organisation
	if err != nil {
		t.Fatal(err)
	}
	ds := deadlines.NewService(db, now, deadlines.Config{BaseURL: "https://parley.test"})
	acmeID := parts[0].ID
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := deadlines.SetMany(ctx, tx, clock, []deadlines.Deadline{
			{CaseID: led.ID, ParticipantID: acmeID, Kind: deadlines.FixConfirm, DueAt: clock.Add(4 * 24 * time.Hour), Zone: "America/New_York"},
			{CaseID: led.ID, ParticipantID: acmeID, Kind: deadlines.Statement, DueAt: clock.Add(4 * 24 * time.Hour)},
			{CaseID: led.ID, Kind: deadlines.EmbargoEnd, DueAt: clock.Add(9 * 24 * time.Hour), Zone: "Europe/Berlin"},
			{CaseID: bare.ID, Kind: deadlines.EmbargoEnd, DueAt: clock.Add(9 * 24 * time.Hour)},
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(2 * 24 * time.Hour)
	if n, err := ds.Sweep(ctx, clock); err != nil || n != 4 {
		t.Fatalf("sweep: %d, %v", n, err)
	}
	err = db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := deadlines.Meet(ctx, tx, clock, led.ID, acmeID, deadlines.Statement)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}

	srv, n, r := startNotifier(t, db, users, now)
	n.RegisterDeadlines(r, ds, cs)
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	reminders := map[string]string{}
	// The vendor notices are left alone: nobody handles them here.
	for _, m := range srv.Wait(3, 5*time.Second) {
		body := strings.ReplaceAll(string(m.Data), "=\r\n", "")
		if strings.Contains(body, "reminder") {
			if reminders[m.To[0]] != "" {
				t.Errorf("%s got two reminders", m.To[0])
			}
			reminders[m.To[0]] = body
		}
	}
	want := map[string][]string{
		"psirt@acme.example": {"[" + led.Key + "] Parley reminder: confirm the fix, due in 2 days", "owed by Acme",
			"Tue 2026-05-05 12:00 UTC", "Tue 2026-05-05 08:00 EDT (America/New_York)", "https://parley.test/cases/" + led.Key},
		"cert@cert.example": {"[" + led.Key + "] Parley reminder: embargo ends, due in 7 days", "Hello CERT",
			"(Europe/Berlin)", "https://parley.test/cases/" + led.Key},
		"duty@cert.example": {"[" + bare.Key + "] Parley reminder: embargo ends", "Hello Duty Officer", "https://parley.test/cases/" + bare.Key},
	}
	if len(reminders) != len(want) {
		t.Fatalf("reminders went to %v", keys(reminders))
	}
	for to, parts := range want {
		body := reminders[to]
		for _, p := range parts {
			if !strings.Contains(body, p) {
				t.Errorf("the reminder to %s lacks %q:\n%s", to, p, body)
			}
		}
		if strings.Contains(body, "SecretRouter") || strings.Contains(body, "statement") {
			t.Errorf("the reminder to %s says too much:\n%s", to, body)
		}
	}
}
