package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/reports"
)

// newReportEnv is an instance with coordinator staff ("staff", and
// "staff-ro" with a read-only token), a signed-in reporter ("reporter")
// and someone else ("other"); anonymous callers use no token. Attachments
// are limited to 2 files of 1 KiB and 1500 bytes in all.
func newReportEnv(t *testing.T) *caseEnv {
	t.Helper()
	f := newFixture(t, time.Date(2026, 5, 6, 12, 0, 0, 0, time.UTC), func(f *fixture, d *api.Deps) {
		pol := reports.DefaultPolicy()
		pol.Quota, pol.MaxAttachments, pol.MaxAttachmentSize, pol.MaxAttachmentsSize = 0, 2, 1024, 1500
		d.SSVC = newSSVC(t)
		d.Reports = reports.NewService(f.db, f.clock, f.users, d.SSVC, pol)
	})
	ctx := context.Background()
	bootstrap := auth.Principal{UserID: 1 << 40, Email: "command line", Admin: true}
	for _, who := range []struct {
		name, email string
		staff       bool
	}{{"staff", "staff@cert.example", true}, {"reporter", "finder@research.example", false}, {"other", "someone@else.example", false}} {
		// Invited accounts (no password) spare the test argon2id.
		u, err := f.users.CreateUser(ctx, bootstrap, auth.NewUser{Email: who.email, Name: who.name, Staff: who.staff})
		if err != nil {
			t.Fatal(err)
		}
		f.vars[who.name+"ID"] = itoa(u.ID)
		p := auth.Principal{UserID: u.ID, Email: u.Email, Staff: who.staff}
		for _, scope := range []auth.Scope{auth.ScopeWrite, auth.ScopeRead} {
			_, secret, err := f.users.CreateToken(ctx, p, auth.NewToken{Name: "t", Scope: scope})
			if err != nil {
				t.Fatal(err)
			}
			key := who.name
			if scope == auth.ScopeRead {
				key += "-ro"
			}
			f.tokens[key] = secret
		}
	}
	return f.caseEnv
}

const goodReport = `{"title":"Stack overflow in the Acme Router login","products":[{"name":"Acme Router X200","versions":["2.1.0"]}],
	"vendors":[{"name":"Acme Networks"}],"description":"A long **username** overflows a stack buffer.",
	"proof_of_concept":"curl -d user=AAAA… http://router/login.cgi","contact":{"email":"Fay@Research.example"},"ai_use":"none"`

