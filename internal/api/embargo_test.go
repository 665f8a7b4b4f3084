package api_test

import (
	"testing"
)

// TestPolicyScenarios: an organisation's admins publish its disclosure
// policy; anyone reads a published one; bad input names its field.
func TestPolicyScenarios(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	put := func(as, path, body string) call { return call{as: as, method: "PUT", path: path, body: body} }
	e.run(t, []caseStep{
		{name: "presets", call: get("acme", "/api/v1/policies/presets"), status: 200},
		{name: "unpublished, anonymous", call: get("", "/api/v1/orgs/{acmeOrg}/policy"), status: 404, code: "not_found"},
		{name: "unpublished, signed in", call: get("globex", "/api/v1/orgs/{acmeOrg}/policy"), status: 200,
			check: func(m map[string]any) bool {
				return m["published"] == false && m["days"] == 45.0 && m["preset"] == "cert-45"
			}},
		{name: "another org's admin", call: put("globex", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"max-7"}`), status: 403, code: "forbidden"},
		{name: "unknown preset", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"forever"}`), status: 422, code: "invalid", field: "preset"},
		{name: "too many days", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"days":400,"counts_from":"report"}`),
			status: 422, code: "invalid", field: "days"},
		{name: "unknown event", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"days":30,"counts_from":"full moon"}`),
			status: 422, code: "invalid", field: "counts_from"},
		{name: "long without reason", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"days":120,"counts_from":"report"}`),
			status: 422, code: "invalid", field: "justification"},
		{name: "publish", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"90-30","statement":"We fix within 90 days."}`), status: 200,
			check: func(m map[string]any) bool {
				return m["published"] == true && m["days"] == 120.0 && m["version"] == 1.0 && m["justification"] != ""
			}},
		{name: "stale version", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"max-7","version":0}`), status: 409, code: "conflict"},
		{name: "published, anonymous", call: get("", "/api/v1/orgs/{acmeOrg}/policy"), status: 200,
			check: func(m map[string]any) bool { return m["statement"] == "We fix within 90 days." }},
		{name: "no such org", call: get("acme", "/api/v1/orgs/999999/policy"), status: 404, code: "not_found"},
	})
}

// TestCRAScenarios marks a case for the EU CRA and records its reports.
func TestCRAScenarios(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	put := func(as, path, body string) call { return call{as: as, method: "PUT", path: path, body: body} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	clock := func(m map[string]any, i int) string {
		cl, _ := m["clocks"].([]any)
		if len(cl) != 3 {
			return ""
		}
		c, _ := cl[i].(map[string]any)
		s, _ := c["state"].(string)
		return s
	}
	e.run(t, []caseStep{
		{name: "create", call: post("staff", "/api/v1/cases", `{"title":"Exploited router bug"}`), status: 201,
			save: func(m map[string]any) { e.vars["key"] = m["key"].(string) }},
		{name: "add Acme", call: post("staff", "/api/v1/cases/{key}/participants", `{"participants":[{"org_id":{acmeOrg},"roles":["vendor"]}]}`),
			status: 201, save: func(m map[string]any) { e.vars["acmeP"] = num(items(m)[0]["id"]) }},
		{name: "not marked", call: get("staff", "/api/v1/cases/{key}/cra"), status: 404, code: "not_found"},
		{name: "aware in the future", call: put("acme", "/api/v1/cases/{key}/cra", `{"manufacturer_id":{acmeP},"aware_at":"2026-05-02T12:00:00Z"}`),
			status: 422, code: "invalid", field: "aware_at"},
		{name: "outsider marks", call: put("outsider", "/api/v1/cases/{key}/cra", `{"manufacturer_id":{acmeP},"aware_at":"2026-05-01T06:00:00Z"}`),
			status: 404, code: "not_found"},
		{name: "mark", call: put("acme", "/api/v1/cases/{key}/cra", `{"manufacturer_id":{acmeP},"aware_at":"2026-05-01T06:00:00Z"}`), status: 200,
			check: func(m map[string]any) bool {
				return clock(m, 0) == "due" && clock(m, 2) == "waiting" && m["version"] == 1.0
			}},
		{name: "mark twice", call: put("acme", "/api/v1/cases/{key}/cra", `{"manufacturer_id":{acmeP},"aware_at":"2026-05-01T06:00:00Z"}`),
			status: 409, code: "conflict"},
		{name: "unknown report", call: post("acme", "/api/v1/cases/{key}/cra/reports", `{"report":"fax"}`), status: 422, code: "invalid", field: "report"},
		{name: "final before the fix", call: post("acme", "/api/v1/cases/{key}/cra/reports", `{"report":"final_report"}`), status: 409, code: "conflict"},
		{name: "early warning", call: post("acme", "/api/v1/cases/{key}/cra/reports", `{"report":"early_warning","reference":"EW-1"}`), status: 200,
			check: func(m map[string]any) bool { return clock(m, 0) == "made" && clock(m, 1) == "due" }},
		{name: "read", call: get("staff", "/api/v1/cases/{key}/cra"), status: 200,
			check: func(m map[string]any) bool { return m["manufacturer"] == "Acme" && m["version"] == 2.0 }},
	})
}

// TestVendorListScenarios: staff save nested vendor lists and add one to a
// case; vendors may not read them; a cycle is refused.
func TestVendorListScenarios(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	put := func(as, path, body string) call { return call{as: as, method: "PUT", path: path, body: body} }
	e.run(t, []caseStep{
		{name: "a vendor saves a list", call: post("acme", "/api/v1/vendor-lists", `{"name":"Mine"}`), status: 403, code: "forbidden"},
		{name: "unknown org", call: post("staff", "/api/v1/vendor-lists", `{"name":"DNS","orgs":[999999]}`), status: 422, code: "invalid", field: "orgs"},
		{name: "save", call: post("staff", "/api/v1/vendor-lists", `{"name":"DNS","orgs":[{acmeOrg}]}`), status: 201,
			save: func(m map[string]any) { e.vars["dns"] = num(m["id"]) }},
		{name: "nest", call: post("staff", "/api/v1/vendor-lists", `{"name":"Infrastructure","orgs":[{globexOrg}],"sublists":[{dns}]}`), status: 201,
			save: func(m map[string]any) { e.vars["infra"] = num(m["id"]) }},
		{name: "a cycle", call: put("staff", "/api/v1/vendor-lists/{dns}", `{"name":"DNS","sublists":[{infra}],"version":1}`),
			status: 422, code: "invalid", field: "sublists"},
		{name: "read", call: get("staff", "/api/v1/vendor-lists/{infra}"), status: 200,
			check: func(m map[string]any) bool {
				s, _ := m["sublists"].([]any)
				o, _ := m["orgs"].([]any)
				return len(s) == 1 && len(o) == 1
			}},
		{name: "a vendor reads", call: get("acme", "/api/v1/vendor-lists"), status: 403, code: "forbidden"},
		{name: "create a case", call: post("staff", "/api/v1/cases", `{"title":"Resolver cache poisoning"}`), status: 201,
			save: func(m map[string]any) { e.vars["key"] = m["key"].(string) }},
		{name: "add the list", call: post("staff", "/api/v1/cases/{key}/participants/from-list", `{"vendor_list":{infra}}`), status: 201,
			check: func(m map[string]any) bool { return len(items(m)) == 2 }},
		{name: "add it again", call: post("staff", "/api/v1/cases/{key}/participants/from-list", `{"vendor_list":{infra}}`), status: 201,
			check: func(m map[string]any) bool { return len(items(m)) == 0 }},
		{name: "a bad role", call: post("staff", "/api/v1/cases/{key}/participants/from-list", `{"vendor_list":{infra},"roles":["king"]}`),
			status: 422, code: "invalid", field: "roles"},
		{name: "no list", call: post("staff", "/api/v1/cases/{key}/participants/from-list", `{}`), status: 422, code: "invalid", field: "vendor_list"},
		{name: "delete", call: call{as: "staff", method: "DELETE", path: "/api/v1/vendor-lists/{dns}"}, status: 204},
	})
}
