package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestReportCalls checks what each report call sends; the CLI's end-to-end
// test runs them against a real server.
func TestReportCalls(t *testing.T) {
	type seen struct{ method, uri, body, auth string }
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.URL.RequestURI(), string(b), r.Header.Get("Authorization")}
		_, _ = io.WriteString(w, `{}`)
	}))
	defer srv.Close()
	c, anon := New(srv.URL, "tok"), New(srv.URL, "")
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want seen
	}{
		{"anonymous submit", func() error {
			_, err := anon.SubmitReport(ctx, json.RawMessage(`{"title":"T", "ai_use":"none"}`))
			return err
		}, seen{"POST", "/api/v1/reports", `{"title":"T","ai_use":"none"}`, ""}},
		{"queue", func() error {
			_, err := c.Reports(ctx, ReportFilter{Q: "router", Status: "new", Assignee: "none", Priority: "high", Cursor: "x", Limit: 5})
			return err
		}, seen{"GET", "/api/v1/reports?assignee=none&cursor=x&limit=5&priority=high&q=router&status=new", "", "Bearer tok"}},
		{"mine", func() error { _, err := c.MyReports(ctx, "", 0); return err }, seen{"GET", "/api/v1/reports/mine", "", "Bearer tok"}},
		{"get", func() error { _, err := c.Report(ctx, "RPT-2026-000001"); return err },
			seen{"GET", "/api/v1/reports/RPT-2026-000001", "", "Bearer tok"}},
		{"acknowledge", func() error {
			_, err := c.DecideReport(ctx, "3", "acknowledge", ReportDecision{Version: 1, Reason: "ignored", Message: "Hi"})
			return err
		}, seen{"POST", "/api/v1/reports/3/acknowledge", `{"version":1,"message":"Hi"}`, "Bearer tok"}},
		{"close", func() error {
			_, err := c.DecideReport(ctx, "3", "close", ReportDecision{Version: 4, Reason: "resolved"})
			return err
		}, seen{"POST", "/api/v1/reports/3/close", `{"version":4,"reason":"resolved"}`, "Bearer tok"}},
		{"ask", func() error { _, err := c.AskReport(ctx, "3", 2, "Which build?"); return err },
			seen{"POST", "/api/v1/reports/3/ask", `{"question":"Which build?","version":2}`, "Bearer tok"}},
		{"note", func() error { _, err := c.AddReportMessage(ctx, "3", "dupe?", "note"); return err },
			seen{"POST", "/api/v1/reports/3/messages", `{"body":"dupe?","kind":"note"}`, "Bearer tok"}},
		{"assess", func() error { _, err := c.AssessReport(ctx, "3", map[string]string{"Report Public": "No"}); return err },
			seen{"POST", "/api/v1/reports/3/assess", `{"selections":{"Report Public":"No"}}`, "Bearer tok"}},
	}
	for _, tc := range tests {
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: sent %+v, want %+v", tc.name, got, tc.want)
		}
	}
}
