package client

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestDisputeCalls checks what each dispute call sends; the API's tests
// and the CLI's end-to-end test run them against a real server.
func TestDisputeCalls(t *testing.T) {
	type seen struct{ method, uri, body string }
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.URL.RequestURI(), string(b)}
		_, _ = io.WriteString(w, `{"id":7,"status":"open","access":{"actions":["post"]}}`)
	}))
	defer srv.Close()
	c := New(srv.URL, "tok")
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want seen
	}{
		{"open across cases", func() error {
			_, err := c.OpenDisputes(ctx, DisputeFilter{Topic: "timing", Mine: true, Limit: 5})
			return err
		}, seen{"GET", "/api/v1/disputes?limit=5&mine=true&topic=timing", ""}},
		{"list", func() error { _, err := c.Disputes(ctx, "K"); return err }, seen{"GET", "/api/v1/cases/K/disputes", ""}},
		{"get", func() error { _, err := c.Dispute(ctx, "K", 7); return err }, seen{"GET", "/api/v1/cases/K/disputes/7", ""}},
		{"open", func() error {
			_, err := c.OpenDispute(ctx, "K", NewDispute{Topic: "extension", Title: "T", With: []int64{3}, Until: "2026-07-01T12:00", Zone: "UTC"})
			return err
		}, seen{"POST", "/api/v1/cases/K/disputes", `{"topic":"extension","title":"T","with":[3],"until":"2026-07-01T12:00","zone":"UTC"}`}},
		{"position", func() error { _, err := c.StatePosition(ctx, "K", 7, 0, "P", "coordinator"); return err },
			seen{"POST", "/api/v1/cases/K/disputes/7/positions", `{"text":"P","visibility":"coordinator"}`}},
		{"post as", func() error { _, err := c.PostDisputeMessage(ctx, "K", 7, 3, "B"); return err },
			seen{"POST", "/api/v1/cases/K/disputes/7/messages", `{"as":3,"body":"B"}`}},
		{"propose", func() error { _, err := c.ProposeResolution(ctx, "K", 7, "R"); return err },
			seen{"POST", "/api/v1/cases/K/disputes/7/resolutions", `{"proposal":"R"}`}},
		{"reject", func() error { _, err := c.AnswerResolution(ctx, "K", 7, 9, 0, false, "no"); return err },
			seen{"POST", "/api/v1/cases/K/disputes/7/resolutions/9/answer", `{"answer":"reject","comment":"no"}`}},
		{"decide", func() error {
			_, err := c.DecideExtension(ctx, "K", 7, DisputeDecision{Answer: "denied", Reasons: "exploited"})
			return err
		}, seen{"POST", "/api/v1/cases/K/disputes/7/decision", `{"answer":"denied","reasons":"exploited"}`}},
		{"close", func() error { _, err := c.CloseDispute(ctx, "K", 7, "none"); return err },
			seen{"POST", "/api/v1/cases/K/disputes/7/close", `{"reasons":"none"}`}},
		{"withdraw", func() error { _, err := c.WithdrawDispute(ctx, "K", 7, ""); return err },
			seen{"POST", "/api/v1/cases/K/disputes/7/withdraw", `{"reasons":""}`}},
		{"mediator", func() error { _, err := c.Mediator(ctx, "K"); return err }, seen{"GET", "/api/v1/cases/K/mediator", ""}},
		{"hand over", func() error { _, err := c.HandOver(ctx, "K", 4, "neutral"); return err },
			seen{"POST", "/api/v1/cases/K/mediator", `{"participant_id":4,"reason":"neutral"}`}},
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
	d, err := c.Dispute(ctx, "K", 7)
	if err != nil || d.ID != 7 || d.Status != "open" || len(d.Access.Actions) != 1 {
		t.Fatalf("decoded %+v, %v", d, err)
	}
}
