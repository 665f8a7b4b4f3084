package api_test

import (
	"strings"
	"testing"
)

// TestCapacityScenarios: the reporter chooses who follows up with the
// vendors, with a token or by the follow-up secret; staff read it.
func TestCapacityScenarios(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	e.run(t, []caseStep{
		{name: "signed-in report", call: post("reporter", "/api/v1/reports", goodReport+`}`), status: 201,
			save: func(m map[string]any) { e.vars["mine"], e.vars["mineTID"] = num(m["id"]), m["tracking_id"].(string) }},
		{name: "anonymous report", call: post("", "/api/v1/reports", goodReport+`}`), status: 201,
			save: func(m map[string]any) {
				e.vars["anon"], e.vars["secret"] = num(m["id"]), m["follow_up_secret"].(string)
			}},
		{name: "not chosen yet", call: get("staff-ro", "/api/v1/reports/{mine}/capacity"), status: 200,
			check: func(m map[string]any) bool {
				return m["capacity"] == "" && m["chosen_at"] == nil && m["text"] == "Not chosen yet."
			}},
		{name: "unknown choice", call: post("reporter", "/api/v1/reports/{mine}/capacity", `{"capacity":"vendor"}`), status: 422, code: "invalid", field: "capacity"},
		{name: "someone else", call: post("other", "/api/v1/reports/{mine}/capacity", `{"capacity":"coordinator"}`), status: 404, code: "not_found"},
		{name: "staff do not choose for the reporter", call: post("staff", "/api/v1/reports/{mine}/capacity", `{"capacity":"coordinator"}`),
			status: 404, code: "not_found"},
		{name: "read-only token", call: post("reporter-ro", "/api/v1/reports/{mine}/capacity", `{"capacity":"coordinator"}`), status: 403, code: "forbidden"},
		{name: "anonymous without secret", call: post("", "/api/v1/reports/{anon}/capacity", `{"capacity":"coordinator"}`), status: 404, code: "not_found"},
		{name: "hand over, by tracking ID", call: post("reporter", "/api/v1/reports/{mineTID}/capacity", `{"capacity":"coordinator","note":"No time."}`),
			status: 200, check: func(m map[string]any) bool {
				return m["capacity"] == "coordinator" && m["chosen_at"] != nil && strings.Contains(m["text"].(string), "over to the coordinator")
			}},
		{name: "staff read it", call: get("staff-ro", "/api/v1/reports/{mine}/capacity"), status: 200,
			check: func(m map[string]any) bool { return m["capacity"] == "coordinator" }},
		{name: "others do not", call: get("other", "/api/v1/reports/{mine}/capacity"), status: 404, code: "not_found"},
		{name: "the choice is in the conversation", call: get("staff-ro", "/api/v1/reports/{mine}"), status: 200, check: func(m map[string]any) bool {
			msgs, _ := m["messages"].([]any)
			last, _ := msgs[len(msgs)-1].(map[string]any)
			return last["author"] == "reporter" && strings.Contains(last["body"].(string), "No time.")
		}},
		{name: "wrong secret", call: post("", "/api/v1/reports/{anon}/capacity", `{"capacity":"reporter","follow_up_secret":"nope"}`),
			status: 404, code: "not_found"},
		{name: "secret of another report", call: post("", "/api/v1/reports/{mine}/capacity", `{"capacity":"reporter","follow_up_secret":"{secret}"}`),
			status: 404, code: "not_found"},
		{name: "by the secret", call: post("", "/api/v1/reports/{anon}/capacity", `{"capacity":"reporter","follow_up_secret":"{secret}"}`),
			status: 200, check: func(m map[string]any) bool { return m["capacity"] == "reporter" }},
	})
}
