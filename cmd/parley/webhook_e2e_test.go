package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/webhooks"
)

// TestWebhookCLI: an organisation's webhook added with the CLI receives a
// signed test delivery from the running server's job workers, and the
// delivery log says so.
func TestWebhookCLI(t *testing.T) {
	var mu sync.Mutex
	var bodies, sigs []string
	recv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies, sigs = append(bodies, string(b)), append(sigs, r.Header.Get("X-Parley-Signature"))
		mu.Unlock()
	}))
	defer recv.Close()
	e, _ := serveForCLI(t, "PARLEY_WEBHOOKS_ALLOW_PRIVATE=true")
	var o struct{ ID int64 }
	if err := json.Unmarshal([]byte(e.must("", "orgs", "create", "--name", "Acme Routers", "--kind", "vendor", "--json")), &o); err != nil {
		t.Fatal(err)
	}
	acme := itoa(o.ID)

	for _, args := range [][]string{{"webhook"}, {"webhook", "list"}, {"webhook", "delete", acme}, {"webhook", "deliveries", acme, "x"}} {
		if out, code := e.run("", args...); code != 2 {
			t.Errorf("parley %s: exit %d, want 2\n%s", strings.Join(args, " "), code, out)
		}
	}
	if out, code := e.run("", "webhook", "add", acme, "--url", "http://tracker.example/hook"); code != 1 || !strings.Contains(out, "https") {
		t.Fatalf("a plain http address: exit %d\n%s", code, out)
	}
	var h struct {
		ID     int64
		Secret string
	}
	if err := json.Unmarshal([]byte(e.must("", "webhook", "add", acme, "--url", recv.URL+"/parley", "--json")), &h); err != nil || len(h.Secret) != 64 {
		t.Fatalf("add: %+v, %v", h, err)
	}
	hook := itoa(h.ID)
	if out := e.must("", "webhook", "list", acme); !strings.Contains(out, recv.URL+"/parley") || strings.Contains(out, h.Secret) {
		t.Fatalf("list:\n%s", out)
	}
	e.must("", "webhook", "test", acme, hook)
	deadline := time.Now().Add(20 * time.Second)
	for {
		out := e.must("", "webhook", "deliveries", acme, hook)
		if strings.Contains(out, "delivered") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("not delivered:\n%s", out)
		}
		time.Sleep(100 * time.Millisecond)
	}
	mu.Lock()
	if len(bodies) != 1 || !strings.Contains(bodies[0], `"action":"ping"`) {
		t.Errorf("received %q", bodies)
	} else if err := webhooks.Verify(h.Secret, sigs[0], []byte(bodies[0]), time.Now(), time.Minute); err != nil {
		t.Errorf("signature: %v", err)
	}
	mu.Unlock()
	e.must("", "webhook", "delete", acme, hook)
	if out := e.must("", "webhook", "list", acme); strings.Contains(out, "/parley") {
		t.Fatalf("after delete:\n%s", out)
	}
}
