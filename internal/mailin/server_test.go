package mailin

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-smtp"

	"github.com/parleycvd/parley/internal/store/storetest"
)

// startServer serves on a loopback port until the test ends, checking that
// Serve returns and leaves no goroutine behind.
func startServer(t *testing.T, cfg Config, deliver func(context.Context, []byte) error) string {
	t.Helper()
	before := runtime.NumGoroutine()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	srv := NewServer(cfg, deliver, slog.New(slog.NewTextHandler(io.Discard, nil)))
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("Serve: %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("Serve did not return after cancel")
		}
		deadline := time.Now().Add(5 * time.Second)
		for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if n := runtime.NumGoroutine(); n > before {
			buf := make([]byte, 1<<16)
			t.Errorf("%d goroutines left behind:\n%s", n-before, buf[:runtime.Stack(buf, true)])
		}
	})
	return ln.Addr().String()
}

func send(addr, from string, to []string, body []byte) error {
	c, err := smtp.Dial(addr)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.SendMail(from, to, bytes.NewReader(body)); err != nil {
		return err
	}
	return c.Quit()
}

func smtpCode(err error) int {
	var se *smtp.SMTPError
	if errors.As(err, &se) {
		return se.Code
	}
	return 0
}

func TestServerDeliversIntoIntake(t *testing.T) {
	db := storetest.New(t)
	in := NewIntake(db, clock, nil, nil, IntakeConfig{})
	got := make(chan int64, 4)
	addr := startServer(t, Config{Domain: "Parley.Test", MaxBytes: 64 << 10, Now: clock}, func(ctx context.Context, raw []byte) error {
		_, id, err := in.Process(ctx, raw)
		got <- id
		if id != 0 {
			return nil
		}
		return err
	})
	raw := message(with("Content-Type: text/plain"), "Hello over SMTP.\n")
	if err := send(addr, "ada@example.org", []string{"security@parley.test"}, raw); err != nil {
		t.Fatal(err)
	}
	id := <-got
	stored, err := in.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(stored.Raw, []byte("Return-Path: <ada@example.org>\r\nReceived: from localhost ([127.0.0.1])\r\n\tby parley.test (Parley) with ESMTP for <security@parley.test>;")) {
		t.Errorf("trace header:\n%s", stored.Raw[:min(200, len(stored.Raw))])
	}
	if !bytes.HasSuffix(stored.Raw, raw) {
		t.Error("the message body changed in transit")
	}
	msg, err := Parse(stored.Raw, Options{Now: testNow})
	if err != nil || msg.Text != "Hello over SMTP." || msg.From != "ada@example.org" {
		t.Errorf("parsed %+v, %v", msg, err)
	}

	// Other domains are refused at RCPT.
	if err := send(addr, "ada@example.org", []string{"victim@elsewhere.example"}, raw); smtpCode(err) != 550 {
		t.Errorf("relay attempt: %v", err)
	}
	// Oversized messages are refused at DATA.
	big := message(with("Content-Type: text/plain"), strings.Repeat(strings.Repeat("x", 70)+"\n", 1024))
	if err := send(addr, "ada@example.org", []string{"security@parley.test"}, big); smtpCode(err) != 552 {
		t.Errorf("oversized: %v", err)
	}
	// Garbage is stored (and quarantined) all the same.
	if err := send(addr, "x@example.org", []string{"reports@parley.test"}, []byte("garbage\r\n")); err != nil {
		t.Errorf("garbage refused: %v", err)
	}
	if id := <-got; id == 0 {
		t.Error("garbage not stored")
	}
}

func TestServerTemporaryFailure(t *testing.T) {
	addr := startServer(t, Config{Domain: "parley.test"}, func(context.Context, []byte) error {
		return errors.New("database down")
	})
	err := send(addr, "ada@example.org", []string{"security@parley.test"}, message(with(), "x"))
	if smtpCode(err) != 451 {
		t.Errorf("want 451, got %v", err)
	}
}

func TestServerStopsWithOpenConnections(t *testing.T) {
	var clients []*smtp.Client
	t.Cleanup(func() { // runs after the server's cleanup, which stops it
		for _, c := range clients {
			c.Close()
		}
	})
	addr := startServer(t, Config{Domain: "parley.test"}, func(context.Context, []byte) error { return nil })
	// Idle clients that never say QUIT, one of them in the middle of DATA,
	// must not keep Serve from returning; startServer's cleanup checks that
	// it returns and leaves no goroutine behind.
	for i := range 3 {
		c, err := smtp.Dial(addr)
		if err != nil {
			t.Fatal(err)
		}
		clients = append(clients, c)
		if err := c.Hello("client.example"); err != nil {
			t.Fatal(err)
		}
		if i == 2 {
			if err := c.Mail("ada@example.org", nil); err != nil {
				t.Fatal(err)
			}
			if err := c.Rcpt("security@parley.test", nil); err != nil {
				t.Fatal(err)
			}
			w, err := c.Data()
			if err != nil {
				t.Fatal(err)
			}
			if _, err := w.Write([]byte("Subject: half a message\r\n")); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestServerNeedsDomain(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	err = NewServer(Config{}, nil, slog.Default()).Serve(context.Background(), ln)
	if err == nil {
		t.Fatal("served without a domain")
	}
}

func TestListenAndServeStopsOnCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	srv := NewServer(Config{Addr: "127.0.0.1:0", Domain: "parley.test"}, func(context.Context, []byte) error { return nil }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	go func() { done <- srv.ListenAndServe(ctx) }()
	time.Sleep(50 * time.Millisecond)
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ListenAndServe did not return after cancel")
	}
	if err := NewServer(Config{Addr: "256.0.0.1:25", Domain: "parley.test"}, nil, slog.Default()).ListenAndServe(context.Background()); err == nil {
		t.Error("listened on an impossible address")
	}
}
