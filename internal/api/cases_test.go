package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/api"
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

// caseEnv is an instance with a coordinator (CERT, whose member is staff),
// three vendors (Acme, Globex, Initech) with one admin each, and a token
// per person; vars are the placeholders of request paths and bodies,
// filled in as the scenario learns IDs.
type caseEnv struct {
	srv    *httptest.Server
	orgs   *org.Service
	admin  auth.Principal
	tokens map[string]string
	vars   map[string]string
}

// newCaseEnv is that instance with SSVC served; the orgs are {staffOrg},
// {acmeOrg}, {globexOrg} and {outsiderOrg}, and only staff and acme have
// a read-only token ("-ro") too.
func newCaseEnv(t *testing.T) *caseEnv {
	t.Helper()
	f := newFixture(t, may1, func(_ *fixture, d *api.Deps) { d.SSVC = newSSVC(t) })
	people := slices.Clone(certAndVendors)
	people[2].writeOnly, people[3].writeOnly = true, true // globex, outsider
	f.signUp(t, people...)
	f.orgVars()
	return f.caseEnv
}

// expand fills in the placeholders {name} of s.
func (e *caseEnv) expand(s string) string {
	var pairs []string
	for k, v := range e.vars {
		pairs = append(pairs, "{"+k+"}", v)
	}
	return strings.NewReplacer(pairs...).Replace(s)
}

