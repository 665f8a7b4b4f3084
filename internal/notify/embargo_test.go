package notify_test

import (
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/protocol"
)

// TestEmbargoNotices: every participant but the proposer hears of a
// proposal with its terms in UTC and in the proposer's zone; everyone hears
// when going public ends the embargo. No notice names the vulnerability.
func TestEmbargoNotices(t *testing.T) {
	at := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return at }
	f := newFixture(t, now)
	ctx, orgs, cs, p := f.ctx, f.orgs, f.cases, f.root
	coord, _ := orgs.Create(ctx, p, org.Fields{Name: "CERT", Kind: org.Coordinator, SecurityEmail: "cert@cert.example"})
	acme, _ := orgs.Create(ctx, p, org.Fields{Name: "Acme", Kind: org.Vendor, SecurityEmail: "psirt@acme.example"})
	bolt, _ := orgs.Create(ctx, p, org.Fields{Name: "Bolt", Kind: org.Vendor, SecurityEmail: "psirt@bolt.example"})
	c, err := cs.Create(ctx, p, cases.NewCase{Title: "Heap overflow in SecretRouter", CoordinatorOrgID: coord.ID})
	if err != nil {
		t.Fatal(err)
	}
	vendor := []cases.Role{cases.RoleVendor}
	if _, err := cs.AddParticipants(ctx, p, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: vendor}, {OrgID: bolt.ID, Roles: vendor}}); err != nil {
		t.Fatal(err)
	}
	srv, n, r := startNotifier(t, f.db, f.users, now)
	n.Register(r)
	n.RegisterCases(r, cs)
	if _, err := r.Drain(ctx); err != nil { // the vendor notices
		t.Fatal(err)
	}
	srv.Wait(2, 5*time.Second)
	ends := time.Date(2026, 6, 15, 15, 0, 0, 0, time.UTC)
	if _, err := cs.ProposeEmbargo(ctx, p, c.ID, 0, cases.Terms{EndsAt: ends, Zone: "Europe/Berlin"}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(4, 5*time.Second)[2:]
	proposed := map[string]string{}
	for _, m := range got {
		proposed[m.To[0]] = strings.ReplaceAll(string(m.Data), "=\r\n", "")
	}
	if len(proposed) != 2 || proposed["cert@cert.example"] != "" {
		t.Fatalf("the proposal was announced to %v, want the two vendors, not the proposer", keys(proposed))
	}
	for to, body := range proposed {
		for _, want := range []string{"Subject: [" + c.Key + "] Parley: embargo proposed", "2026-06-15 17:00 Europe/Berlin (2026-06-15 15:00 UTC)",
			"https://parley.test/cases/" + c.Key + "/embargo"} {
			if !strings.Contains(body, want) {
				t.Errorf("notice to %s lacks %q:\n%s", to, want, body)
			}
		}
		if strings.Contains(body, "SecretRouter") {
			t.Errorf("notice to %s names the case's details:\n%s", to, body)
		}
	}
	if _, err := cs.RecordCS(ctx, p, c.ID, protocol.CaseEvent{Event: protocol.PublicAware}); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	ended := map[string]bool{}
	for _, m := range srv.Wait(7, 5*time.Second)[4:] {
		if strings.Contains(string(m.Data), "embargo proposal rejected") {
			ended[m.To[0]] = true
		}
	}
	if len(ended) != 3 {
		t.Fatalf("going public told %v that the proposal was rejected, want all three", ended)
	}
}
