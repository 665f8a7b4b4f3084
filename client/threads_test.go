package client

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

// TestThreadCalls checks what each thread call sends; the API's tests and
// the CLI's end-to-end test run them against a real server.
func TestThreadCalls(t *testing.T) {
	type seen struct{ method, uri, body string }
	var got seen
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = seen{r.Method, r.URL.RequestURI(), string(b)}
		_, _ = io.WriteString(w, `{"id":7,"posts":[],"access":{"actions":["post"]}}`)
	}))
	defer srv.Close()
	c := New(srv.URL, "tok")
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want seen
	}{
		{"list", func() error { _, err := c.Threads(ctx, "K"); return err }, seen{"GET", "/api/v1/cases/K/threads", ""}},
		{"get a page", func() error { _, err := c.Thread(ctx, "K", 7, "abc", 10); return err },
			seen{"GET", "/api/v1/cases/K/threads/7?cursor=abc&limit=10", ""}},
		{"start", func() error {
			_, err := c.StartThread(ctx, "K", NewThread{Title: "T", Body: "B", With: []int64{3}, Attachments: []NewAttachment{{Name: "a.txt", Data: []byte("hi")}}})
			return err
		}, seen{"POST", "/api/v1/cases/K/threads", `{"title":"T","body":"B","with":[3],"attachments":[{"name":"a.txt","data":"aGk="}]}`}},
		{"post", func() error { _, err := c.PostInThread(ctx, "K", 7, NewThreadPost{Body: "B", As: 2}); return err },
			seen{"POST", "/api/v1/cases/K/threads/7/posts", `{"body":"B","as":2}`}},
		{"edit", func() error { _, err := c.EditThreadPost(ctx, "K", 7, 9, "B2", 3); return err },
			seen{"PATCH", "/api/v1/cases/K/threads/7/posts/9", `{"body":"B2","version":3}`}},
		{"unpin", func() error { _, err := c.PinThreadPost(ctx, "K", 7, 9, false); return err },
			seen{"POST", "/api/v1/cases/K/threads/7/posts/9/pin", `{"pinned":false}`}},
		{"history", func() error { _, err := c.ThreadPostHistory(ctx, "K", 7, 9); return err },
			seen{"GET", "/api/v1/cases/K/threads/7/posts/9/edits", ""}},
		{"settings", func() error { _, err := c.SetThreadSettings(ctx, "K", true); return err },
			seen{"PATCH", "/api/v1/cases/K/threads/settings", `{"vendors_invite_vendors":true}`}},
	}
	for _, tc := range tests {
		got = seen{}
		if err := tc.call(); err != nil {
			t.Errorf("%s: %v", tc.name, err)
		}
		if got != tc.want {
			t.Errorf("%s: sent %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestThreadAttachment: a download returns the file's name and bytes; an
// error answer is an *Error with the API's code.
func TestThreadAttachment(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/api/v1/cases/K/threads/7/posts/9/attachments/1" || r.Header.Get("Authorization") != "Bearer tok" {
			w.WriteHeader(http.StatusNotFound)
			_, _ = io.WriteString(w, `{"error":{"code":"not_found","message":"no such attachment"}}`)
			return
		}
		w.Header().Set("Content-Disposition", `attachment; filename="poc v2.py"`)
		_, _ = io.WriteString(w, "print(1)\n")
	}))
	defer srv.Close()
	c := New(srv.URL, "tok")
	name, data, err := c.ThreadAttachment(context.Background(), "K", 7, 9, 1)
	if err != nil || name != "poc v2.py" || string(data) != "print(1)\n" {
		t.Errorf("got %q %q %v", name, data, err)
	}
	_, _, err = c.ThreadAttachment(context.Background(), "K", 7, 9, 2)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != "not_found" || ce.Status != 404 {
		t.Errorf("error %v", err)
	}
}
