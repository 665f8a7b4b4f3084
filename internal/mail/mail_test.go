package mail_test

import (
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	pmail "github.com/parleycvd/parley/internal/mail"
	"github.com/parleycvd/parley/internal/mail/mailtest"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func now() time.Time { return time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC) }

func TestSMTPDeliversToRealServer(t *testing.T) {
	srv := mailtest.Start(t)
	s := pmail.SMTP{Host: srv.Host, Port: srv.Port, TLS: "none", Now: now}
	msg := pmail.Message{From: "Parley <parley@example.org>", To: "psirt@vendor.example", Subject: "Case PAR-1: héllo", Text: "Line one\nLine two é"}
	if err := s.Send(context.Background(), msg); err != nil {
		t.Fatal(err)
	}
	got := srv.Wait(1, 5*time.Second)
	if len(got) != 1 || got[0].From != "parley@example.org" || got[0].To[0] != "psirt@vendor.example" {
		t.Fatalf("received %+v", got)
	}
	m, err := mail.ReadMessage(strings.NewReader(string(got[0].Data)))
	if err != nil {
		t.Fatal(err)
	}
	subj, _ := new(mimeDecoder).decode(m.Header.Get("Subject"))
	if subj != "Case PAR-1: héllo" {
		t.Errorf("subject %q", subj)
	}
}

func TestHeaderInjectionIsFolded(t *testing.T) {
	raw, err := pmail.Compose(pmail.Message{From: "a@example.org", To: "b@example.org", Subject: "x\r\nBcc: evil@example.com"}, now())
	if err != nil {
		t.Fatal(err)
	}
	m, _ := mail.ReadMessage(strings.NewReader(string(raw)))
	if m.Header.Get("Bcc") != "" {
		t.Fatal("a subject injected a header")
	}
	if _, err := pmail.Compose(pmail.Message{From: "a@example.org", To: "not an address"}, now()); err == nil {
		t.Fatal("composed a message to a bad address")
	}
}

func TestMailboxKeepsMessages(t *testing.T) {
	db := storetest.New(t)
	mb := pmail.Mailbox{DB: db, Now: now}
	for _, s := range []string{"first", "second"} {
		if err := mb.Send(context.Background(), pmail.Message{From: "a@example.org", To: "b@example.org", Subject: s, Text: "body"}); err != nil {
			t.Fatal(err)
		}
	}
	list, err := pmail.List(context.Background(), db.Read(), store.Page{})
	if err != nil || len(list) != 2 || list[0].Subject != "second" || !strings.Contains(list[0].Message, "body") {
		t.Fatalf("mailbox %+v, %v", list, err)
	}
}
