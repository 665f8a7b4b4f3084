package api_test

import (
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

// TestReportTriageScenarios: assignment, priority, duplicates, the bulk
// close, attachments, the conversation and track records through the
// API: who may, what each refuses, and what it does.
func TestReportTriageScenarios(t *testing.T) {
	t.Parallel()
	e := newReportEnv(t)
	var steps []caseStep
	add := func(s ...caseStep) { steps = append(steps, s...) }
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	withFile := func(name, content string) string {
		return goodReport + `,"attachments":[{"name":"` + name + `","data":"` + base64.StdEncoding.EncodeToString([]byte(content)) + `"}]}`
	}
	triage := func(m map[string]any) map[string]any { tr, _ := m["triage"].(map[string]any); return tr }
	saveID := func(name string) func(map[string]any) {
		return func(m map[string]any) { e.vars[name], e.vars[name+"TID"] = num(m["id"]), fmt.Sprint(m["tracking_id"]) }
	}

	// Reports to work on: one sent anonymously with a file, the reporter's
	// own with a file, a later report of the same issue, and two to close.
	add(
		caseStep{name: "submit", call: post("", "/api/v1/reports", withFile("../poc.py", "print('A'*5000)")), status: 201, save: saveID("id")},
		caseStep{name: "submit mine", call: post("reporter", "/api/v1/reports", withFile("crash.log", "segfault at 0x41414141")), status: 201,
			save: saveID("mine")},
		caseStep{name: "submit the same issue", call: post("", "/api/v1/reports", strings.Replace(goodReport, "Stack overflow in the Acme Router login",
			"Acme Router X200 login overflow", 1)+`}`), status: 201, save: saveID("dup")},
		caseStep{name: "submit c1", call: post("", "/api/v1/reports", `{"title":"Spam","description":"Buy now.","ai_use":"none"}`), status: 201,
			save: saveID("c1")},
		caseStep{name: "submit c2", call: post("", "/api/v1/reports", `{"title":"Spam again","description":"Buy now.","ai_use":"none"}`), status: 201,
			save: saveID("c2")},
		caseStep{name: "find the attachments", call: get("staff", "/api/v1/reports/{id}/attachments"), status: 200,
			save: func(m map[string]any) { e.vars["att"] = num(items(m)[0]["id"]) }},
		caseStep{name: "find mine's attachment", call: get("reporter", "/api/v1/reports/{mine}/attachments"), status: 200,
			save: func(m map[string]any) { e.vars["mineAtt"] = num(items(m)[0]["id"]) }},
	)
	// Assignment: staff only, to staff or nobody, at the version read.
	add(
		caseStep{name: "assign anonymously", call: post("", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":{staffID}}`), status: 401, code: "unauthenticated"},
		caseStep{name: "reporter assigns own", call: post("reporter", "/api/v1/reports/{mine}/assign", `{"version":1,"assignee":{staffID}}`), status: 403, code: "forbidden"},
		caseStep{name: "other assigns", call: post("other", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":{staffID}}`), status: 403, code: "forbidden"},
		caseStep{name: "read-only staff assigns", call: post("staff-ro", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":{staffID}}`), status: 403, code: "forbidden"},
		caseStep{name: "assign: no assignee", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1}`), status: 422, code: "invalid", field: "assignee"},
		caseStep{name: "assign: a name", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":"bob"}`), status: 422, code: "invalid", field: "assignee"},
		caseStep{name: "assign: zero", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":0}`), status: 422, code: "invalid", field: "assignee"},
		caseStep{name: "assign: not staff", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":{reporterID}}`), status: 422, code: "invalid", field: "assignee"},
		caseStep{name: "assign: no such user", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":987654}`), status: 422, code: "invalid", field: "assignee"},
		caseStep{name: "assign: no version", call: post("staff", "/api/v1/reports/{id}/assign", `{"assignee":{staffID}}`), status: 422, code: "invalid", field: "version"},
		caseStep{name: "assign: unknown field", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":{staffID},"to":"me"}`), status: 422, code: "invalid", field: "to"},
		caseStep{name: "assign: no such report", call: post("staff", "/api/v1/reports/987654/assign", `{"version":1,"assignee":{staffID}}`), status: 404, code: "not_found"},
		caseStep{name: "assign", call: post("staff", "/api/v1/reports/{idTID}/assign", `{"version":1,"assignee":{staffID}}`), status: 200,
			check: func(m map[string]any) bool {
				return num(triage(m)["assignee_id"]) == e.vars["staffID"] && m["version"] == 2.0
			}},
		caseStep{name: "assign: stale version", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":1,"assignee":null}`), status: 409, code: "conflict"},
		caseStep{name: "the queue shows it", call: get("staff", "/api/v1/reports?assignee={staffID}"), status: 200,
			check: func(m map[string]any) bool { l := items(m); return len(l) == 1 && num(l[0]["id"]) == e.vars["id"] }},
		caseStep{name: "unassign", call: post("staff", "/api/v1/reports/{id}/assign", `{"version":2,"assignee":null}`), status: 200,
			check: func(m map[string]any) bool { return triage(m)["assignee_id"] == nil && m["version"] == 3.0 }},
	)
	// Priority.
	add(
		caseStep{name: "reporter sets priority", call: post("reporter", "/api/v1/reports/{mine}/priority", `{"version":1,"priority":"urgent"}`), status: 403, code: "forbidden"},
		caseStep{name: "reporter sets priority without a version", call: post("reporter", "/api/v1/reports/{mine}/priority", `{"priority":"urgent"}`), status: 403, code: "forbidden"},
		caseStep{name: "other sets priority", call: post("other", "/api/v1/reports/{mine}/priority", `{"version":1,"priority":"urgent"}`), status: 403, code: "forbidden"},
		caseStep{name: "anonymous sets priority", call: post("", "/api/v1/reports/{id}/priority", `{"version":1,"priority":"urgent"}`), status: 401, code: "unauthenticated"},
		caseStep{name: "priority: unknown", call: post("staff", "/api/v1/reports/{id}/priority", `{"version":3,"priority":"asap"}`), status: 422, code: "invalid", field: "priority"},
		caseStep{name: "priority: none given", call: post("staff", "/api/v1/reports/{id}/priority", `{"version":3}`), status: 422, code: "invalid", field: "priority"},
		caseStep{name: "priority: wrong type", call: post("staff", "/api/v1/reports/{id}/priority", `{"version":3,"priority":3}`), status: 422, code: "invalid", field: "priority"},
		caseStep{name: "priority: stale version", call: post("staff", "/api/v1/reports/{id}/priority", `{"version":2,"priority":"high"}`), status: 409, code: "conflict"},
		caseStep{name: "priority: no such report", call: post("staff", "/api/v1/reports/RPT-1999-000001/priority", `{"version":1,"priority":"high"}`), status: 404, code: "not_found"},
		caseStep{name: "priority", call: post("staff", "/api/v1/reports/{id}/priority", `{"version":3,"priority":"high"}`), status: 200,
			check: func(m map[string]any) bool { return triage(m)["priority"] == "high" && m["version"] == 4.0 }},
	)
	// Duplicates: suggestions with scores, and marking one.
	add(
		caseStep{name: "duplicates anonymously", call: get("", "/api/v1/reports/{dup}/duplicates"), status: 401, code: "unauthenticated"},
		caseStep{name: "reporter asks for duplicates", call: get("reporter", "/api/v1/reports/{mine}/duplicates"), status: 403, code: "forbidden"},
		caseStep{name: "duplicates of no report", call: get("staff", "/api/v1/reports/987654/duplicates"), status: 404, code: "not_found"},
		caseStep{name: "duplicates", call: get("staff-ro", "/api/v1/reports/{dup}/duplicates"), status: 200, check: func(m map[string]any) bool {
			for _, c := range items(m) {
				score, _ := c["score"].(float64)
				if num(c["id"]) == e.vars["id"] && c["tracking_id"] == e.vars["idTID"] && score >= 0.6 && len(strs(c["reasons"])) >= 2 && c["rm"] == "R" {
					return true
				}
			}
			return false
		}},
		caseStep{name: "duplicate: no original", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1}`), status: 422, code: "invalid", field: "original"},
		caseStep{name: "duplicate: null original", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":null}`), status: 422, code: "invalid", field: "original"},
		caseStep{name: "duplicate: of itself", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":{dup}}`), status: 422, code: "invalid", field: "original"},
		caseStep{name: "duplicate: of no report", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":987654}`), status: 422, code: "invalid", field: "original"},
		caseStep{name: "duplicate: of an unknown tracking ID", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":"RPT-1999-000001"}`),
			status: 422, code: "invalid", field: "original"},
		caseStep{name: "duplicate: original of a wrong type", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":true}`), status: 422, code: "invalid", field: "original"},
		caseStep{name: "duplicate: no version", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"original":{id}}`), status: 422, code: "invalid", field: "version"},
		caseStep{name: "duplicate: anonymously", call: post("", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":"{idTID}"}`), status: 401, code: "unauthenticated"},
		caseStep{name: "duplicate: reporter", call: post("reporter", "/api/v1/reports/{mine}/duplicate", `{"version":1,"original":"{idTID}"}`), status: 403, code: "forbidden"},
		caseStep{name: "duplicate: reporter by ID", call: post("reporter", "/api/v1/reports/{mine}/duplicate", `{"version":1,"original":{id}}`), status: 403, code: "forbidden"},
		caseStep{name: "duplicate: read-only staff", call: post("staff-ro", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":{id}}`), status: 403, code: "forbidden"},
		caseStep{name: "duplicate: stale version", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":7,"original":{id}}`), status: 409, code: "conflict"},
		caseStep{name: "duplicate", call: post("staff", "/api/v1/reports/{dup}/duplicate", `{"version":1,"original":"{idTID}"}`), status: 200,
			check: func(m map[string]any) bool {
				tr := triage(m)
				return num(tr["duplicate_of"]) == e.vars["id"] && tr["outcome"] == "duplicate" && m["rm"] == "D" && m["resolution"] == "duplicate"
			}},
		caseStep{name: "the original as a duplicate of its duplicate", call: post("staff", "/api/v1/reports/{id}/duplicate", `{"version":4,"original":{dup}}`),
			status: 409, code: "conflict"},
		caseStep{name: "linked reports are no longer suggested", call: get("staff", "/api/v1/reports/{dup}/duplicates"), status: 200,
			check: func(m map[string]any) bool {
				for _, c := range items(m) {
					if num(c["id"]) == e.vars["id"] {
						return false
					}
				}
				return true
			}},
	)
	// Closing many reports at once.
	add(
		caseStep{name: "close many anonymously", call: post("", "/api/v1/reports/close", `{"reports":[{"id":{c1},"version":1}],"reason":"out_of_scope"}`),
			status: 401, code: "unauthenticated"},
		caseStep{name: "reporter closes many", call: post("reporter", "/api/v1/reports/close", `{"reports":[{"id":{mine},"version":1}],"reason":"out_of_scope"}`),
			status: 403, code: "forbidden"},
		caseStep{name: "read-only staff closes many", call: post("staff-ro", "/api/v1/reports/close", `{"reports":[{"id":{c1},"version":1}],"reason":"out_of_scope"}`),
			status: 403, code: "forbidden"},
		caseStep{name: "close none", call: post("staff", "/api/v1/reports/close", `{"reports":[],"reason":"out_of_scope"}`), status: 422, code: "invalid", field: "reports"},
		caseStep{name: "close too many", call: post("staff", "/api/v1/reports/close", `{"reports":[`+strings.Repeat(`{"id":1,"version":1},`, 500)+`{"id":1,"version":1}],"reason":"out_of_scope"}`),
			status: 422, code: "invalid", field: "reports"},
		caseStep{name: "close: no version", call: post("staff", "/api/v1/reports/close", `{"reports":[{"id":{c1}}],"reason":"out_of_scope"}`), status: 422, code: "invalid", field: "reports[0].version"},
		caseStep{name: "close: no ID", call: post("staff", "/api/v1/reports/close", `{"reports":[{"version":1}],"reason":"out_of_scope"}`), status: 422, code: "invalid", field: "reports[0].id"},
		caseStep{name: "close: twice", call: post("staff", "/api/v1/reports/close", `{"reports":[{"id":{c1},"version":1},{"id":{c1},"version":1}],"reason":"out_of_scope"}`),
			status: 422, code: "invalid", field: "reports[1].id"},
		caseStep{name: "close: tracking IDs are no IDs here", call: post("staff", "/api/v1/reports/close", `{"reports":[{"id":"{c1TID}","version":1}],"reason":"out_of_scope"}`),
			status: 422, code: "invalid", field: "reports.id"},
		caseStep{name: "close: no reason", call: post("staff", "/api/v1/reports/close", `{"reports":[{"id":{c1},"version":1}]}`), status: 422, code: "invalid", field: "reason"},
		caseStep{name: "close: unknown reason", call: post("staff", "/api/v1/reports/close", `{"reports":[{"id":{c1},"version":1}],"reason":"meh"}`), status: 422, code: "invalid", field: "reason"},
		caseStep{name: "close: a reason that does not invalidate", call: post("staff", "/api/v1/reports/close", `{"reports":[{"id":{c1},"version":1}],"reason":"resolved"}`),
			status: 200, check: func(m map[string]any) bool {
				l := items(m)
				er, _ := l[0]["error"].(map[string]any)
				return m["closed"] == 0.0 && m["failed"] == 1.0 && l[0]["closed"] == false && er["code"] == "conflict"
			}},
		caseStep{name: "close many", call: post("staff", "/api/v1/reports/close",
			`{"reports":[{"id":{c1},"version":1},{"id":{c2},"version":9},{"id":987654,"version":1},{"id":{dup},"version":2}],"reason":"out_of_scope","message":"Not ours."}`),
			status: 200, check: func(m map[string]any) bool {
				l := items(m)
				code := func(i int) any { er, _ := l[i]["error"].(map[string]any); return er["code"] }
				return m["closed"] == 2.0 && m["failed"] == 2.0 && len(l) == 4 &&
					l[0]["closed"] == true && l[0]["status"] == "closed" && l[0]["rm"] == "C" && l[0]["resolution"] == "out_of_scope" && l[0]["tracking_id"] == e.vars["c1TID"] &&
					code(1) == "conflict" && code(2) == "not_found" && l[3]["closed"] == true && l[3]["rm"] == "C"
			}},
		caseStep{name: "closed", call: get("staff", "/api/v1/reports/{c1}"), status: 200, check: func(m map[string]any) bool {
			return m["status"] == "closed" && triage(m)["outcome"] == "invalid" && m["version"] == 2.0
		}},
		caseStep{name: "left alone", call: get("staff", "/api/v1/reports/{c2}"), status: 200, check: func(m map[string]any) bool { return m["status"] == "new" }},
	)
	// Attachments: staff and the report's own signed-in reporter.
	add(
		caseStep{name: "staff lists", call: get("staff-ro", "/api/v1/reports/{idTID}/attachments"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["name"] == "poc.py" && l[0]["size"] == 15.0 && l[0]["sha256"] != "" && l[0]["data"] == nil
		}},
		caseStep{name: "reporter lists own", call: get("reporter", "/api/v1/reports/{mineTID}/attachments"), status: 200,
			check: func(m map[string]any) bool { l := items(m); return len(l) == 1 && l[0]["name"] == "crash.log" }},
		caseStep{name: "none", call: get("staff", "/api/v1/reports/{c1}/attachments"), status: 200, check: func(m map[string]any) bool {
			l, ok := m["items"].([]any)
			return ok && len(l) == 0
		}},
		caseStep{name: "reporter lists another", call: get("reporter", "/api/v1/reports/{id}/attachments"), status: 404, code: "not_found"},
		caseStep{name: "other lists", call: get("other", "/api/v1/reports/{mine}/attachments"), status: 404, code: "not_found"},
		caseStep{name: "anonymous lists", call: get("", "/api/v1/reports/{id}/attachments"), status: 404, code: "not_found"},
		caseStep{name: "list of no report", call: get("staff", "/api/v1/reports/987654/attachments"), status: 404, code: "not_found"},
		caseStep{name: "other downloads", call: get("other", "/api/v1/reports/{mine}/attachments/{mineAtt}"), status: 404, code: "not_found"},
		caseStep{name: "anonymous downloads", call: get("", "/api/v1/reports/{id}/attachments/{att}"), status: 404, code: "not_found"},
		caseStep{name: "reporter downloads another's", call: get("reporter", "/api/v1/reports/{id}/attachments/{att}"), status: 404, code: "not_found"},
		caseStep{name: "reporter downloads through own report", call: get("reporter", "/api/v1/reports/{mine}/attachments/{att}"), status: 404, code: "not_found"},
		caseStep{name: "download through another report", call: get("staff", "/api/v1/reports/{dup}/attachments/{att}"), status: 404, code: "not_found"},
		caseStep{name: "download of no attachment", call: get("staff", "/api/v1/reports/{id}/attachments/987654"), status: 404, code: "not_found"},
		caseStep{name: "download of no number", call: get("staff", "/api/v1/reports/{id}/attachments/poc.py"), status: 404, code: "not_found"},
	)
	// The conversation: notes for staff only.
	add(
		caseStep{name: "staff note", call: post("staff", "/api/v1/reports/{mine}/messages", `{"body":"Looks real.","kind":"note"}`), status: 201},
		caseStep{name: "reporter adds", call: post("reporter", "/api/v1/reports/{mine}/messages", `{"body":"Also on X300."}`), status: 201},
		caseStep{name: "staff reads the conversation", call: get("staff-ro", "/api/v1/reports/{mineTID}/messages"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 2 && l[0]["internal"] == true && l[0]["body"] == "Looks real." && l[1]["author"] == "reporter"
		}},
		caseStep{name: "reporter reads it", call: get("reporter-ro", "/api/v1/reports/{mine}/messages"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["body"] == "Also on X300." && l[0]["internal"] == false
		}},
		caseStep{name: "other reads it", call: get("other", "/api/v1/reports/{mine}/messages"), status: 404, code: "not_found"},
		caseStep{name: "anonymous reads it", call: get("", "/api/v1/reports/{id}/messages"), status: 404, code: "not_found"},
		caseStep{name: "conversation of no report", call: get("staff", "/api/v1/reports/987654/messages"), status: 404, code: "not_found"},
		caseStep{name: "a closed report's notices", call: get("staff", "/api/v1/reports/{c1}/messages"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) >= 1 && l[len(l)-1]["kind"] == "notice" && strings.Contains(fmt.Sprint(l[len(l)-1]["body"]), "Not ours.")
		}},
	)
	// Track records, for staff.
	add(
		caseStep{name: "validate mine", call: post("staff", "/api/v1/reports/{mine}/validate", `{"version":1}`), status: 200},
		caseStep{name: "track record anonymously", call: get("", "/api/v1/users/{reporterID}/track-record"), status: 401, code: "unauthenticated"},
		caseStep{name: "reporter's own track record", call: get("reporter", "/api/v1/users/{reporterID}/track-record"), status: 403, code: "forbidden"},
		caseStep{name: "track record", call: get("staff-ro", "/api/v1/users/{reporterID}/track-record"), status: 200, check: func(m map[string]any) bool {
			return num(m["user_id"]) == e.vars["reporterID"] && m["valid"] == 1.0 && m["pending"] == 0.0 && m["invalid"] == 0.0 && m["known"] == true
		}},
		caseStep{name: "no reports yet", call: get("staff", "/api/v1/users/{otherID}/track-record"), status: 200, check: func(m map[string]any) bool {
			return m["valid"] == 0.0 && m["pending"] == 0.0 && m["known"] == false
		}},
		caseStep{name: "track record of no user", call: get("staff", "/api/v1/users/987654/track-record"), status: 404, code: "not_found"},
		caseStep{name: "track record of no number", call: get("staff", "/api/v1/users/bob/track-record"), status: 404, code: "not_found"},
	)
	e.run(t, steps)

	// The download itself: the file's bytes, as an attachment never shown.
	for _, as := range []string{"staff", "staff-ro"} {
		status, h, body := rawGet(t, e, as, "/api/v1/reports/{idTID}/attachments/{att}")
		if status != 200 || body != "print('A'*5000)" || h.Get("Content-Type") != "application/octet-stream" ||
			h.Get("Content-Disposition") != "attachment; filename=poc.py" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.Contains(h.Get("Content-Security-Policy"), "sandbox") || h.Get("Cache-Control") != "private, no-store" {
			t.Errorf("%s downloads: %d %q %v", as, status, body, h)
		}
	}
	if status, h, body := rawGet(t, e, "reporter", "/api/v1/reports/{mine}/attachments/{mineAtt}"); status != 200 || body != "segfault at 0x41414141" ||
		h.Get("Content-Disposition") != "attachment; filename=crash.log" || h.Get("X-Content-Type-Options") != "nosniff" {
		t.Errorf("the reporter downloads: %d %q %v", status, body, h)
	}
}

// rawGet reads an answer that is not JSON.
func rawGet(t *testing.T, e *caseEnv, as, path string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.srv.URL+e.expand(path), nil)
	if tok, ok := e.tokens[as]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}