func (e *caseEnv) do(t *testing.T, c call) (int, map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(c.method, e.srv.URL+e.expand(c.path), strings.NewReader(e.expand(c.body)))
	if c.body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok, ok := e.tokens[c.as]; ok {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range c.headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return resp.StatusCode, m, resp.Header
}

// items returns the items of a list answer.
func items(m map[string]any) []map[string]any {
	var out []map[string]any
	list, _ := m["items"].([]any)
	for _, x := range list {
		item, _ := x.(map[string]any)
		out = append(out, item)
	}
	return out
}

func num(v any) string { f, _ := v.(float64); return fmt.Sprint(int64(f)) }

func message(m map[string]any) string {
	e, _ := m["error"].(map[string]any)
	s, _ := e["message"].(string)
	return s
}

func strs(v any) []string {
	var out []string
	list, _ := v.([]any)
	for _, x := range list {
		s, _ := x.(string)
		out = append(out, s)
	}
	return out
}

type caseStep struct {
	name   string
	call   call
	status int
	code   string
	field  string
	check  func(m map[string]any) bool // the body is as expected
	save   func(m map[string]any)      // learns placeholders from the body
}

// run runs steps in order: later steps rely on what earlier ones did.
func (e *caseEnv) run(t *testing.T, steps []caseStep) {
	t.Helper()
	for _, s := range steps {
		ok := t.Run(s.name, func(t *testing.T) {
			status, body, _ := e.do(t, s.call)
			code, field := errField(body)
			if status != s.status || code != s.code || field != s.field {
				t.Fatalf("got %d %s/%s %v; want %d %s/%s", status, code, field, body, s.status, s.code, s.field)
			}
			if s.check != nil && !s.check(body) {
				t.Fatalf("unexpected body %v", body)
			}
			if s.save != nil {
				s.save(body)
			}
		})
		if !ok && s.save != nil {
			t.FailNow() // what follows needs what this step learns
		}
	}
}

const vuln31 = `CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H`

func TestCaseScenarios(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	var steps []caseStep
	add := func(s ...caseStep) { steps = append(steps, s...) }
	get := func(as, path string) call { return call{as: as, method: "GET", path: path} }
	post := func(as, path, body string) call { return call{as: as, method: "POST", path: path, body: body} }
	patch := func(as, path, body string) call { return call{as: as, method: "PATCH", path: path, body: body} }

	// Opening cases, and the input a case refuses.
	add(
		caseStep{name: "vendor opens a case", call: post("acme", "/api/v1/cases", `{"title":"X"}`), status: 403, code: "forbidden"},
		caseStep{name: "no title", call: post("staff", "/api/v1/cases", `{"summary":"x"}`), status: 422, code: "invalid", field: "title"},
		caseStep{name: "bad CWE", call: post("staff", "/api/v1/cases", `{"title":"X","vulnerabilities":[{"title":"v","cwe":"79"}]}`),
			status: 422, code: "invalid", field: "vulnerabilities[0].cwe"},
		caseStep{name: "bad CVSS vector", call: post("staff", "/api/v1/cases", `{"title":"X","vulnerabilities":[{"title":"v","cvss31_vector":"CVSS:3.1/AV:Q"}]}`),
			status: 422, code: "invalid", field: "vulnerabilities[0].cvss31_vector"},
		caseStep{name: "unknown field", call: post("staff", "/api/v1/cases", `{"title":"X","severity":"high"}`), status: 422, code: "invalid", field: "severity"},
		caseStep{name: "create", call: post("staff", "/api/v1/cases",
			`{"title":"Router login bypass","summary":"Found by a researcher","vulnerabilities":[{"title":"Auth bypass","cwe":"cwe-287","cvss31_vector":"`+vuln31+`","cve_id":"CVE-2026-1234"}]}`),
			status: 201, check: func(m map[string]any) bool {
				v := items(map[string]any{"items": m["vulnerabilities"]})
				return m["key"] == "PAR-2026-0001" && m["em"] == "N" && m["cs_global"] == "pxa" && m["access"] == nil &&
					len(v) == 1 && v[0]["cwe"] == "CWE-287" && v[0]["cvss31_score"] == 9.8 && v[0]["version"] == 1.0
			}, save: func(m map[string]any) {
				e.vars["key"], e.vars["id"] = m["key"].(string), num(m["id"])
				e.vars["vuln"] = num(m["vulnerabilities"].([]any)[0].(map[string]any)["id"])
			}},
		caseStep{name: "create another", call: post("staff", "/api/v1/cases", `{"title":"Globex firmware"}`), status: 201,
			save: func(m map[string]any) { e.vars["key2"] = m["key"].(string) }},
	)
	// Reading and listing.
	add(
		caseStep{name: "staff lists", call: get("staff", "/api/v1/cases"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 2 }},
		caseStep{name: "list pages", call: get("staff", "/api/v1/cases?limit=1"), status: 200, check: func(m map[string]any) bool {
			return len(items(m)) == 1 && m["next_cursor"] != nil
		}},
		caseStep{name: "list q", call: get("staff-ro", "/api/v1/cases?q=firmware"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["title"] == "Globex firmware" && l[0]["vulnerabilities"] == nil
		}},
		caseStep{name: "list mine", call: get("staff", "/api/v1/cases?mine=true&em=N"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 2 }},
		caseStep{name: "list bad em", call: get("staff", "/api/v1/cases?em=Z"), status: 422, code: "invalid", field: "em"},
		caseStep{name: "list bad mine", call: get("staff", "/api/v1/cases?mine=perhaps"), status: 422, code: "invalid", field: "mine"},
		caseStep{name: "list bad cursor", call: get("staff", "/api/v1/cases?cursor=zzz"), status: 422, code: "invalid", field: "cursor"},
		caseStep{name: "anonymous list", call: get("", "/api/v1/cases"), status: 401, code: "unauthenticated"},
		caseStep{name: "staff reads by key in lower case", call: get("staff", "/api/v1/cases/par-2026-0001"), status: 200, check: func(m map[string]any) bool {
			acc, _ := m["access"].(map[string]any)
			return m["title"] == "Router login bypass" && acc["manage"] == true && acc["coordinator"] == true &&
				slices.Contains(strs(acc["actions"]), "em") && slices.Contains(strs(acc["actions"]), "cs.P")
		}},
		caseStep{name: "read by ID", call: get("staff", "/api/v1/cases/{id}"), status: 200, check: func(m map[string]any) bool { return m["key"] == e.vars["key"] }},
		caseStep{name: "no such case", call: get("staff", "/api/v1/cases/PAR-2026-9999"), status: 404, code: "not_found"},
		caseStep{name: "anonymous read", call: get("", "/api/v1/cases/{key}"), status: 401, code: "unauthenticated"},
		caseStep{name: "coordinator participant", call: get("staff", "/api/v1/cases/{key}/participants?role=coordinator"), status: 200,
			check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 1 && l[0]["name"] == "CERT" && l[0]["rm"] == "A"
			},
			save: func(m map[string]any) { e.vars["coordP"] = num(items(m)[0]["id"]) }},
	)
	// Participants.
	add(
		caseStep{name: "vendor not yet in the case adds participants", call: post("acme", "/api/v1/cases/{key}/participants", `{"participants":[{"org_id":{globexOrg},"roles":["vendor"]}]}`),
			status: 404, code: "not_found"},
		caseStep{name: "unknown org", call: post("staff", "/api/v1/cases/{key}/participants", `{"participants":[{"org_id":{acmeOrg},"roles":["vendor"]},{"org_id":999999,"roles":["vendor"]}]}`),
			status: 422, code: "invalid", field: "participants[1].org_id"},
		caseStep{name: "unknown role", call: post("staff", "/api/v1/cases/{key}/participants", `{"participants":[{"org_id":{acmeOrg},"roles":["king"]}]}`),
			status: 422, code: "invalid", field: "participants[0].roles"},
		caseStep{name: "org and user", call: post("staff", "/api/v1/cases/{key}/participants", `{"participants":[{"org_id":{acmeOrg},"user_id":1,"roles":["vendor"]}]}`),
			status: 422, code: "invalid", field: "participants[0]"},
		caseStep{name: "nobody", call: post("staff", "/api/v1/cases/{key}/participants", `{"participants":[]}`), status: 422, code: "invalid", field: "participants"},
		caseStep{name: "add vendors", call: post("staff", "/api/v1/cases/{key}/participants",
			`{"participants":[{"org_id":{acmeOrg},"roles":["vendor"]},{"org_id":{globexOrg},"roles":["vendor","deployer"]}]}`),
			status: 201, check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 2 && l[0]["name"] == "Acme" && l[0]["rm"] == "S" && l[0]["vfd"] == "vfd" && l[0]["consent"] == "none" &&
					slices.Equal(strs(l[1]["roles"]), []string{"vendor", "deployer"})
			}, save: func(m map[string]any) {
				e.vars["acmeP"], e.vars["globexP"] = num(items(m)[0]["id"]), num(items(m)[1]["id"])
			}},
		caseStep{name: "add again", call: post("staff", "/api/v1/cases/{key}/participants", `{"participants":[{"org_id":{globexOrg},"roles":["vendor"]}]}`),
			status: 409, code: "conflict", field: "participants[0].org_id"},
		caseStep{name: "globex in the other case", call: post("staff", "/api/v1/cases/{key2}/participants", `{"participants":[{"org_id":{globexOrg},"roles":["vendor"]}]}`),
			status: 201},
	)
	// What a vendor sees.
	add(
		caseStep{name: "vendor lists cases", call: get("acme", "/api/v1/cases"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 1 && l[0]["key"] == e.vars["key"]
		}},
		caseStep{name: "vendor reads its case", call: get("acme", "/api/v1/cases/{key}"), status: 200, check: func(m map[string]any) bool {
			acc, _ := m["access"].(map[string]any)
			acts := strs(acc["actions"])
			return acc["manage"] == false && num(acc["participants"].([]any)[0]) == e.vars["acmeP"] &&
				slices.Equal(acts, []string{"rm", "consent.accept", "consent.decline", "cs.F", "cs.D"})
		}},
		caseStep{name: "the look recorded V", call: get("staff", "/api/v1/cases/{key}/participants?role=vendor"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 2 && l[0]["vfd"] == "Vfd" && l[0]["first_view_at"] != nil && l[1]["vfd"] == "vfd" && l[1]["first_view_at"] == nil
		}},
		caseStep{name: "vendor sees the coordinator and itself", call: get("acme", "/api/v1/cases/{key}/participants"), status: 200,
			check: func(m map[string]any) bool {
				var names []string
				for _, p := range items(m) {
					names = append(names, p["name"].(string))
				}
				return slices.Equal(names, []string{"CERT", "Acme"})
			}},
		caseStep{name: "vendor asks for vendors", call: get("acme", "/api/v1/cases/{key}/participants?role=vendor"), status: 200,
			check: func(m map[string]any) bool { l := items(m); return len(l) == 1 && l[0]["name"] == "Acme" }},
		caseStep{name: "vendor reads the other case", call: get("acme", "/api/v1/cases/{key2}"), status: 404, code: "not_found"},
		caseStep{name: "vendor steps another vendor", call: post("acme", "/api/v1/cases/{key}/participants/{globexP}/rm", `{"event":"close"}`),
			status: 403, code: "forbidden"},
		caseStep{name: "vendor records P", call: post("acme", "/api/v1/cases/{key}/cs", `{"event":"P"}`), status: 403, code: "forbidden"},
		caseStep{name: "vendor adds a vulnerability", call: post("acme", "/api/v1/cases/{key}/vulnerabilities", `{"title":"x"}`), status: 403, code: "forbidden"},
		caseStep{name: "read-only token", call: get("acme-ro", "/api/v1/cases/{key}"), status: 200, check: func(m map[string]any) bool {
			acc, _ := m["access"].(map[string]any)
			return len(strs(acc["actions"])) == 0 && acc["actions"] != nil
		}},
		caseStep{name: "read-only token steps", call: post("acme-ro", "/api/v1/cases/{key}/participants/{acmeP}/rm", `{"event":"validate"}`),
			status: 403, code: "forbidden"},
	)
	// An outsider finds nothing, whatever it sends.
	for _, c := range []call{
		get("outsider", "/api/v1/cases/{key}"),
		get("outsider", "/api/v1/cases/{id}"),
		get("outsider", "/api/v1/cases/{key}/participants"),
		get("outsider", "/api/v1/cases/{key}/timeline"),
		post("outsider", "/api/v1/cases/{key}/participants", `{"participants":[]}`),
		post("outsider", "/api/v1/cases/{id}/participants", `{"participants":[]}`),
		post("outsider", "/api/v1/cases/{key}/participants/{acmeP}/rm", `{"event":"nonsense"}`),
		post("outsider", "/api/v1/cases/{key}/participants/{acmeP}/consent", `{"event":"accept"}`),
		post("outsider", "/api/v1/cases/{key}/vulnerabilities", `{"title":""}`),
		patch("outsider", "/api/v1/cases/{key}/vulnerabilities/{vuln}", `{"title":"x","version":1}`),
		post("outsider", "/api/v1/cases/{key}/embargo/proposals", `{"ends_at":"2026-06-01T12:00:00Z"}`),
		get("outsider", "/api/v1/cases/{key}/embargo"),
		post("outsider", "/api/v1/cases/{key}/embargo/answers", `{"participant_id":{acmeP},"answer":"accept"}`),
		post("outsider", "/api/v1/cases/{key}/embargo/decision", `{"decision":"accept"}`),
		post("outsider", "/api/v1/cases/{key}/cs", `{"event":"Q"}`),
		post("outsider", "/api/v1/cases/{id}/cs", `{"event":"V","vendor":"x"}`),
		post("outsider", "/api/v1/cases/{key}/send", `{"from":{coordP},"to":{acmeP}}`),
	} {
		add(caseStep{name: "outsider " + c.method + " " + c.path, call: c, status: 404, code: "not_found"})
	}
	add(caseStep{name: "outsider lists", call: get("outsider", "/api/v1/cases"), status: 200, check: func(m map[string]any) bool { return len(items(m)) == 0 }})

	// Report management, embargo and case state through the model.
	rm := func(as, who, body string) call {
		return post(as, "/api/v1/cases/{key}/participants/{"+who+"}/rm", body)
	}
	add(
		caseStep{name: "unknown RM event", call: rm("staff", "acmeP", `{"event":"frobnicate"}`), status: 422, code: "invalid", field: "event",
			check: func(m map[string]any) bool { return strings.Contains(message(m), "validate (v)") }},
		caseStep{name: "no RM event", call: rm("staff", "acmeP", `{}`), status: 422, code: "invalid", field: "event"},
		caseStep{name: "validate before receiving", call: rm("staff", "acmeP", `{"event":"validate"}`), status: 409, code: "conflict",
			check: func(m map[string]any) bool {
				return message(m) == "RM: v not allowed in state S: a report is validated after it is received, or when an invalid one is reconsidered"
			}},
		caseStep{name: "receive by RM step", call: rm("staff", "acmeP", `{"event":"r"}`), status: 409, code: "conflict"},
		caseStep{name: "no such participant", call: post("staff", "/api/v1/cases/{key}/participants/999999/rm", `{"event":"v"}`), status: 404, code: "not_found"},
		caseStep{name: "non-numeric participant", call: post("staff", "/api/v1/cases/{key}/participants/acme/rm", `{"event":"v"}`), status: 404, code: "not_found"},
		caseStep{name: "send without to", call: post("staff", "/api/v1/cases/{key}/send", `{"from":{coordP}}`), status: 422, code: "invalid", field: "to"},
		caseStep{name: "send to oneself", call: post("staff", "/api/v1/cases/{key}/send", `{"from":{acmeP},"to":{acmeP}}`), status: 422, code: "invalid", field: "to"},
		caseStep{name: "send from a vendor in Start", call: post("staff", "/api/v1/cases/{key}/send", `{"from":{globexP},"to":{acmeP}}`), status: 409, code: "conflict"},
		caseStep{name: "send", call: post("staff", "/api/v1/cases/{key}/send", `{"from":{coordP},"to":{acmeP}}`), status: 200,
			check: func(m map[string]any) bool { return m["rm"] == "R" && m["rm_name"] == "Received" }},
		caseStep{name: "vendor validates", call: rm("acme", "acmeP", `{"event":"Validate"}`), status: 200, check: func(m map[string]any) bool { return m["rm"] == "V" }},
		caseStep{name: "vendor accepts by letter", call: rm("acme", "acmeP", `{"event":"a"}`), status: 200, check: func(m map[string]any) bool { return m["rm"] == "A" }},
		caseStep{name: "propose without a zone", call: post("staff", "/api/v1/cases/{key}/embargo/proposals", `{"ends_at":"2026-06-01T12:00"}`),
			status: 422, code: "invalid", field: "zone"},
		caseStep{name: "propose in the past", call: post("staff", "/api/v1/cases/{key}/embargo/proposals", `{"ends_at":"2026-04-01T12:00:00Z"}`),
			status: 422, code: "invalid", field: "ends_at"},
		caseStep{name: "propose beyond a year", call: post("staff", "/api/v1/cases/{key}/embargo/proposals",
			`{"ends_at":"2027-06-01T12:00","zone":"Europe/Berlin","justification":"long"}`), status: 422, code: "invalid", field: "ends_at"},
		caseStep{name: "propose 100 days unjustified", call: post("staff", "/api/v1/cases/{key}/embargo/proposals", `{"ends_at":"2026-08-09T12:00:00Z"}`),
			status: 422, code: "invalid", field: "justification"},
		caseStep{name: "propose as another's participant", call: post("acme", "/api/v1/cases/{key}/embargo/proposals",
			`{"ends_at":"2026-06-01T12:00:00Z","as_participant":{globexP}}`), status: 422, code: "invalid", field: "as_participant"},
		caseStep{name: "answer with nothing pending", call: post("acme", "/api/v1/cases/{key}/embargo/answers", `{"participant_id":{acmeP},"answer":"accept"}`),
			status: 409, code: "conflict"},
		caseStep{name: "propose", call: post("staff", "/api/v1/cases/{key}/embargo/proposals", `{"ends_at":"2026-06-15T17:00","zone":"Europe/Berlin"}`),
			status: 201, check: func(m map[string]any) bool {
				return m["status"] == "pending" && m["kind"] == "proposal" && m["ends_at"] == "2026-06-15T15:00:00Z" &&
					m["ends_local"] == "2026-06-15T17:00:00+02:00" && num(m["proposed_by"]) == e.vars["coordP"]
			}, save: func(m map[string]any) { e.vars["prop"] = num(m["id"]) }},
		caseStep{name: "unknown consent event", call: post("acme", "/api/v1/cases/{key}/participants/{acmeP}/consent", `{"event":"lapse"}`),
			status: 422, code: "invalid", field: "event"},
		caseStep{name: "vendor invites itself", call: post("acme", "/api/v1/cases/{key}/participants/{acmeP}/consent", `{"event":"invite"}`),
			status: 403, code: "forbidden"},
		caseStep{name: "answer neither yes nor no", call: post("acme", "/api/v1/cases/{key}/embargo/answers", `{"participant_id":{acmeP},"answer":"maybe"}`),
			status: 422, code: "invalid", field: "answer"},
		caseStep{name: "answer for another vendor", call: post("acme", "/api/v1/cases/{key}/embargo/answers", `{"participant_id":{globexP},"answer":"accept"}`),
			status: 403, code: "forbidden"},
		caseStep{name: "vendor accepts", call: post("acme", "/api/v1/cases/{key}/embargo/answers",
			`{"participant_id":{acmeP},"proposal_id":{prop},"answer":"accept","comment":"ok"}`), status: 200,
			check: func(m map[string]any) bool { return m["status"] == "pending" }},
		caseStep{name: "vendor decides", call: post("acme", "/api/v1/cases/{key}/embargo/decision", `{"decision":"accept"}`), status: 403, code: "forbidden"},
		caseStep{name: "coordinator puts it in force", call: post("staff", "/api/v1/cases/{key}/embargo/decision",
			`{"proposal_id":{prop},"decision":"accept","reason":"one vendor is slow"}`), status: 200,
			check: func(m map[string]any) bool { return m["status"] == "accepted" }},
		caseStep{name: "the embargo", call: get("globex", "/api/v1/cases/{key}/embargo"), status: 200,
			check: func(m map[string]any) bool {
				in, _ := m["in_force"].(map[string]any)
				return m["em"] == "A" && in["zone"] == "Europe/Berlin" && m["restricted"] == true && m["silence_days"] == 14.0
			}},
		caseStep{name: "a restricted vendor reads the case", call: get("globex", "/api/v1/cases/{key}"), status: 200,
			check: func(m map[string]any) bool {
				v, _ := m["vulnerabilities"].([]any)
				return len(v) == 0 && m["restricted"] == true
			}},
		caseStep{name: "answer the superseded", call: post("globex", "/api/v1/cases/{key}/embargo/answers",
			`{"participant_id":{globexP},"proposal_id":999999,"answer":"accept"}`), status: 404, code: "not_found"},
		caseStep{name: "close during the embargo", call: rm("acme", "acmeP", `{"event":"close"}`), status: 409, code: "conflict",
			check: func(m map[string]any) bool { return strings.Contains(message(m), "override") }},
		caseStep{name: "close with a reason", call: rm("acme", "acmeP", `{"event":"close","override_reason":"`+strings.Repeat("x", 2001)+`"}`),
			status: 422, code: "invalid", field: "override_reason"},
		caseStep{name: "unknown CS event", call: post("staff", "/api/v1/cases/{key}/cs", `{"event":"Q"}`), status: 422, code: "invalid", field: "event",
			check: func(m map[string]any) bool { return strings.Contains(message(m), "fix ready (F)") }},
		caseStep{name: "CS vendor event without vendor", call: post("staff", "/api/v1/cases/{key}/cs", `{"event":"F"}`), status: 422, code: "invalid", field: "vendor"},
		caseStep{name: "CS case event with vendor", call: post("staff", "/api/v1/cases/{key}/cs", `{"event":"P","vendor":{acmeP}}`), status: 422, code: "invalid", field: "vendor"},
		caseStep{name: "CS vendor of a coordinator", call: post("staff", "/api/v1/cases/{key}/cs", `{"event":"F","vendor":{coordP}}`), status: 422, code: "invalid", field: "vendor"},
		caseStep{name: "vendor's fix is ready", call: post("acme", "/api/v1/cases/{key}/cs", `{"event":"fix_ready","vendor":{acmeP}}`), status: 200,
			check: func(m map[string]any) bool {
				ch := items(map[string]any{"items": m["changes"]})
				return len(ch) == 1 && ch[0]["to"] == "VFdpxa" && num(ch[0]["participant_id"]) == e.vars["acmeP"] && ch[0]["message"] == "CF"
			}},
		// Globex is aware already: it looked at the case.
		caseStep{name: "deployed implies F", call: post("staff", "/api/v1/cases/{key}/cs", `{"event":"D","vendor":{globexP}}`), status: 200,
			check: func(m map[string]any) bool {
				var evs []string
				for _, c := range items(map[string]any{"items": m["changes"]}) {
					evs = append(evs, fmt.Sprintf("%v %v", c["event"], c["implied"]))
				}
				return slices.Equal(evs, []string{"F true", "D false"})
			}},
		caseStep{name: "fix ready twice", call: post("acme", "/api/v1/cases/{key}/cs", `{"event":"F","vendor":{acmeP}}`), status: 409, code: "conflict",
			check: func(m map[string]any) bool { return strings.Contains(message(m), "each event happens once") }},
		caseStep{name: "public ends the embargo", call: post("staff", "/api/v1/cases/{key}/cs", `{"event":"public aware"}`), status: 200,
			check: func(m map[string]any) bool {
				var machines []string
				for _, c := range items(map[string]any{"items": m["changes"]}) {
					machines = append(machines, c["machine"].(string))
				}
				return slices.Contains(machines, "EM") && slices.Contains(machines, "CS")
			}},
		caseStep{name: "the case after P", call: get("staff", "/api/v1/cases/{key}"), status: 200,
			check: func(m map[string]any) bool { return m["cs_global"] == "Pxa" && m["em"] == "X" }},
		caseStep{name: "propose after P", call: post("staff", "/api/v1/cases/{key}/embargo/proposals", `{"ends_at":"2026-06-01T12:00:00Z"}`),
			status: 409, code: "conflict"},
	)
	// Vulnerabilities and their versions.
	vpath := "/api/v1/cases/{key}/vulnerabilities/{vuln}"
	add(
		caseStep{name: "add vulnerability bad CVSS 4", call: post("staff", "/api/v1/cases/{key}/vulnerabilities", `{"title":"XSS","cvss40_vector":"CVSS:4.0/AV:N"}`),
			status: 422, code: "invalid", field: "cvss40_vector"},
		caseStep{name: "add vulnerability bad CVE", call: post("staff", "/api/v1/cases/{key}/vulnerabilities", `{"title":"XSS","cve_id":"CVE-26-1"}`),
			status: 422, code: "invalid", field: "cve_id"},
		caseStep{name: "add vulnerability with a version", call: post("staff", "/api/v1/cases/{key}/vulnerabilities", `{"title":"XSS","version":3}`),
			status: 422, code: "invalid", field: "version"},
		caseStep{name: "add vulnerability", call: post("staff", "/api/v1/cases/{id}/vulnerabilities", `{"title":"XSS","cwe":"CWE-79"}`), status: 201,
			check: func(m map[string]any) bool {
				return m["cwe"] == "CWE-79" && m["cvss31_score"] == nil && m["version"] == 1.0
			}},
		caseStep{name: "update without version", call: patch("staff", vpath, `{"title":"Auth bypass"}`), status: 422, code: "invalid", field: "version"},
		caseStep{name: "update bad CWE", call: patch("staff", vpath, `{"title":"Auth bypass","cwe":"CWE-0","version":1}`), status: 422, code: "invalid", field: "cwe"},
		caseStep{name: "update", call: patch("staff", vpath, `{"title":"Auth bypass in login","cwe":"CWE-287","version":1}`), status: 200,
			check: func(m map[string]any) bool {
				return m["version"] == 2.0 && m["title"] == "Auth bypass in login" && m["cvss31_vector"] == ""
			}},
		caseStep{name: "update with a stale version", call: patch("staff", vpath, `{"title":"Lost update","version":1}`), status: 409, code: "conflict"},
		caseStep{name: "vendor updates", call: patch("acme", vpath, `{"title":"Mine","version":2}`), status: 403, code: "forbidden"},
		caseStep{name: "no such vulnerability", call: patch("staff", "/api/v1/cases/{key}/vulnerabilities/999999", `{"title":"x","version":1}`), status: 404, code: "not_found"},
		caseStep{name: "vulnerability of another case", call: patch("staff", "/api/v1/cases/{key2}/vulnerabilities/{vuln}", `{"title":"x","version":2}`), status: 404, code: "not_found"},
		caseStep{name: "non-numeric vulnerability", call: patch("staff", "/api/v1/cases/{key}/vulnerabilities/abc", `{"title":"x","version":2}`), status: 404, code: "not_found"},
	)
	// Participant list filters and the timeline.
	add(
		caseStep{name: "participants bad rm", call: get("staff", "/api/v1/cases/{key}/participants?rm=Q"), status: 422, code: "invalid", field: "rm"},
		caseStep{name: "participants bad role", call: get("staff", "/api/v1/cases/{key}/participants?role=king"), status: 422, code: "invalid", field: "role"},
		caseStep{name: "participants bad sort", call: get("staff", "/api/v1/cases/{key}/participants?sort=age"), status: 422, code: "invalid", field: "sort"},
		caseStep{name: "participants bad silent", call: get("staff", "/api/v1/cases/{key}/participants?silent=sometimes"), status: 422, code: "invalid", field: "silent"},
		caseStep{name: "participants by rm", call: get("staff", "/api/v1/cases/{key}/participants?rm=A&sort=name"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 2 && l[0]["name"] == "Acme" && l[1]["name"] == "CERT"
		}},
		caseStep{name: "participants silent", call: get("staff", "/api/v1/cases/{key}/participants?silent=true"), status: 200,
			check: func(m map[string]any) bool { return len(items(m)) == 0 }},
		caseStep{name: "participants page", call: get("staff", "/api/v1/cases/{key}/participants?sort=name&limit=2"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			return len(l) == 2 && l[1]["name"] == "CERT" && m["next_cursor"] != nil
		}, save: func(m map[string]any) { e.vars["pcursor"] = m["next_cursor"].(string) }},
		caseStep{name: "participants next page", call: get("staff", "/api/v1/cases/{key}/participants?sort=name&limit=2&cursor={pcursor}"), status: 200,
			check: func(m map[string]any) bool {
				l := items(m)
				return len(l) == 1 && l[0]["name"] == "Globex" && m["next_cursor"] == nil
			}},
		caseStep{name: "timeline", call: get("staff", "/api/v1/cases/{key}/timeline?limit=200"), status: 200, check: func(m map[string]any) bool {
			l := items(m)
			var actions, msgs []string
			for _, x := range l {
				actions = append(actions, x["action"].(string))
				if s, ok := x["message"].(string); ok {
					msgs = append(msgs, s)
				}
			}
			return len(l) > 10 && actions[0] == "case.created" && l[0]["summary"] == "Case PAR-2026-0001 opened: Router login bypass" &&
				slices.Contains(actions, "case.viewed") && slices.Contains(msgs, "RV") && slices.Contains(msgs, "EP") && m["next_cursor"] == nil
		}},
		caseStep{name: "timeline page", call: get("staff", "/api/v1/cases/{key}/timeline?limit=2"), status: 200, check: func(m map[string]any) bool {
			return len(items(m)) == 2 && m["next_cursor"] != nil
		}, save: func(m map[string]any) {
			e.vars["tcursor"], e.vars["tlast"] = m["next_cursor"].(string), num(items(m)[1]["seq"])
		}},
		caseStep{name: "timeline next page", call: get("staff", "/api/v1/cases/{key}/timeline?limit=2&cursor={tcursor}"), status: 200,
			check: func(m map[string]any) bool { l := items(m); return len(l) == 2 && num(l[0]["seq"]) > e.vars["tlast"] }},
		caseStep{name: "vendor's timeline", call: get("acme", "/api/v1/cases/{key}/timeline?limit=200"), status: 200, check: func(m map[string]any) bool {
			for _, x := range items(m) {
				if strings.Contains(x["summary"].(string), "Globex") {
					return false
				}
			}
			return len(items(m)) > 3
		}},
		caseStep{name: "timeline bad limit", call: get("staff", "/api/v1/cases/{key}/timeline?limit=0"), status: 422, code: "invalid", field: "limit"},
	)
	e.run(t, steps)
}

