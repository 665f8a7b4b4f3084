package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

// TestSilentVendorMails runs a silent vendor's escalation with an injected
// clock: the reminder goes to the security contact, the next mail to the
// vendor's other members, the flag to the coordinators; each reminder
// counts as a contact attempt.
func TestSilentVendorMails(t *testing.T) {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	f := newFixture(t, now)
	ctx, orgs, cs, p := f.ctx, f.orgs, f.cases, f.root
	coord, _ := orgs.Create(ctx, p, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := orgs.Create(ctx, p, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	if _, err := orgs.AddMember(ctx, p, acme.ID, "cto@acme.example", "CTO", auth.OrgMember); err != nil {
		t.Fatal(err)
	}
	c, err := cs.Create(ctx, p, cases.NewCase{Title: "Heap overflow in SecretRouter", CoordinatorOrgID: coord.ID})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cs.AddParticipants(ctx, p, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}}); err != nil {
		t.Fatal(err)
	}
	srv, n, r := startNotifier(t, f.db, f.users, now)
	n.Register(r)
	n.RegisterCases(r, cs)
	drain := func() {
		t.Helper()
		if _, err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
	}
	drain() // the first notice (and the CTO's invitation)
	sent := len(srv.Wait(2, 5*time.Second))
	step := func(days int, wantTo string, wantText string) {
		t.Helper()
		at = time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(days) * 24 * time.Hour)
		if k, err := cs.Escalate(ctx, at); err != nil || k != 1 {
			t.Fatalf("day %d: %d steps, %v", days, k, err)
		}
		drain()
		got := srv.Wait(sent+1, 5*time.Second)
		m := got[len(got)-1]
		body := strings.ReplaceAll(string(m.Data), "=\r\n", "")
		if m.To[0] != wantTo || !strings.Contains(body, wantText) || strings.Contains(body, "SecretRouter") {
			t.Fatalf("day %d: mail to %v:\n%s", days, m.To, body)
		}
		sent = len(got)
	}
	step(7, "psirt@acme.example", "a week ago and have not heard")
	step(14, "cto@acme.example", "another contact of Acme")
	step(42, "cert@cert.example", "Acme is unresponsive")
	list, err := cs.Participants(ctx, p, c.ID, cases.ParticipantFilter{Role: cases.RoleVendor})
	if err != nil || len(list) != 1 || list[0].ContactAttempts != 3 || list[0].UnresponsiveAt.IsZero() {
		t.Fatalf("Acme after the escalation: %+v, %v", list, err)
	}
}
