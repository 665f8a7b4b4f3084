package inbox_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// world is a database with two users, Ada and Bob, two cases (rows of
// their own: inbox knows nothing of cases but their IDs and keys) and a
// clock the test moves.
type world struct {
	t       *testing.T
	ctx     context.Context
	db      *store.DB
	now     time.Time
	svc     *inbox.Service
	ada     auth.Principal
	bob     auth.Principal
	caseA   int64 // PAR-2026-0001
	caseB   int64 // PAR-2026-0002
	adaUser auth.User
}

func newWorld(t *testing.T) *world {
	t.Helper()
	db := storetest.New(t)
	w := &world{t: t, ctx: context.Background(), db: db, now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return w.now }
	users := auth.NewService(db, clock, auth.DefaultConfig())
	w.svc = inbox.NewService(db, clock, pgp.NewContacts(db, clock))
	root, err := users.CreateAdmin(w.ctx, auth.NewUser{Email: "root@cert.example", Name: "Root", Password: "correct horse battery"})
	if err != nil {
		t.Fatal(err)
	}
	admin := auth.Principal{UserID: root.ID, Email: root.Email, Admin: true}
	for _, u := range []struct {
		p     *auth.Principal
		email string
	}{{&w.ada, "ada@example.org"}, {&w.bob, "bob@example.org"}} {
		made, err := users.CreateUser(w.ctx, admin, auth.NewUser{Email: u.email, Name: u.email, Password: "correct horse battery"})
		if err != nil {
			t.Fatal(err)
		}
		*u.p = auth.Principal{UserID: made.ID, Email: made.Email, Name: made.Name}
		if u.email == "ada@example.org" {
			w.adaUser = made
		}
	}
	for i, id := range []*int64{&w.caseA, &w.caseB} {
		err := db.Tx(w.ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(w.ctx, `INSERT INTO cases (key, title, created_at, updated_at) VALUES ($1, 'A case', $2, $2) RETURNING id`,
				[]string{"PAR-2026-0001", "PAR-2026-0002"}[i], w.now).Scan(id)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return w
}

// notice is a notice to p about case caseID (0: none) with dedupe key key.
func (w *world) notice(p auth.Principal, caseID int64, key string) inbox.Notice {
	ck := map[int64]string{w.caseA: "PAR-2026-0001", w.caseB: "PAR-2026-0002"}[caseID]
	return inbox.Notice{UserID: p.UserID, CaseID: caseID, CaseKey: ck, Kind: "thread.post", Subject: "[" + ck + "] new post",
		Body: "Someone wrote.", Link: "/cases/" + ck, Key: key}
}

func (w *world) record(list ...inbox.Notice) []inbox.Notification {
	w.t.Helper()
	out, err := w.svc.Record(w.ctx, list)
	if err != nil {
		w.t.Fatal(err)
	}
	return out
}

func (w *world) count(q string, args ...any) int {
	w.t.Helper()
	var n int
	if err := w.db.Read().QueryRowContext(w.ctx, q, args...).Scan(&n); err != nil {
		w.t.Fatal(err)
	}
	return n
}

func ptr[T any](v T) *T { return &v }
