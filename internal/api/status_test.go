package api_test

import (
	"context"
	"testing"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/status"
	"github.com/parleycvd/parley/internal/store"
)

// newStatusEnv is an instance with vendor status served: CERT (its member
// is staff), the vendors Acme, Globex and Initech, a token each (and a
// read-only one, "-ro"), and a case led by CERT with Acme and Globex and
// two vulnerabilities: {key}, {v1} (with a CVE ID) and {v2}.
func newStatusEnv(t *testing.T) (*caseEnv, *store.DB) {
	t.Helper()
	f := newFixture(t, may1, func(f *fixture, d *api.Deps) {
		d.Status = status.NewService(f.db, f.clock, f.cases, status.Config{BaseURL: "https://parley.test"})
	})
	f.signUp(t, certAndVendors...)
	c, _ := f.openCase(t, cases.NewCase{Title: "Router login bypass",
		Vulnerabilities: []cases.VulnFields{{Title: "Login bypass", CVE: "CVE-2026-4242"}, {Title: "Session fixation"}}}, "acme", "globex")
	f.vars["v1"], f.vars["v2"] = itoa(c.Vulnerabilities[0].ID), itoa(c.Vulnerabilities[1].ID)
	return f.caseEnv, f.db
}

func TestVendorStatusScenarios(t *testing.T) {
	t.Parallel()
	e, db := newStatusEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	patch := func(as, path, body string) call { return call{as: as, method: "PATCH", path: path, body: body} }
	list, one := "/api/v1/cases/{key}/status", "/api/v1/cases/{key}/status/{s}"
	journal := func() string {
		var n int64
		if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM journal`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return itoa(n)
	}
	e.run(t, []caseStep{
		{name: "acme states", call: post("acme", list, `{"vulnerability_id":{v1},"product":"Acme Router","purl":"pkg:deb/acme/router",
			"versions":">= 2.0 < 2.4.1","status":"affected","action_statement":"Update to 2.4.1.","references":["https://acme.example/a/1"]}`),
			status: 201, check: func(m map[string]any) bool {
				return m["vendor"] == "Acme" && m["vulnerability"] == "CVE-2026-4242" && m["versions"] == ">=2.0 <2.4.1" &&
					m["approval"] == "draft" && m["version"] == 1.0 && m["shared"] == false
			}, save: func(m map[string]any) { e.vars["s"], e.vars["journal"] = num(m["id"]), journal() }},
	})
	refusals := []caseStep{
		{name: "not affected without justification", call: post("acme", list, `{"vulnerability_id":{v2},"product":"Acme Router","status":"not_affected"}`),
			status: 422, code: "invalid", field: "justification"},
		{name: "unknown justification", call: post("acme", list, `{"vulnerability_id":{v2},"product":"Acme Router","status":"not_affected","justification":"trust us"}`),
			status: 422, code: "invalid", field: "justification"},
		{name: "fixed without version", call: post("acme", list, `{"vulnerability_id":{v2},"product":"Acme Router","status":"fixed"}`),
			status: 422, code: "invalid", field: "fixed_version"},
		{name: "bad range", call: post("acme", list, `{"vulnerability_id":{v2},"product":"Acme Router","status":"under_investigation","versions":">3 <2"}`),
			status: 422, code: "invalid", field: "versions"},
		{name: "not a URL", call: post("acme", list, `{"vulnerability_id":{v2},"product":"Acme Router","status":"under_investigation","references":["ftp://x"]}`),
			status: 422, code: "invalid", field: "references[0]"},
		{name: "no such vulnerability", call: post("acme", list, `{"vulnerability_id":999,"product":"Acme Router","status":"under_investigation"}`),
			status: 422, code: "invalid", field: "vulnerability_id"},
		{name: "unknown field", call: post("acme", list, `{"vulnerability_id":{v2},"product":"x","status":"fixed","fixed_version":"1","colour":"red"}`),
			status: 422, code: "invalid", field: "colour"},
		{name: "read-only token", call: post("acme-ro", list, `{"vulnerability_id":{v2},"product":"Acme Router","status":"under_investigation"}`),
			status: 403, code: "forbidden"},
		{name: "the coordinator states", call: post("staff", list, `{"vulnerability_id":{v2},"product":"CERT tool","status":"under_investigation"}`),
			status: 403, code: "forbidden"},
		{name: "an outsider states", call: post("outsider", list, `{"vulnerability_id":{v2},"product":"x","status":"under_investigation"}`),
			status: 404, code: "not_found"},
		{name: "globex edits acme's", call: patch("globex", one, `{"statement":"mine now","version":1}`), status: 404, code: "not_found"},
		{name: "the coordinator edits", call: patch("staff", one, `{"statement":"x","version":1}`), status: 403, code: "forbidden"},
		{name: "stale version", call: patch("acme", one, `{"statement":"x","version":7}`), status: 409, code: "conflict"},
		{name: "acme approves", call: post("acme", one+"/approve", `{"version":1}`), status: 403, code: "forbidden"},
		{name: "nothing to export", call: get("staff", "/api/v1/cases/{key}/vex"), status: 409, code: "conflict"},
		{name: "a bad filter", call: get("staff", list+"?status=bogus"), status: 422, code: "invalid", field: "status"},
	}
	e.run(t, refusals)
	e.run(t, []caseStep{
		{name: "the refusals wrote nothing", call: get("acme", one), status: 200, check: func(map[string]any) bool { return journal() == e.vars["journal"] }},
		{name: "globex reads nothing", call: get("globex", list), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 0 }},
		{name: "globex gets nothing", call: get("globex", one), status: 404, code: "not_found"},
		{name: "an outsider lists", call: get("outsider", list), status: 404, code: "not_found"},
		{name: "acme shares", call: patch("acme", one, `{"shared":true,"version":1}`), status: 200,
			check: func(m map[string]any) bool {
				return m["shared"] == true && m["version"] == 2.0 && m["status"] == "affected"
			}},
		{name: "globex reads it", call: get("globex", list+"?vulnerability={v1}"), status: 200,
			check: func(m map[string]any) bool { return len(items(m)) == 1 && items(m)[0]["vendor"] == "Acme" }},
		{name: "the coordinator approves", call: post("staff", one+"/approve", `{"version":2}`), status: 200,
			check: func(m map[string]any) bool {
				return m["approval"] == "approved" && m["approved_by"] == "staff@cert.example" && m["approved_at"] != nil
			}},
		{name: "the approved filter", call: get("staff-ro", list+"?approval=approved"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 1 }},
		{name: "a vendor exports", call: get("acme", "/api/v1/cases/{key}/vex"), status: 403, code: "forbidden"},
		{name: "the coordinator exports", call: get("staff-ro", "/api/v1/cases/{key}/vex"), status: 200, check: func(m map[string]any) bool {
			sts, _ := m["statements"].([]any)
			if len(sts) != 1 || m["@context"] != status.OpenVEXContext || m["version"] != 1.0 {
				return false
			}
			st, _ := sts[0].(map[string]any)
			vuln, _ := st["vulnerability"].(map[string]any)
			return vuln["name"] == "CVE-2026-4242" && st["status"] == "affected" && st["action_statement"] == "Update to 2.4.1."
		}},
		{name: "acme moves to fixed", call: patch("acme", one, `{"status":"fixed","fixed_version":"2.4.1","version":3}`), status: 200,
			check: func(m map[string]any) bool {
				return m["approval"] == "draft" && m["status"] == "fixed" && m["version"] == 4.0
			}},
		{name: "unapprove a draft", call: post("staff", one+"/unapprove", `{"version":4}`), status: 409, code: "conflict"},
		{name: "approve again", call: post("staff", one+"/approve", `{"version":4}`), status: 200},
		{name: "unapprove", call: post("staff", one+"/unapprove", `{"version":5}`), status: 200,
			check: func(m map[string]any) bool { return m["approval"] == "draft" && m["approved_at"] == nil }},
	})
}
