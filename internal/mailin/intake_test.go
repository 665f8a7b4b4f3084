package mailin

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func clock() time.Time { return testNow }

func mailActions(t *testing.T, db *store.DB) string {
	t.Helper()
	entries, err := journal.List(context.Background(), db.Read(), journal.Filter{ActionPrefix: "mail."})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Action+"#"+e.ObjectID)
	}
	return strings.Join(got, " ")
}

func TestIntakeProcess(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	keyring := pgp.NewKeyring(db, clock, pgp.KeyringConfig{Email: "security@parley.test"})
	contacts := pgp.NewContacts(db, clock)
	in := NewIntake(db, clock, keyring, contacts, IntakeConfig{})

	reporter, err := pgp.GenerateIdentity("Ada", "ada@example.org", testNow.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := contacts.Add(ctx, journal.Actor{ID: 1, Name: "ada"}, pgp.Owner{Type: pgp.OwnerUser, ID: 1}, []byte(reporter.Key.Armored)); err != nil {
		t.Fatal(err)
	}
	instance, err := keyring.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// 1: an encrypted, signed report.
	raw := encrypted(t, with(), nil, "the details", instance.Key, reporter)
	msg, id1, err := in.Process(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	if !msg.Encrypted || !msg.SignatureValid || msg.SignedBy != reporter.Fingerprint() || msg.Text != "the details" || msg.Reference != "PAR-2026-0042" {
		t.Errorf("parsed %+v", msg)
	}

	// 2: garbage is stored and quarantined, never dropped.
	junk := []byte("this is not\x00 a mail")
	_, id2, err := in.Process(ctx, junk)
	if err == nil || id2 == 0 {
		t.Fatalf("garbage: id %d, err %v", id2, err)
	}
	if err := in.Deliver(ctx, junk); err != nil {
		t.Errorf("Deliver of stored garbage failed: %v", err)
	}

	got, err := in.Get(ctx, id2)
	if err != nil {
		t.Fatal(err)
	}
	if got.Status != Quarantined || !strings.Contains(got.Reason, "header is unreadable") || !bytes.Equal(got.Raw, junk) || got.Size != len(junk) {
		t.Errorf("stored garbage %+v", got)
	}
	first, err := in.Get(ctx, id1)
	if err != nil || first.Status != Received || first.MessageID != "m1@example.org" || first.From != "Ada Reporter <ada@example.org>" || !bytes.Equal(first.Raw, raw) {
		t.Fatalf("stored report %+v, %v", first, err)
	}

	// The report intake accepts the first one.
	if err := in.SetStatus(ctx, journal.Actor{ID: 2, Name: "coordinator"}, id1, Accepted, "report 17"); err != nil {
		t.Fatal(err)
	}
	if err := in.SetStatus(ctx, journal.System, 999, Accepted, ""); !errs.Is(err, errs.NotFound) {
		t.Errorf("unknown id: %v", err)
	}
	if err := in.SetStatus(ctx, journal.System, id1, "lost", ""); errs.FieldOf(err) != "status" {
		t.Errorf("bad status: %v", err)
	}

	q, err := in.List(ctx, Filter{Status: Quarantined}, store.Page{})
	if err != nil || len(q) != 2 || q[0].ID <= q[1].ID || q[0].Raw != nil {
		t.Fatalf("quarantined list %+v, %v", q, err)
	}
	all, err := in.List(ctx, Filter{}, store.Page{Limit: 2})
	if err != nil || len(all) != 2 {
		t.Fatalf("list %+v, %v", all, err)
	}
	rest, err := in.List(ctx, Filter{}, store.Page{After: all[1].ID})
	if err != nil || len(rest) != 1 || rest[0].ID != id1 || rest[0].Status != Accepted {
		t.Fatalf("second page %+v, %v", rest, err)
	}
	if _, err := in.Get(ctx, 12345); !errs.Is(err, errs.NotFound) {
		t.Errorf("Get(unknown): %v", err)
	}

	want := "mail.received#1 mail.received#2 mail.quarantined#2 mail.received#3 mail.quarantined#3 mail.accepted#1"
	if got := mailActions(t, db); got != want {
		t.Errorf("journal\n got %s\nwant %s", got, want)
	}
	if r, err := journal.Verify(ctx, db.Read()); err != nil || !r.OK() {
		t.Errorf("journal verify %+v, %v", r, err)
	}
}

func TestIntakeStoreLimits(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	in := NewIntake(db, clock, nil, nil, IntakeConfig{Limits: Limits{MaxBytes: 1000}})
	if _, err := in.Store(ctx, bytes.Repeat([]byte("x"), 1001), Received, ""); !errs.Is(err, errs.TooLarge) {
		t.Errorf("oversized: %v", err)
	}
	id, err := in.Store(ctx, []byte("From: a@b\r\n\r\nx"), Quarantined, "refused by hand")
	if err != nil {
		t.Fatal(err)
	}
	if got := mailActions(t, db); got != "mail.quarantined#1" || id != 1 {
		t.Errorf("journal %q, id %d", got, id)
	}
	// Without a keyring, encrypted mail is quarantined with the reason.
	p := newPeople(t)
	nokeys := NewIntake(db, clock, nil, nil, IntakeConfig{})
	_, id, err = nokeys.Process(ctx, encrypted(t, with(), nil, "x", p.instance.Key, nil))
	if err == nil || !strings.Contains(err.Error(), "no key to decrypt") {
		t.Fatalf("encrypted mail without keys: %v", err)
	}
	if s, err := nokeys.Get(ctx, id); err != nil || s.Status != Quarantined {
		t.Errorf("stored %+v, %v", s, err)
	}
}

func TestIntakeKeysUnavailable(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	right := pgp.NewKeyring(db, clock, pgp.KeyringConfig{Passphrase: []byte("right")})
	instance, err := right.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// A restart with the wrong passphrase configured: the message is kept
	// as received, not quarantined, so that it can be read once fixed.
	wrong := pgp.NewKeyring(db, clock, pgp.KeyringConfig{Passphrase: []byte("wrong")})
	in := NewIntake(db, clock, wrong, nil, IntakeConfig{})
	_, id, err := in.Process(ctx, encrypted(t, with(), nil, "x", instance.Key, nil))
	if err == nil || id == 0 {
		t.Fatalf("id %d, err %v", id, err)
	}
	if s, err := in.Get(ctx, id); err != nil || s.Status != Received {
		t.Errorf("stored %+v, %v", s, err)
	}
}
