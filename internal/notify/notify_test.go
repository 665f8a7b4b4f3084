package notify_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/notify"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func TestInvitationAndLockoutMails(t *testing.T) {
	db := storetest.New(t)
	now := func() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }
	users := auth.NewService(db, now, auth.DefaultConfig())
	ctx := context.Background()
	admin, err := users.CreateAdmin(ctx, auth.NewUser{Email: "root@example.org", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	p := auth.Principal{UserID: admin.ID, Email: admin.Email, Admin: true}
	if _, err := users.CreateUser(ctx, p, auth.NewUser{Email: "new@vendor.example", Name: "Nia"}); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		users.Login(ctx, "root@example.org", "wrong password!", auth.Client{})
	}
	srv := mailtest.Start(t)
	n, err := notify.New(notify.Config{BaseURL: "https://parley.test", From: "Parley <parley@parley.test>", Instance: "Parley"},
		mail.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Now: now}, users)
	if err != nil {
		t.Fatal(err)
	}
	r := jobs.NewRunner(db, jobs.Config{Now: now})
	n.Register(r)
	if ran, err := r.Drain(ctx); ran != 2 || err != nil {
		t.Fatalf("drained %d jobs, %v", ran, err)
	}
	got := srv.Wait(2, 5*time.Second)
	if len(got) != 2 {
		t.Fatalf("%d messages", len(got))
	}
	byTo := map[string]string{}
	for _, m := range got {
		byTo[m.To[0]] = strings.ReplaceAll(string(m.Data), "=\r\n", "")
	}
	if inv := byTo["new@vendor.example"]; !strings.Contains(inv, "https://parley.test/account/link?token=3D") || !strings.Contains(inv, "Hello Nia") {
		t.Errorf("invitation:\n%s", inv)
	}
	if lock := byTo["root@example.org"]; !strings.Contains(lock, "locked until") {
		t.Errorf("lockout notice:\n%s", lock)
	}
}
