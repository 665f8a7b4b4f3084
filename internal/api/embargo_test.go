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
			check: func(m map[string]any) bool { return m["published"] == false && m["days"] == 45.0 && m["preset"] == "cert-45" }},
		{name: "another org's admin", call: put("globex", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"max-7"}`), status: 403, code: "forbidden"},
		{name: "unknown preset", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"forever"}`), status: 422, code: "invalid", field: "preset"},
		{name: "too many days", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"days":400,"counts_from":"report"}`),
			status: 422, code: "invalid", field: "days"},
		{name: "unknown event", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"days":30,"counts_from":"full moon"}`),
			status: 422, code: "invalid", field: "counts_from"},
		{name: "long without reason", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"days":120,"counts_from":"report"}`),
			status: 422, code: "invalid", field: "justification"},
		{name: "publish", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"90-30","statement":"We fix within 90 days."}`), status: 200,
			check: func(m map[string]any) bool { return m["published"] == true && m["days"] == 120.0 && m["version"] == 1.0 && m["justification"] != "" }},
		{name: "stale version", call: put("acme", "/api/v1/orgs/{acmeOrg}/policy", `{"preset":"max-7","version":0}`), status: 409, code: "conflict"},
		{name: "published, anonymous", call: get("", "/api/v1/orgs/{acmeOrg}/policy"), status: 200,
			check: func(m map[string]any) bool { return m["statement"] == "We fix within 90 days." }},
		{name: "no such org", call: get("acme", "/api/v1/orgs/999999/policy"), status: 404, code: "not_found"},
	})
}
