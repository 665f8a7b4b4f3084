package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The access matrix of issue 4: for each role (the coordinator, the
// case's vendor A, its vendor B, the reporter, a user of an organisation
// not in the case, anonymous) and each case resource, through the API and
// the pages, exactly the expected access. The demo case is under an
// embargo that only vendor A has accepted, so vendor B sees its summary
// alone; a thread and a vendor statement are added per test below.

// matrixUser signs in through the API (a token) and the pages (a cookie).
type matrixUser struct {
	name  string
	token string
	web   *http.Client
}

func signInBoth(t *testing.T, base, email string) matrixUser {
	t.Helper()
	u := matrixUser{name: email}
	if email == "" {
		u.name = "anonymous"
		u.web = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		return u
	}
	body := `{"email":"` + email + `","password":"` + demoPassword + `"}`
	resp, err := http.Post(base+"/api/v1/auth/token", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var tok struct{ Secret string }
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if tok.Secret == "" {
		t.Fatalf("no token for %s: %d", email, resp.StatusCode)
	}
	u.token = tok.Secret
	jar, _ := cookiejar.New(nil)
	u.web = &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = u.web.PostForm(base+"/login", url.Values{"email": {email}, "password": {demoPassword}, "next": {"/cases"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("page sign-in of %s: %d", email, resp.StatusCode)
	}
	return u
}

// get fetches path through the API (a path under /api/) or the pages.
func (u matrixUser) get(t *testing.T, base, path string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	client := u.web
	if strings.HasPrefix(path, "/api/") {
		client = &http.Client{Timeout: 30 * time.Second}
		if u.token != "" {
			req.Header.Set("Authorization", "Bearer "+u.token)
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// apiDo sends an API request as u and decodes the answer.
func (u matrixUser) apiDo(t *testing.T, base, method, path, body string, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+u.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s %s as %s: %d %s", method, path, u.name, resp.StatusCode, b)
	}
	if out != nil {
		_ = json.NewDecoder(resp.Body).Decode(out)
	}
}

// access is what one role gets from one resource: the status, and words
// the answer must show or must not.
type access struct {
	status int
	shows  []string
	hides  []string
}

func TestAccessMatrix(t *testing.T) {
	base := startDemo(t)
	coord := signInBoth(t, base, "coordinator@cert.example.org")
	acme := signInBoth(t, base, "psirt@acme.example.com")
	globex := signInBoth(t, base, "security@globex.example.net")
	reporter := signInBoth(t, base, "finder@nightowl.example")
	outsider := signInBoth(t, base, "analyst@energy-isac.example")
	anon := signInBoth(t, base, "")
	key := "PAR-" + time.Now().Format("2006") + "-0001"

	// An embargo that the coordinator and Acme accepted, Globex not yet.
	var acmeCase struct {
		Access struct{ Participants []int64 }
	}
	acme.apiDo(t, base, "GET", "/api/v1/cases/"+key, "", &acmeCase)
	acmeP := acmeCase.Access.Participants[0]
	ends := time.Now().AddDate(0, 0, 30).UTC().Format(time.RFC3339)
	coord.apiDo(t, base, "POST", "/api/v1/cases/"+key+"/embargo/proposals", `{"ends_at":"`+ends+`"}`, nil)
	acme.apiDo(t, base, "POST", "/api/v1/cases/"+key+"/embargo/answers", `{"participant_id":`+itoa64(acmeP)+`,"answer":"accept"}`, nil)
	coord.apiDo(t, base, "POST", "/api/v1/cases/"+key+"/embargo/decision", `{"decision":"accept"}`, nil)

	const vuln = "IPv6 fragments"
	full := access{200, []string{vuln}, nil}
	summary := access{200, []string{"Out-of-bounds write in an embedded"}, []string{vuln}}
	none := access{404, nil, []string{"Out-of-bounds"}}
	apiAnon := access{401, nil, []string{"Out-of-bounds"}}
	webAnon := access{303, nil, []string{"Out-of-bounds"}}
	roles := []matrixUser{coord, acme, globex, reporter, outsider, anon}
	matrix := map[string][]access{ // by path, in the order of roles
		"/api/v1/cases/" + key: {full, full, summary, full, none, apiAnon},
		"/cases/" + key:        {full, full, summary, full, none, webAnon},
		"/api/v1/cases/" + key + "/participants": {
			{200, []string{"Globex", "Acme"}, nil}, {200, []string{"Acme"}, []string{"Globex"}}, {200, []string{"Globex"}, []string{"Acme"}},
			{200, []string{"Night Owl"}, []string{"Globex", "Acme"}}, none, apiAnon},
		"/api/v1/cases/" + key + "/timeline": {
			{200, []string{"Globex", "Acme"}, nil}, {200, []string{"Acme"}, []string{"Globex"}}, {200, nil, []string{"Acme", vuln}},
			{200, nil, []string{"Globex", "Acme"}}, none, apiAnon},
		"/api/v1/cases/" + key + "/embargo": {
			{200, []string{"Globex", "Acme"}, nil}, {200, []string{"Acme"}, []string{"Globex"}}, {200, []string{"Globex", `"restricted":true`}, []string{"Acme"}},
			{200, nil, []string{"Globex", "Acme"}}, none, apiAnon},
		"/cases/" + key + "/embargo": {
			{200, []string{"Globex", "Acme"}, nil}, {200, []string{"Acme"}, []string{"Globex"}}, {200, []string{"once you accept the embargo"}, []string{"Acme"}},
			{200, nil, []string{"Globex Firmware", "Acme Routers"}}, none, webAnon},
		"/api/v1/cases/" + key + "/deadlines": {
			{200, []string{"embargo_answer"}, nil}, {200, nil, nil}, {200, []string{"embargo_answer"}, nil}, {200, nil, nil}, none, apiAnon},
		"/api/v1/cases/" + key + "/disputes": {{200, nil, nil}, {200, nil, nil}, {200, nil, nil}, {200, nil, nil}, none, apiAnon},
	}
	checkMatrix(t, base, roles, matrix)

	// A vendor statement: unshared, only its vendor and the coordinators
	// read it; shared, the other participants too, but not one that has
	// not accepted the embargo.
	var c struct{ Vulnerabilities []struct{ ID int64 } }
	acme.apiDo(t, base, "GET", "/api/v1/cases/"+key, "", &c)
	var st struct{ ID int64 }
	acme.apiDo(t, base, "POST", "/api/v1/cases/"+key+"/status", `{"vulnerability_id":`+itoa64(c.Vulnerabilities[0].ID)+
		`,"product":"Acme R9000 router","status":"affected","action_statement":"Update the firmware."}`, &st)
	statusPath := "/api/v1/cases/" + key + "/status"
	unshared := []access{{200, []string{"R9000"}, nil}, {200, []string{"R9000"}, nil}, {200, nil, []string{"R9000"}},
		{200, nil, []string{"R9000"}}, none, apiAnon}
	checkMatrix(t, base, roles, map[string][]access{statusPath: unshared, "/cases/" + key + "/status": {
		{200, []string{"R9000"}, nil}, {200, []string{"R9000"}, nil}, {200, nil, []string{"R9000"}}, {200, nil, []string{"R9000"}}, none, webAnon}})
	// Threads: one with Acme alone, one with the whole case (which a
	// participant that has not accepted the embargo does not see).
	var th struct{ ID int64 }
	coord.apiDo(t, base, "POST", "/api/v1/cases/"+key+"/threads", `{"title":"Patch timing with Acme","body":"When can you ship?","with":[`+itoa64(acmeP)+`]}`, &th)
	coord.apiDo(t, base, "POST", "/api/v1/cases/"+key+"/threads", `{"title":"Everyone: advisory draft","body":"Draft attached soon.","audience":"case"}`, nil)
	threads := "/api/v1/cases/" + key + "/threads"
	one := threads + "/" + itoa64(th.ID)
	checkMatrix(t, base, roles, map[string][]access{
		threads: {{200, []string{"Patch timing", "advisory draft"}, nil}, {200, []string{"Patch timing", "advisory draft"}, nil},
			{200, nil, []string{"Patch timing", "advisory draft"}}, {200, []string{"advisory draft"}, []string{"Patch timing"}}, none, apiAnon},
		one: {{200, []string{"When can you ship"}, nil}, {200, []string{"When can you ship"}, nil}, none, none, none, apiAnon},
		"/cases/" + key + "/threads/" + itoa64(th.ID): {{200, []string{"When can you ship"}, nil}, {200, []string{"When can you ship"}, nil},
			none, none, none, webAnon},
	})
	acme.apiDo(t, base, "PATCH", statusPath+"/"+itoa64(st.ID), `{"shared":true,"version":1}`, nil)
	checkMatrix(t, base, roles, map[string][]access{statusPath: {{200, []string{"R9000"}, nil}, {200, []string{"R9000"}, nil},
		{200, nil, []string{"R9000"}}, {200, []string{"R9000"}, nil}, none, apiAnon}})
}

// checkMatrix asks each role for each path and compares with the matrix.
func checkMatrix(t *testing.T, base string, roles []matrixUser, matrix map[string][]access) {
	t.Helper()
	for path, want := range matrix {
		for i, u := range roles {
			status, body := u.get(t, base, path)
			w := want[i]
			if status != w.status {
				t.Errorf("%s as %s: %d, want %d", path, u.name, status, w.status)
				continue
			}
			for _, s := range w.shows {
				if !strings.Contains(body, s) {
					t.Errorf("%s as %s does not show %q", path, u.name, s)
				}
			}
			for _, s := range w.hides {
				if strings.Contains(body, s) {
					t.Errorf("%s as %s shows %q", path, u.name, s)
				}
			}
		}
	}
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
