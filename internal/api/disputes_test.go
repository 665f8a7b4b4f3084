package api_test

import (
	"context"
	"testing"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/disputes"
)

func TestDisputeScenarios(t *testing.T) {
	t.Parallel()
	// certAndVendors, a case {key} and its participants {coordP}, {acmeP}
	// and {globexP}, with disputes served.
	e, db := newParticipantsEnv(t, func(f *fixture, d *api.Deps) {
		d.Disputes = disputes.NewService(f.db, f.clock, f.cases, disputes.Config{})
	})
	var steps []caseStep
	add := func(s ...caseStep) { steps = append(steps, s...) }
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	one := "/api/v1/cases/{key}/disputes/{d}"
	journal := func() int {
		var n int
		if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM journal`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	add(
		caseStep{name: "acme opens a timing dispute with the coordinator", call: post("acme", "/api/v1/cases/{key}/disputes",
			`{"topic":"timing","title":"Publication date","position":"We need until August.","visibility":"coordinator"}`),
			status: 201, check: func(m map[string]any) bool {
				acc, _ := m["access"].(map[string]any)
				parties := items(map[string]any{"items": m["parties"]})
				return m["status"] == "open" && m["mediator_name"] == "CERT" && m["opener_name"] == "Acme" && len(parties) == 2 &&
					parties[0]["position"] == "We need until August." && acc["mediator"] == false &&
					sameStrings(strs(acc["actions"]), "position", "post", "withdraw")
			}, save: func(m map[string]any) { e.vars["d"] = num(m["id"]) }},
	)
	// Refusals: each with its kind and field.
	refusals := []caseStep{
		{name: "unknown topic", call: post("acme", "/api/v1/cases/{key}/disputes", `{"topic":"weather","title":"x"}`), status: 422, code: "invalid", field: "topic"},
		{name: "empty title", call: post("acme", "/api/v1/cases/{key}/disputes", `{"topic":"timing","title":""}`), status: 422, code: "invalid", field: "title"},
		{name: "unknown field", call: post("acme", "/api/v1/cases/{key}/disputes", `{"topic":"timing","title":"x","severity":1}`), status: 422, code: "invalid", field: "severity"},
		{name: "read-only token", call: post("acme-ro", "/api/v1/cases/{key}/disputes", `{"topic":"timing","title":"x"}`), status: 403, code: "forbidden"},
		{name: "an outsider opens one", call: post("outsider", "/api/v1/cases/{key}/disputes", `{"topic":"timing","title":"x"}`), status: 404, code: "not_found"},
		{name: "another party's dispute", call: get("globex", one), status: 404, code: "not_found"},
		{name: "an outsider reads it", call: get("outsider", one), status: 404, code: "not_found"},
		{name: "a party proposes", call: post("acme", one+"/resolutions", `{"proposal":"mine"}`), status: 403, code: "forbidden"},
		{name: "an empty post", call: post("acme", one+"/messages", `{"body":" "}`), status: 422, code: "invalid", field: "body"},
		{name: "a bad visibility", call: post("acme", one+"/positions", `{"text":"x","visibility":"world"}`), status: 422, code: "invalid", field: "visibility"},
		{name: "no such dispute", call: get("staff", "/api/v1/cases/{key}/disputes/999"), status: 404, code: "not_found"},
		{name: "hand over to a vendor", call: post("staff", "/api/v1/cases/{key}/mediator", `{"participant_id":{acmeP},"reason":"x"}`),
			status: 422, code: "invalid", field: "participant_id"},
		{name: "a decision on a timing dispute", call: post("staff", one+"/decision", `{"answer":"denied","reasons":"no"}`), status: 409, code: "conflict"},
	}
	add(caseStep{name: "journal before the refusals", call: get("staff", one), status: 200, save: func(map[string]any) { e.vars["journal"] = itoa(int64(journal())) }})
	add(refusals...)
	add(caseStep{name: "the refusals wrote nothing", call: get("staff", one), status: 200, check: func(map[string]any) bool {
		return itoa(int64(journal())) == e.vars["journal"]
	}})

	// Mediation to resolution.
	add(
		caseStep{name: "globex lists no dispute", call: get("globex", "/api/v1/cases/{key}/disputes"), status: 200,
			check: func(m map[string]any) bool { return len(items(m)) == 0 }},
		caseStep{name: "staff list open disputes with their age", call: get("staff", "/api/v1/disputes?topic=timing"), status: 200,
			check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 1 && l[0]["case_key"] == e.vars["key"] && l[0]["age_seconds"] == 0.0 && l[0]["topic_label"] == "Timing of disclosure"
			}},
		caseStep{name: "the coordinator states its position", call: post("staff", one+"/positions", `{"text":"45 days is our policy."}`), status: 200},
		caseStep{name: "the coordinator writes", call: post("staff", one+"/messages", `{"body":"A workaround *earlier*?"}`), status: 201,
			check: func(m map[string]any) bool {
				msgs := items(map[string]any{"items": m["messages"]})
				return len(msgs) == 1 && msgs[0]["mediator"] == true && msgs[0]["name"] == "CERT"
			}},
		caseStep{name: "the coordinator proposes", call: post("staff", one+"/resolutions", `{"proposal":"Publish on 15 July."}`), status: 201,
			save: func(m map[string]any) { e.vars["r1"] = num(items(map[string]any{"items": m["resolutions"]})[0]["id"]) }},
		caseStep{name: "and proposes again", call: post("staff", one+"/resolutions", `{"proposal":"Workaround on 1 June, details on 1 August."}`), status: 201,
			check: func(m map[string]any) bool {
				rs := items(map[string]any{"items": m["resolutions"]})
				return len(rs) == 2 && rs[0]["status"] == "superseded" && rs[1]["status"] == "pending"
			},
			save: func(m map[string]any) { e.vars["r2"] = num(items(map[string]any{"items": m["resolutions"]})[1]["id"]) }},
		caseStep{name: "acme answers the superseded one", call: post("acme", one+"/resolutions/{r1}/answer", `{"answer":"accept"}`), status: 409, code: "conflict"},
		caseStep{name: "acme answers maybe", call: post("acme", one+"/resolutions/{r2}/answer", `{"answer":"maybe"}`), status: 422, code: "invalid", field: "answer"},
		caseStep{name: "acme accepts", call: post("acme", one+"/resolutions/{r2}/answer", `{"answer":"accept","comment":"Agreed"}`), status: 200,
			check: func(m map[string]any) bool {
				acc, _ := m["access"].(map[string]any)
				return m["status"] == "resolved" && m["outcome"] == "Workaround on 1 June, details on 1 August." && m["resolved_at"] != nil &&
					len(strs(acc["actions"])) == 0
			}},
		caseStep{name: "the timeline shows the outcome", call: get("acme", "/api/v1/cases/{key}/timeline"), status: 200, check: func(m map[string]any) bool {
			for _, ev := range items(m) {
				if ev["action"] == "dispute.resolved" {
					return true
				}
			}
			return false
		}},
		caseStep{name: "no open dispute is left", call: get("acme", "/api/v1/disputes"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 0 }},
	)
	// An extension request and its structured answer; the mediator.
	add(
		caseStep{name: "acme asks for an extension", call: post("acme", "/api/v1/cases/{key}/disputes",
			`{"topic":"extension","title":"Two more weeks","until":"2026-07-01T12:00","zone":"Europe/Berlin"}`), status: 201,
			check: func(m map[string]any) bool {
				return m["requested_until"] == "2026-07-01T10:00:00Z" && m["requested_zone"] == "Europe/Berlin"
			},
			save: func(m map[string]any) { e.vars["d"] = num(m["id"]) }},
		caseStep{name: "without a zone", call: post("acme", "/api/v1/cases/{key}/disputes", `{"topic":"extension","title":"x","until":"2026-07-01T12:00"}`),
			status: 422, code: "invalid", field: "zone"},
		caseStep{name: "the coordinator may decide", call: get("staff", one), status: 200, check: func(m map[string]any) bool {
			acc, _ := m["access"].(map[string]any)
			return acc["mediator"] == true && sameStrings(strs(acc["actions"]), "position", "post", "decide", "close")
		}},
		caseStep{name: "partly granted", call: post("staff", one+"/decision", `{"answer":"partly","until":"2026-06-20T09:00:00+02:00","reasons":"Users at risk"}`),
			status: 200, check: func(m map[string]any) bool {
				return m["answer"] == "partly" && m["granted_until"] == "2026-06-20T07:00:00Z" && m["granted_zone"] == "Etc/GMT-2" && m["status"] == "resolved"
			}},
		caseStep{name: "the mediator", call: get("acme", "/api/v1/cases/{key}/mediator"), status: 200, check: func(m map[string]any) bool {
			return m["name"] == "CERT" && m["handed_over"] == false && num(m["participant_id"]) == e.vars["coordP"]
		}},
		caseStep{name: "a vendor hands over", call: post("acme", "/api/v1/cases/{key}/mediator", `{"participant_id":{coordP},"reason":"x"}`), status: 403, code: "forbidden"},
	)
	e.run(t, steps)
}

// sameStrings reports whether got holds exactly want, in any order.
func sameStrings(got []string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	seen := map[string]int{}
	for _, s := range got {
		seen[s]++
	}
	for _, s := range want {
		if seen[s]--; seen[s] < 0 {
			return false
		}
	}
	return true
}