func TestReportScenarios(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	var steps []caseStep
	add := func(s ...caseStep) { steps = append(steps, s...) }
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	b64 := func(n int) string { return base64.StdEncoding.EncodeToString([]byte(strings.Repeat("x", n))) }

	// Submitting, anonymously or signed in, and what a submission refuses.
	add(
		caseStep{name: "anonymous submit", call: post("", "/api/v1/reports", goodReport+`,"attachments":[{"name":"../poc.py","data":"`+b64(10)+`"}]}`),
			status: 201, check: func(m map[string]any) bool {
				s, _ := m["tracking_id"].(string)
				sec, _ := m["follow_up_secret"].(string)
				return strings.HasPrefix(s, "RPT-2026-") && len(sec) > 30 && m["completeness"] != nil
			}, save: func(m map[string]any) { e.vars["id"], e.vars["tid"] = num(m["id"]), m["tracking_id"].(string) }},
		caseStep{name: "thin report: gaps are advice", call: post("reporter", "/api/v1/reports", `{"title":"XSS","description":"There is an XSS.","ai_use":"assisted"}`),
			status: 201, check: func(m map[string]any) bool {
				gaps := items(map[string]any{"items": m["completeness"]})
				fields := map[string]bool{}
				for _, g := range gaps {
					fields[g["field"].(string)] = true
				}
				return fields["proof_of_concept"] && len(gaps) >= 2
			}, save: func(m map[string]any) { e.vars["mine"], e.vars["mineTID"] = num(m["id"]), m["tracking_id"].(string) }},
		caseStep{name: "no title", call: post("", "/api/v1/reports", `{"description":"x","ai_use":"none"}`), status: 422, code: "invalid", field: "title"},
		caseStep{name: "no AI answer", call: post("", "/api/v1/reports", `{"title":"x","description":"x"}`), status: 422, code: "invalid", field: "ai_use"},
		caseStep{name: "bad version", call: post("", "/api/v1/reports", `{"title":"x","description":"x","ai_use":"none","products":[{"name":"R","versions":["1","`+"\\u0007"+`"]}]}`),
			status: 422, code: "invalid", field: "products[0].versions[1]"},
		caseStep{name: "bad contact", call: post("", "/api/v1/reports", `{"title":"x","description":"x","ai_use":"none","contact":{"email":"not an address"}}`),
			status: 422, code: "invalid", field: "contact.email"},
		caseStep{name: "unknown field", call: post("", "/api/v1/reports", `{"title":"x","description":"x","ai_use":"none","severity":"high"}`),
			status: 422, code: "invalid", field: "severity"},
		caseStep{name: "wrong type", call: post("", "/api/v1/reports", `{"title":"x","description":"x","ai_use":"none","critical":"yes"}`),
			status: 422, code: "invalid", field: "critical"},
		caseStep{name: "bad base64", call: post("", "/api/v1/reports", goodReport+`,"attachments":[{"name":"a","data":"!!!"}]}`),
			status: 422, code: "invalid", field: "attachments[0].data"},
		caseStep{name: "attachment over the limit per file", call: post("", "/api/v1/reports", goodReport+`,"attachments":[{"name":"a","data":"`+b64(1025)+`"}]}`),
			status: 413, code: "too_large", field: "attachments[0]"},
		caseStep{name: "attachments over the limit per report", call: post("", "/api/v1/reports",
			goodReport+`,"attachments":[{"name":"a","data":"`+b64(1000)+`"},{"name":"b","data":"`+b64(1000)+`"}]}`),
			status: 413, code: "too_large", field: "attachments"},
		caseStep{name: "oversize body", call: post("", "/api/v1/reports", `{"title":"x","ai_use":"none","description":"`+strings.Repeat("A", 2<<20)+`"}`),
			status: 413, code: "too_large"},
		caseStep{name: "read-only token submits", call: post("reporter-ro", "/api/v1/reports", goodReport+`}`), status: 403, code: "forbidden"},
	)
	// The queue is for staff.
	add(
		caseStep{name: "anonymous queue", call: get("", "/api/v1/reports"), status: 401, code: "unauthenticated"},
		caseStep{name: "reporter queue", call: get("reporter", "/api/v1/reports"), status: 403, code: "forbidden"},
		caseStep{name: "staff queue", call: get("staff-ro", "/api/v1/reports"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 2 && l[0]["tracking_id"] == e.vars["tid"] && l[0]["status"] == "new" && l[0]["rm"] == "R"
		}},
		caseStep{name: "queue pages", call: get("staff", "/api/v1/reports?limit=1"), status: 200, check: func(m map[string]any) bool {
			return len(items(m)) == 1 && m["next_cursor"] != nil
		}},
		caseStep{name: "queue search", call: get("staff", "/api/v1/reports?q=router"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["tracking_id"] == e.vars["tid"]
		}},
		caseStep{name: "queue unassigned and priority", call: get("staff", "/api/v1/reports?assignee=none&priority=none&status=new"), status: 200,
			check: func(m map[string]any) bool { return len(items(m)) == 2 }},
		caseStep{name: "queue bad status", call: get("staff", "/api/v1/reports?status=lost"), status: 422, code: "invalid", field: "status"},
		caseStep{name: "queue bad assignee", call: get("staff", "/api/v1/reports?assignee=me"), status: 422, code: "invalid", field: "assignee"},
		caseStep{name: "queue bad priority", call: get("staff", "/api/v1/reports?priority=asap"), status: 422, code: "invalid", field: "priority"},
	)
	// Reading a report: staff see triage and notes; the reporter their view; others nothing.
	add(
		caseStep{name: "staff reads by tracking ID", call: get("staff", "/api/v1/reports/{tid}"), status: 200, check: func(m map[string]any) bool {
			tr, _ := m["triage"].(map[string]any)
			att := items(map[string]any{"items": m["attachments"]})
			return m["version"] == 1.0 && tr["priority"] == "none" && len(att) == 1 && att[0]["name"] == "poc.py"
		}},
		caseStep{name: "reporter reads own", call: get("reporter", "/api/v1/reports/{mine}"), status: 200, check: func(m map[string]any) bool {
			return m["triage"] == nil && m["version"] == nil && strings.HasPrefix(m["status_text"].(string), "Received")
		}},
		caseStep{name: "reporter reads own by tracking ID", call: get("reporter", "/api/v1/reports/{mineTID}"), status: 200},
		caseStep{name: "other reads it", call: get("other", "/api/v1/reports/{mine}"), status: 404, code: "not_found"},
		caseStep{name: "anonymous reads", call: get("", "/api/v1/reports/{id}"), status: 404, code: "not_found"},
		caseStep{name: "mine", call: get("reporter", "/api/v1/reports/mine"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["tracking_id"] == e.vars["mineTID"]
		}},
		caseStep{name: "mine anonymous", call: get("", "/api/v1/reports/mine"), status: 401, code: "unauthenticated"},
	)
	// Triage: RM steps with versions.
	add(
		caseStep{name: "reporter validates own", call: post("reporter", "/api/v1/reports/{mine}/validate", `{"version":1}`), status: 403, code: "forbidden"},
		caseStep{name: "read-only staff", call: post("staff-ro", "/api/v1/reports/{id}/acknowledge", `{"version":1}`), status: 403, code: "forbidden"},
		caseStep{name: "no version", call: post("staff", "/api/v1/reports/{id}/acknowledge", `{}`), status: 422, code: "invalid", field: "version"},
		caseStep{name: "acknowledge", call: post("staff", "/api/v1/reports/{id}/acknowledge", `{"version":1,"message":"We will look this week."}`),
			status: 200, check: func(m map[string]any) bool {
				return m["status"] == "open" && m["version"] == 2.0 && m["acknowledged_at"] != nil
			}},
		caseStep{name: "stale version", call: post("staff", "/api/v1/reports/{id}/validate", `{"version":1}`), status: 409, code: "conflict"},
		caseStep{name: "accept before validating", call: post("staff", "/api/v1/reports/{id}/accept", `{"version":2}`), status: 409, code: "conflict",
			check: func(m map[string]any) bool { return strings.Contains(message(m), "Received") }},
		caseStep{name: "close without reason", call: post("staff", "/api/v1/reports/{id}/close", `{"version":2}`), status: 422, code: "invalid", field: "reason"},
		caseStep{name: "unknown reason", call: post("staff", "/api/v1/reports/{id}/defer", `{"version":2,"reason":"meh"}`), status: 422, code: "invalid", field: "reason"},
		caseStep{name: "ask", call: post("staff", "/api/v1/reports/{id}/ask", `{"version":2,"question":"Which firmware build?"}`), status: 200,
			check: func(m map[string]any) bool { return m["status"] == "waiting" }},
		caseStep{name: "validate", call: post("staff", "/api/v1/reports/{id}/validate", `{"version":3}`), status: 200,
			check: func(m map[string]any) bool { return m["rm"] == "V" && m["rm_name"] == "Valid" }},
		caseStep{name: "assess: bad decision point", call: post("staff", "/api/v1/reports/{id}/assess", `{"selections":{"Nonsense":"Yes"}}`),
			status: 422, code: "invalid", field: "selections.Nonsense"},
		caseStep{name: "assess: no selections", call: post("staff", "/api/v1/reports/{id}/assess", `{}`), status: 422, code: "invalid", field: "selections"},
		caseStep{name: "assess: reporter", call: post("reporter", "/api/v1/reports/{mine}/assess", `{"selections":{"a":"b"}}`), status: 403, code: "forbidden"},
		caseStep{name: "defer", call: post("staff", "/api/v1/reports/{id}/defer", `{"version":4,"reason":"no_capacity","message":"Sorry."}`),
			status: 200, check: func(m map[string]any) bool { return m["rm"] == "D" && m["resolution"] == "no_capacity" }},
		caseStep{name: "close", call: post("staff", "/api/v1/reports/{id}/close", `{"version":5,"reason":"resolved"}`),
			status: 200, check: func(m map[string]any) bool { return m["rm"] == "C" && m["status"] == "closed" && m["closed_at"] != nil }},
		caseStep{name: "closed is final", call: post("staff", "/api/v1/reports/{id}/accept", `{"version":6}`), status: 409, code: "conflict"},
		caseStep{name: "no such report", call: post("staff", "/api/v1/reports/999/validate", `{"version":1}`), status: 404, code: "not_found"},
	)
	// The conversation.
	add(
		caseStep{name: "staff note", call: post("staff", "/api/v1/reports/{mine}/messages", `{"body":"Probably a dupe.","kind":"note"}`), status: 201,
			check: func(m map[string]any) bool { return m["internal"] == true }},
		caseStep{name: "reporter writes", call: post("reporter", "/api/v1/reports/{mine}/messages", `{"body":"Also on X300."}`), status: 201,
			check: func(m map[string]any) bool { return m["author"] == "reporter" }},
		caseStep{name: "reporter may not note", call: post("reporter", "/api/v1/reports/{mine}/messages", `{"body":"x","kind":"note"}`),
			status: 422, code: "invalid", field: "kind"},
		caseStep{name: "reporter sees no notes", call: get("reporter", "/api/v1/reports/{mine}"), status: 200, check: func(m map[string]any) bool {
			for _, msg := range items(map[string]any{"items": m["messages"]}) {
				if msg["internal"] == true {
					return false
				}
			}
			return true
		}},
		caseStep{name: "staff sees notes", call: get("staff", "/api/v1/reports/{mine}"), status: 200, check: func(m map[string]any) bool {
			return len(items(map[string]any{"items": m["messages"]})) == 2
		}},
	)
	e.run(t, steps)
}

