package api_test

import (
	"context"
	"testing"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/store"
)

// newCreditEnv is an instance with credits served: certAndVendors (CERT
// with its staff member, the vendors Acme, Globex and Initech, a token
// each and a read-only one, "-ro"),
// Fay, who found the bug and takes part in nothing ({fayID}), and a case
// led by CERT with Acme and Globex: {key}, with a vulnerability {vuln};
// another case's vulnerability is {otherVuln}.
func newCreditEnv(t *testing.T) (*caseEnv, *store.DB) {
	t.Helper()
	f := newFixture(t, may1, func(f *fixture, d *api.Deps) { d.Credits = credits.NewService(f.db, f.clock, f.cases) })
	f.signUp(t, certAndVendors...)
	ctx := context.Background()
	fay, err := f.users.CreateUser(ctx, f.admin, auth.NewUser{Email: "fay@example.net", Name: "Fay", Password: pw})
	if err != nil {
		t.Fatal(err)
	}
	f.vars["fayID"] = itoa(fay.ID)
	login(t, f.users, f.tokens, "fay", "fay@example.net", true)
	c, _ := f.openCase(t, cases.NewCase{Title: "Router login bypass"}, "acme", "globex")
	v, err := f.cases.AddVulnerability(ctx, f.admin, c.ID, cases.VulnFields{Title: "Login bypass"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.cases.Create(ctx, f.admin, cases.NewCase{Title: "Another", CoordinatorOrgID: f.orgIDs["staff"]})
	if err != nil {
		t.Fatal(err)
	}
	ov, err := f.cases.AddVulnerability(ctx, f.admin, other.ID, cases.VulnFields{Title: "Elsewhere"})
	if err != nil {
		t.Fatal(err)
	}
	f.vars["vuln"], f.vars["otherVuln"] = itoa(v.ID), itoa(ov.ID)
	return f.caseEnv, f.db
}

func TestCreditScenarios(t *testing.T) {
	t.Parallel()
	e, db := newCreditEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	patch := func(as, path, body string) call { return call{as: as, method: "PATCH", path: path, body: body} }
	list := "/api/v1/cases/{key}/credits"
	journal := func() int {
		var n int
		if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM journal`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	printed := func(want ...string) func(m map[string]any) bool {
		return func(m map[string]any) bool {
			var got []string
			for _, c := range items(m) {
				got = append(got, c["type"].(string)+":"+c["printed"].(string))
			}
			return sameStrings(got, want...)
		}
	}
	steps := []caseStep{
		{name: "staff credits Fay as finder of the vulnerability", call: post("staff", list, `{"type":"finder","user_id":{fayID},"vulnerability_id":{vuln}}`),
			status: 201, check: func(m map[string]any) bool {
				return m["status"] == "proposed" && m["printed"] == "Fay" && num(m["user_id"]) == e.vars["fayID"] && m["version"] == float64(1)
			}, save: func(m map[string]any) { e.vars["fay"] = num(m["id"]) }},
		{name: "staff credits a name without an account", call: post("staff", list, `{"type":"analyst","name":"Ada Lovelace","email":"ada@example.org"}`),
			status: 201, save: func(m map[string]any) { e.vars["ada"] = num(m["id"]) }},
		{name: "a vendor sees no proposed credit", call: get("acme", list), status: 200, check: printed()},
		{name: "Fay does not see the case", call: get("fay", list), status: 404, code: "not_found"},
		{name: "Fay finds her credit", call: get("fay", "/api/v1/me/credits"), status: 200, check: func(m map[string]any) bool {
			it := items(m)
			return len(it) == 1 && it[0]["case_key"] == e.vars["key"] && it[0]["case_title"] == "Router login bypass"
		}},
		{name: "journal before the refusals", call: get("staff", list), status: 200, check: printed("finder:Fay", "analyst:Ada Lovelace"),
			save: func(map[string]any) { e.vars["journal"] = itoa(int64(journal())) }},
		// Refusals: each with its kind and field, and nothing written.
		{name: "unknown type", call: post("staff", list, `{"type":"hero","name":"x"}`), status: 422, code: "invalid", field: "type"},
		{name: "no one credited", call: post("staff", list, `{"type":"finder"}`), status: 422, code: "invalid", field: "name"},
		{name: "another case's vulnerability", call: post("staff", list, `{"type":"finder","name":"x","vulnerability_id":{otherVuln}}`), status: 422, code: "invalid", field: "vulnerability_id"},
		{name: "unknown field", call: post("staff", list, `{"type":"finder","name":"x","hero":true}`), status: 422, code: "invalid", field: "hero"},
		{name: "a vendor proposes", call: post("acme", list, `{"type":"finder","name":"x"}`), status: 403, code: "forbidden"},
		{name: "read-only token", call: post("staff-ro", list, `{"type":"finder","name":"x"}`), status: 403, code: "forbidden"},
		{name: "a stale edit", call: patch("staff", list+"/{ada}", `{"version":9,"type":"tool"}`), status: 409, code: "conflict"},
		{name: "staff accepts Fay's credit", call: patch("staff", list+"/{fay}", `{"version":1,"status":"accepted","reason":"x"}`), status: 403, code: "forbidden"},
		{name: "staff answers as Fay", call: post("staff", "/api/v1/me/credits/{fay}/answer", `{"answer":"accept"}`), status: 403, code: "forbidden"},
		{name: "a vendor answers as Fay", call: post("acme", "/api/v1/me/credits/{fay}/answer", `{"answer":"accept"}`), status: 404, code: "not_found"},
		{name: "an unknown answer", call: post("fay", "/api/v1/me/credits/{fay}/answer", `{"answer":"maybe"}`), status: 422, code: "invalid", field: "answer"},
		{name: "a withdrawal without version", call: call{as: "staff", method: "DELETE", path: list + "/{ada}"}, status: 422, code: "invalid", field: "version"},
		{name: "nothing was written", call: get("staff", list), status: 200, check: func(map[string]any) bool { return itoa(int64(journal())) == e.vars["journal"] }},

		{name: "Fay accepts anonymously", call: post("fay", "/api/v1/me/credits/{fay}/answer", `{"answer":"accept","anonymous":true,"version":1}`),
			status: 200, check: func(m map[string]any) bool {
				return m["status"] == "accepted" && m["printed"] == "Anonymous" && m["anonymous"] == true
			}},
		{name: "staff accepts for Ada with a reason", call: patch("staff", list+"/{ada}", `{"version":1,"status":"accepted","printed_name":"A. Lovelace","reason":"Asked by e-mail"}`),
			status: 200, check: func(m map[string]any) bool { return m["printed"] == "A. Lovelace" && m["reason"] == "Asked by e-mail" }},
		{name: "a vendor sees the accepted credits as printed", call: get("globex", list), status: 200, check: func(m map[string]any) bool {
			for _, c := range items(m) {
				if c["redacted"] != true || c["user_id"] != nil || c["email"] != nil || c["reason"] != nil {
					return false
				}
			}
			return printed("finder:Anonymous", "analyst:A. Lovelace")(m)
		}},
		{name: "staff withdraws Ada's credit", call: call{as: "staff", method: "DELETE", path: list + "/{ada}?version=2"}, status: 204},
		{name: "it is gone", call: get("staff", list), status: 200, check: printed("finder:Anonymous")},
		{name: "Fay declines after all", call: post("fay", "/api/v1/me/credits/{fay}/answer", `{"answer":"decline"}`),
			status: 200, check: func(m map[string]any) bool { return m["status"] == "declined" && m["anonymous"] == false }},
		{name: "the vendor sees none", call: get("acme", list), status: 200, check: printed()},
	}
	e.run(t, steps)
}
