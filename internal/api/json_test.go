package api

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

// A request its client abandoned fails with whatever the driver made of the
// cancellation; that is no internal error to wake an operator for.
func TestFailWhenTheClientWentAway(t *testing.T) {
	var logs bytes.Buffer
	a := &API{log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	w := httptest.NewRecorder()
	a.fail(w, httptest.NewRequest("POST", "/api/v1/reports", nil).WithContext(gone), errors.New("driver: bad connection"))
	if w.Code != statusClientGone || w.Body.Len() != 0 || logs.Len() != 0 {
		t.Errorf("abandoned: status %d, body %q, log %q", w.Code, w.Body, &logs)
	}
	w = httptest.NewRecorder()
	a.fail(w, httptest.NewRequest("POST", "/api/v1/reports", nil), errors.New("driver: bad connection"))
	if w.Code != 500 || !strings.Contains(logs.String(), "api: internal error") || strings.Contains(w.Body.String(), "driver") {
		t.Errorf("live: status %d, body %q, log %q", w.Code, w.Body, &logs)
	}
}
