package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/config"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// TestMetricsSkill records a case's events through the case service and
// reads the skill report back with `parley metrics skill`.
func TestMetricsSkill(t *testing.T) {
	e := &e2e{t: t, env: map[string]string{"PARLEY_DATA": t.TempDir(), "PARLEY_DATABASE_URL": storetest.DSN(t), "PARLEY_LOG_LEVEL": "warn"}}
	ctx := context.Background()
	cfg, _, err := config.Load("test", nil, e.getenv, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	u, err := a.users.CreateAdmin(ctx, auth.NewUser{Email: "root@cert.example", Name: "Root", Password: "correct horse battery", Staff: true})
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Principal{UserID: u.ID, Email: u.Email, Admin: true, Staff: true}
	acme, _ := a.orgs.Create(ctx, p, org.Fields{Name: "Acme", Kind: org.Vendor})
	c, err := a.cases.Create(ctx, p, cases.NewCase{Title: "A case"})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := a.cases.AddParticipants(ctx, p, c.ID, []cases.NewParticipant{{OrgID: acme.ID, Roles: []cases.Role{cases.RoleVendor}}})
	if err != nil {
		t.Fatal(err)
	}
	vendor := protocol.CaseEvent{Event: protocol.FixReady, Vendor: itoa(ps[0].ID)}
	for _, ev := range []protocol.CaseEvent{vendor, {Event: protocol.PublicAware}} { // V F P
		if _, err := a.cases.RecordCS(ctx, p, c.ID, ev); err != nil {
			t.Fatal(err)
		}
	}
	a.close()

	var rep skillJSON
	if err := json.Unmarshal([]byte(e.must("", "metrics", "skill", "--format", "json")), &rep); err != nil {
		t.Fatal(err)
	}
	met := map[string]int{}
	for _, r := range rep.Desiderata {
		met[r.Desideratum] = r.Met
	}
	if rep.Histories != 1 || met["V<P"] != 1 || met["F<P"] != 1 || met["D<P"] != 0 {
		t.Fatalf("report %+v", rep)
	}
	if out := e.must("", "metrics", "skill", "--since", "2999-01-01", "--format", "json"); !json.Valid([]byte(out)) {
		t.Fatalf("not JSON: %s", out)
	}
}