// TestReportAssess: a full Coordinator Triage assessment returns the
// outcome, the suggested step and the selection list, and is stored.
func TestReportAssess(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	_, m, _ := e.do(t, call{method: "POST", path: "/api/v1/reports", body: goodReport + `}`})
	e.vars["id"] = num(m["id"])
	_, trees, _ := e.do(t, call{as: "staff", method: "GET", path: "/api/v1/ssvc/trees"})
	sel := map[string]string{}
	for _, tr := range items(trees) {
		if tr["id"] != reports.TriageTree {
			continue
		}
		for _, dp := range items(map[string]any{"items": tr["decision_points"]}) {
			vals := strs(dp["values"])
			sel[dp["name"].(string)] = vals[len(vals)-1]
		}
	}
	if len(sel) == 0 {
		t.Fatal("no coordinator triage tree")
	}
	var body strings.Builder
	body.WriteString(`{"selections":{`)
	i := 0
	for k, v := range sel {
		if i > 0 {
			body.WriteString(",")
		}
		fmt.Fprintf(&body, "%q:%q", k, v)
		i++
	}
	body.WriteString("}}")
	status, out, _ := e.do(t, call{as: "staff", method: "POST", path: "/api/v1/reports/{id}/assess", body: body.String()})
	if status != 200 || out["outcome"] == "" || out["next"] == "" || out["selection_list"] == nil || len(items(map[string]any{"items": out["selections"]})) == 0 {
		t.Fatalf("assess: %d %v", status, out)
	}
	_, rep, _ := e.do(t, call{as: "staff", method: "GET", path: "/api/v1/reports/{id}"})
	tr, _ := rep["triage"].(map[string]any)
	ssvcOut, _ := tr["ssvc"].(map[string]any)
	if ssvcOut["outcome"] != out["outcome"] {
		t.Errorf("stored assessment: %v", tr)
	}
}

