package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestCaseCalls checks what each case call sends; the API's own tests and
// the CLI's end-to-end test run them against a real server.
func TestCaseCalls(t *testing.T) {
	type seen struct{ method, uri, body, idem string }
	var got seen
	answer, status := `{}`, 200
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.URL.RequestURI(), string(b), r.Header.Get("Idempotency-Key")}
		if r.Header.Get("Authorization") != "Bearer tok" {
			status = 401
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, answer)
	}))
	defer srv.Close()
	c := New(srv.URL, "tok")
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want seen
	}{
		{"list", func() error {
			_, err := c.Cases(ctx, CaseFilter{Query: "router", EM: "A", Mine: true, Cursor: "abc", Limit: 5})
			return err
		}, seen{"GET", "/api/v1/cases?cursor=abc&em=A&limit=5&mine=true&q=router", "", ""}},
		{"get", func() error { _, err := c.Case(ctx, "PAR-2026-0001"); return err },
			seen{"GET", "/api/v1/cases/PAR-2026-0001", "", ""}},
		{"escaped key", func() error { _, err := c.Case(ctx, "a/b?c"); return err },
			seen{"GET", "/api/v1/cases/a%2Fb%3Fc", "", ""}},
		{"create", func() error {
			_, err := c.CreateCase(ctx, NewCase{Title: "T", Vulnerabilities: []CaseVulnerabilityInput{{Title: "V", CWE: "CWE-79"}}}, IdempotencyKey("k"))
			return err
		}, seen{"POST", "/api/v1/cases", `{"title":"T","vulnerabilities":[{"title":"V","cwe":"CWE-79"}]}`, "k"}},
		{"add vulnerability", func() error {
			_, err := c.AddVulnerability(ctx, "K", CaseVulnerabilityInput{Title: "V", CVE: "CVE-2026-1234"})
			return err
		}, seen{"POST", "/api/v1/cases/K/vulnerabilities", `{"title":"V","cve_id":"CVE-2026-1234"}`, ""}},
		{"update vulnerability", func() error {
			_, err := c.UpdateVulnerability(ctx, "K", 7, CaseVulnerabilityInput{Title: "V", Version: 2})
			return err
		}, seen{"PATCH", "/api/v1/cases/K/vulnerabilities/7", `{"title":"V","version":2}`, ""}},
		{"participants", func() error {
			_, err := c.Participants(ctx, "K", ParticipantFilter{Role: "vendor", RM: "S", Silent: true, Sort: "name", Limit: 10})
			return err
		}, seen{"GET", "/api/v1/cases/K/participants?limit=10&rm=S&role=vendor&silent=true&sort=name", "", ""}},
		{"add participants", func() error {
			_, err := c.AddParticipants(ctx, "K", []NewCaseParticipant{{OrgID: 3, Roles: []string{"vendor"}}, {UserID: 4, Roles: []string{"reporter"}}})
			return err
		}, seen{"POST", "/api/v1/cases/K/participants", `{"participants":[{"org_id":3,"roles":["vendor"]},{"user_id":4,"roles":["reporter"]}]}`, ""}},
		{"rm", func() error { _, err := c.StepRM(ctx, "K", 5, "close", "legal says so"); return err },
			seen{"POST", "/api/v1/cases/K/participants/5/rm", `{"event":"close","override_reason":"legal says so"}`, ""}},
		{"consent", func() error { _, err := c.StepConsent(ctx, "K", 5, "accept"); return err },
			seen{"POST", "/api/v1/cases/K/participants/5/consent", `{"event":"accept"}`, ""}},
		{"propose", func() error {
			_, err := c.ProposeEmbargo(ctx, "K", EmbargoProposalInput{EndsAt: "2026-12-31T17:00", Zone: "Europe/Berlin", AsParticipant: 2})
			return err
		}, seen{"POST", "/api/v1/cases/K/embargo/proposals", `{"ends_at":"2026-12-31T17:00","zone":"Europe/Berlin","as_participant":2}`, ""}},
		{"answer", func() error { _, err := c.AnswerEmbargo(ctx, "K", 5, 7, "accept", ""); return err },
			seen{"POST", "/api/v1/cases/K/embargo/answers", `{"answer":"accept","participant_id":5,"proposal_id":7}`, ""}},
		{"cs vendor", func() error { _, err := c.RecordCS(ctx, "K", "F", 5); return err },
			seen{"POST", "/api/v1/cases/K/cs", `{"event":"F","vendor":5}`, ""}},
		{"cs case", func() error { _, err := c.RecordCS(ctx, "K", "P", 0); return err },
			seen{"POST", "/api/v1/cases/K/cs", `{"event":"P"}`, ""}},
		{"send", func() error { _, err := c.SendReport(ctx, "K", 1, 5); return err },
			seen{"POST", "/api/v1/cases/K/send", `{"from":1,"to":5}`, ""}},
		{"timeline", func() error { _, err := c.Timeline(ctx, "K", "xyz", 20); return err },
			seen{"GET", "/api/v1/cases/K/timeline?cursor=xyz&limit=20", "", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("sent %+v\nwant %+v", got, tt.want)
			}
		})
	}

	answer = `{"changes":[{"machine":"CS","participant_id":5,"from":"vfdpxa","event":"V","to":"Vfdpxa","message":"CV","implied":true}]}`
	ch, err := c.RecordCS(ctx, "K", "V", 5)
	if err != nil || len(ch) != 1 || ch[0] != (CaseChange{Machine: "CS", ParticipantID: 5, From: "vfdpxa", Event: "V", To: "Vfdpxa", Message: "CV", Implied: true}) {
		t.Fatalf("changes: %+v %v", ch, err)
	}
	answer, status = `{"error":{"code":"conflict","message":"RM: v not allowed in state S: rule"}}`, 409
	_, err = c.StepRM(ctx, "K", 5, "v", "")
	var ce *Error
	if !errors.As(err, &ce) || ce.Status != 409 || ce.Code != "conflict" || ce.Message != "RM: v not allowed in state S: rule" {
		t.Fatalf("error answer: %#v", err)
	}
}
