package api_test

import "testing"

// TestProgramScenarios: an organisation's admin writes its program;
// anyone reads it once published, with the disclosure policy.
func TestProgramScenarios(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	put := func(as, path, body string) call { return call{as: as, method: "PUT", path: path, body: body} }
	e.run(t, []caseStep{
		{name: "none yet", call: get("", "/api/v1/programs"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 0 }},
		{name: "anonymous writes", call: put("", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme"}`), status: 401, code: "unauthenticated"},
		{name: "another org's admin", call: put("globex", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme"}`), status: 403, code: "forbidden"},
		{name: "staff are no org admins", call: put("staff", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme"}`), status: 403, code: "forbidden"},
		{name: "read-only token", call: put("acme-ro", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme"}`), status: 403, code: "forbidden"},
		{name: "bad slug", call: put("acme", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"Acme Routers"}`), status: 422, code: "invalid", field: "slug"},
		{name: "unknown field", call: put("acme", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme","reward":100}`), status: 422, code: "invalid", field: "reward"},
		{name: "publish without scope", call: put("acme", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme","published":true}`),
			status: 422, code: "invalid", field: "scope_in"},
		{name: "draft", call: put("acme", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme","scope_in":"The R9000 router"}`), status: 200,
			check: func(m map[string]any) bool {
				return m["version"] == 1.0 && m["published"] == false && m["ack_days"] == 0.0 && m["ack_business_days"] == 2.0 &&
					m["report_url"] == "/report?program=acme"
			}},
		{name: "draft hidden from others", call: get("globex", "/api/v1/programs/acme"), status: 404, code: "not_found"},
		{name: "draft previewed by its admin", call: get("acme-ro", "/api/v1/programs/acme"), status: 200},
		{name: "stale version", call: put("acme", "/api/v1/orgs/{acmeOrg}/program", `{"slug":"acme","scope_in":"x","version":0}`), status: 409, code: "conflict"},
		{name: "taken slug", call: put("globex", "/api/v1/orgs/{globexOrg}/program", `{"slug":"acme","scope_in":"x"}`), status: 409, code: "conflict", field: "slug"},
		{name: "publish", call: put("acme", "/api/v1/orgs/{acmeOrg}/program",
			`{"slug":"acme","scope_in":"The R9000 router","scope_out":"Our website","safe_harbour":"We will not sue.","ack_days":5,"published":true,"version":1}`),
			status: 200, check: func(m map[string]any) bool {
				return m["version"] == 2.0 && m["published"] == true && m["ack_business_days"] == 5.0
			}},
		{name: "anonymous reads it with the policy", call: get("", "/api/v1/programs/ACME"), status: 200, check: func(m map[string]any) bool {
			pol, _ := m["policy"].(map[string]any)
			return m["org_name"] == "Acme" && m["org_kind"] == "vendor" && m["safe_harbour"] == "We will not sue." &&
				pol != nil && pol["days"] == 45.0 && pol["published"] == false
		}},
		{name: "listed", call: get("", "/api/v1/programs?limit=1"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["slug"] == "acme" && l[0]["policy"] == nil && m["next_cursor"] != nil
		}},
		{name: "bad cursor", call: get("", "/api/v1/programs?cursor=zzz"), status: 422, code: "invalid", field: "cursor"},
		{name: "no such program", call: get("", "/api/v1/programs/nothing"), status: 404, code: "not_found"},
		{name: "not an organisation ID", call: put("acme", "/api/v1/orgs/abc/program", `{"slug":"x1"}`), status: 404, code: "not_found"},
	})
}