// TestCaseParticipantsInBulk adds more participants than one statement
// writes, pages through them, and refuses more than cases.MaxBulk.
func TestCaseParticipantsInBulk(t *testing.T) {
	t.Parallel()
	e := newCaseEnv(t)
	ctx := context.Background()
	var list []string
	const n = 130
	for i := range n {
		o, err := e.orgs.Create(ctx, e.admin, org.Fields{Name: fmt.Sprintf("Vendor %03d", i), Kind: org.Vendor})
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, fmt.Sprintf(`{"org_id":%d,"roles":["vendor"]}`, o.ID))
	}
	too := strings.TrimSuffix(strings.Repeat(`{"org_id":1,"roles":["vendor"]},`, cases.MaxBulk+1), ",")
	idem := map[string]string{"Idempotency-Key": "bulk-1"}
	steps := []caseStep{
		{name: "create", call: call{as: "staff", method: "POST", path: "/api/v1/cases", body: `{"title":"Library used everywhere"}`}, status: 201,
			save: func(m map[string]any) { e.vars["key"] = m["key"].(string) }},
		{name: "too many", call: call{as: "staff", method: "POST", path: "/api/v1/cases/{key}/participants", body: `{"participants":[` + too + `]}`},
			status: 422, code: "invalid", field: "participants"},
		{name: "bulk add", call: call{as: "staff", method: "POST", path: "/api/v1/cases/{key}/participants", body: `{"participants":[` + strings.Join(list, ",") + `]}`,
			headers: idem}, status: 201, check: func(m map[string]any) bool { return len(items(m)) == n }},
		{name: "bulk add replayed", call: call{as: "staff", method: "POST", path: "/api/v1/cases/{key}/participants", body: `{"participants":[` + strings.Join(list, ",") + `]}`,
			headers: idem}, status: 201, check: func(m map[string]any) bool { return len(items(m)) == n }},
	}
	e.run(t, steps)
	seen := map[string]bool{}
	cursor := ""
	for page := 0; ; page++ {
		_, m, _ := e.do(t, call{as: "staff", method: "GET", path: "/api/v1/cases/{key}/participants?role=vendor&sort=rm&limit=50&cursor=" + cursor})
		for _, p := range items(m) {
			seen[num(p["id"])] = true
		}
		next, _ := m["next_cursor"].(string)
		if next == "" || page > 10 {
			break
		}
		cursor = next
	}
	if len(seen) != n {
		t.Fatalf("paged through %d vendors, want %d", len(seen), n)
	}
}