// TestReportRateLimit: anonymous submissions from one address are limited
// (by the server's middleware: 20 an hour); the refusal is a 429 with
// Retry-After and stores nothing; a signed-in reporter is not held to it.
func TestReportRateLimit(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	const burst = 20
	for i := range burst {
		status, m, _ := e.do(t, call{method: "POST", path: "/api/v1/reports", body: `{"title":"x","description":"x","ai_use":"none"}`})
		if status != 201 {
			t.Fatalf("submission %d: %d %v", i, status, m)
		}
	}
	status, m, h := e.do(t, call{method: "POST", path: "/api/v1/reports", body: goodReport + `}`})
	if code, _ := errField(m); status != 429 || code != "too_many_requests" || h.Get("Retry-After") == "" || !strings.Contains(message(m), "report submissions") {
		t.Fatalf("over the limit: %d %v %v", status, m, h)
	}
	_, q, _ := e.do(t, call{as: "staff", method: "GET", path: "/api/v1/reports?limit=200"})
	if n := len(items(q)); n != burst {
		t.Errorf("%d reports stored, want %d", n, burst)
	}
	if status, m, _ := e.do(t, call{as: "reporter", method: "POST", path: "/api/v1/reports", body: goodReport + `}`}); status != 201 {
		t.Errorf("signed-in reporter: %d %v", status, m)
	}
}

