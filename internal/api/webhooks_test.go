package api_test

import (
	"context"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/webhooks"
)

// newWebhookEnv is an instance with webhooks (and SSVC) served: CERT's
// staff member, the admins of Acme and Globex and a plain member of Acme
// ("acmedev"), each with a token and a read-only one ("-ro"), and the orgs
// {staffOrg}, {acmeOrg} and {globexOrg}. (Delivering webhooks is the
// webhooks package's to test, with the jobs runner.)
func newWebhookEnv(t *testing.T) (*caseEnv, *webhooks.Service) {
	t.Helper()
	var hooks *webhooks.Service
	f := newFixture(t, may1, func(f *fixture, d *api.Deps) {
		hooks = webhooks.NewService(f.db, f.clock, f.cases, webhooks.Config{Timeout: 5 * time.Second, AllowPrivate: true})
		d.SSVC, d.Webhooks = newSSVC(t), hooks
	})
	f.signUp(t, certAndVendors[0], certAndVendors[1], certAndVendors[2], person{who: "acmedev", email: "dev@acme.example", org: "Acme", member: true})
	f.orgVars()
	return f.caseEnv, hooks
}

func TestWebhookScenarios(t *testing.T) {
	t.Parallel()
	e, hooks := newWebhookEnv(t)
	recv := "https://tracker.example"
	e.vars["recv"] = recv
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	del := func(as, path string) call { return call{as: as, method: "DELETE", path: path} }
	e.run(t, []caseStep{
		{name: "plain http elsewhere", call: post("acme", "/api/v1/orgs/{acmeOrg}/webhooks", `{"url":"http://tracker.example/hook"}`),
			status: 422, code: "invalid", field: "url"},
		{name: "another vendor's admin", call: post("globex", "/api/v1/orgs/{acmeOrg}/webhooks", `{"url":"https://tracker.example/hook"}`),
			status: 404, code: "not_found"},
		{name: "a member who is not an admin", call: post("acmedev", "/api/v1/orgs/{acmeOrg}/webhooks", `{"url":"https://tracker.example/hook"}`),
			status: 404, code: "not_found"},
		{name: "a read-only token", call: post("acme-ro", "/api/v1/orgs/{acmeOrg}/webhooks", `{"url":"https://tracker.example/hook"}`),
			status: 403, code: "forbidden"},
		{name: "anonymous", call: get("", "/api/v1/orgs/{acmeOrg}/webhooks"), status: 401, code: "unauthenticated"},
		{name: "create", call: post("acme", "/api/v1/orgs/{acmeOrg}/webhooks", `{"url":"{recv}/parley"}`), status: 201,
			check: func(m map[string]any) bool {
				s, _ := m["secret"].(string)
				return len(s) == 64 && m["url"] == recv+"/parley" && m["active"] == true
			},
			save: func(m map[string]any) { e.vars["hook"] = num(m["id"]) }},
		{name: "the list never shows the secret", call: get("acme", "/api/v1/orgs/{acmeOrg}/webhooks"), status: 200,
			check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 1 && num(l[0]["id"]) == e.vars["hook"] && l[0]["secret"] == nil
			}},
		{name: "staff see it", call: get("staff", "/api/v1/orgs/{acmeOrg}/webhooks"), status: 200,
			check: func(m map[string]any) bool { return len(items(m)) == 1 }},
		{name: "another vendor does not", call: get("globex", "/api/v1/orgs/{acmeOrg}/webhooks"), status: 404, code: "not_found"},
		{name: "nor its log", call: get("globex", "/api/v1/orgs/{acmeOrg}/webhooks/{hook}/deliveries"), status: 404, code: "not_found"},
		{name: "nor through its own organisation", call: get("globex", "/api/v1/orgs/{globexOrg}/webhooks/{hook}/deliveries"), status: 404, code: "not_found"},
		{name: "nor deletes it", call: del("globex", "/api/v1/orgs/{globexOrg}/webhooks/{hook}"), status: 404, code: "not_found"},
		{name: "test delivery", call: post("acme", "/api/v1/orgs/{acmeOrg}/webhooks/{hook}/test", ``), status: 202,
			check: func(m map[string]any) bool { return m["event"] == "ping" && m["status"] == "pending" }},
		{name: "a case with two vendors", call: post("staff", "/api/v1/cases", `{"title":"Router login bypass"}`), status: 201,
			save: func(m map[string]any) { e.vars["key"] = m["key"].(string) }},
		{name: "participants", call: post("staff", "/api/v1/cases/{key}/participants",
			`{"participants":[{"org_id":{acmeOrg},"roles":["vendor"]},{"org_id":{globexOrg},"roles":["vendor"]}]}`), status: 201},
	})
	// Acme's webhook gets the case's opening, the coordinator's and Acme's
	// joining, not Globex's.
	if n, err := hooks.Dispatch(context.Background()); err != nil || n != 3 {
		t.Fatalf("dispatched %d, %v", n, err)
	}
	e.run(t, []caseStep{
		{name: "the log, newest first", call: get("acme", "/api/v1/orgs/{acmeOrg}/webhooks/{hook}/deliveries?limit=2"), status: 200,
			check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 2 && m["next_cursor"] != nil && l[0]["event"] == "case.participant_added" && l[1]["event"] == "case.participant_added" &&
					l[0]["status"] == "pending" && l[0]["attempts"] == 0.0 && l[0]["delivered_at"] == nil
			},
			save: func(m map[string]any) { e.vars["cursor"] = m["next_cursor"].(string) }},
		{name: "the next page", call: get("acme", "/api/v1/orgs/{acmeOrg}/webhooks/{hook}/deliveries?cursor={cursor}"), status: 200,
			check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 2 && l[0]["event"] == "case.created" && l[1]["event"] == "ping" && m["next_cursor"] == nil
			}},
		{name: "delete", call: del("acme", "/api/v1/orgs/{acmeOrg}/webhooks/{hook}"), status: 204},
		{name: "gone", call: get("acme", "/api/v1/orgs/{acmeOrg}/webhooks/{hook}/deliveries"), status: 404, code: "not_found"},
	})
}