// TestReportToCase opens a case from one report and files a second report
// in it.
func TestReportToCase(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	var ids []string
	for range 2 {
		_, m, _ := e.do(t, call{as: "reporter", method: "POST", path: "/api/v1/reports", body: goodReport + `}`})
		ids = append(ids, num(m["id"]))
	}
	e.vars["r1"], e.vars["r2"] = ids[0], ids[1]
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	e.run(t, []caseStep{
		{name: "a reporter files it", call: post("reporter", "/api/v1/reports/{r1}/case", `{}`), status: 403, code: "forbidden"},
		{name: "not validated", call: post("staff", "/api/v1/reports/{r1}/case", `{}`), status: 409, code: "conflict"},
		{name: "validate 1", call: post("staff", "/api/v1/reports/{r1}/validate", `{"version":1}`), status: 200},
		{name: "validate 2", call: post("staff", "/api/v1/reports/{r2}/validate", `{"version":1}`), status: 200},
		{name: "open a case", call: post("staff", "/api/v1/reports/{r1}/case", `{}`), status: 201,
			save: func(m map[string]any) { e.vars["key"] = m["key"].(string) }},
		{name: "no such case", call: post("staff", "/api/v1/reports/{r2}/case", `{"case":"PAR-1999-0001"}`), status: 404, code: "not_found"},
		{name: "file in it", call: post("staff", "/api/v1/reports/{r2}/case", `{"case":"{key}"}`), status: 200,
			check: func(m map[string]any) bool { return m["key"] == e.vars["key"] }},
		{name: "file again", call: post("staff", "/api/v1/reports/{r2}/case", `{"case":"{key}"}`), status: 409, code: "conflict"},
		{name: "the reporter takes part once", call: call{as: "reporter", method: "GET", path: "/api/v1/cases/{key}/participants"}, status: 200,
			check: func(m map[string]any) bool {
				n := 0
				for _, p := range items(m) {
					if strs(p["roles"])[0] == "reporter" {
						n++
					}
				}
				return n == 1
			}},
	})
}
