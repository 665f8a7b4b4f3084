package journal_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func appendN(t *testing.T, db *store.DB, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := journal.Append(ctx, tx, journal.Change{
				At: time.Now(), Actor: journal.Actor{ID: 0, Name: "tester"},
				Action: "thing.changed", ObjectType: "thing", ObjectID: fmt.Sprint(i),
				Data: map[string]any{"i": i},
			})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestChainVerifies(t *testing.T) {
	db := storetest.New(t)
	appendN(t, db, 5)
	r, err := journal.Verify(context.Background(), db.Read())
	if err != nil || !r.OK() || r.Entries != 5 {
		t.Fatalf("verify = %+v, %v; want 5 entries, ok", r, err)
	}
	list, err := journal.List(context.Background(), db.Read(), journal.Filter{ObjectType: "thing", ObjectID: "3"})
	if err != nil || len(list) != 1 || string(list[0].Data) != `{"i":3}` {
		t.Fatalf("list = %+v, %v", list, err)
	}
}

func TestDatabaseRefusesEdits(t *testing.T) {
	db := storetest.New(t)
	appendN(t, db, 2)
	ctx := context.Background()
	for _, q := range []string{`UPDATE journal SET actor = 'mallory' WHERE seq = 1`, `DELETE FROM journal WHERE seq = 2`} {
		err := db.Tx(ctx, func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, q); return err })
		if err == nil {
			t.Errorf("%s: succeeded, want refusal", q)
		}
	}
}

func TestVerifyNamesFirstTamperedEntry(t *testing.T) {
	cases := []struct {
		name   string
		tamper string
		want   int64
	}{
		{"changed data", `UPDATE journal SET data = '{"i":99}' WHERE seq = 3`, 3},
		{"changed actor", `UPDATE journal SET actor = 'mallory' WHERE seq = 2`, 2},
		{"removed middle", `DELETE FROM journal WHERE seq = 4`, 4},
		{"removed tail", `DELETE FROM journal WHERE seq = 6`, 6},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db := storetest.New(t)
			appendN(t, db, 6)
			ctx := context.Background()
			err := db.Tx(ctx, func(tx *sql.Tx) error {
				if err := disableGuards(ctx, db, tx); err != nil {
					return err
				}
				_, err := tx.ExecContext(ctx, c.tamper)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			r, err := journal.Verify(ctx, db.Read())
			if err != nil {
				t.Fatal(err)
			}
			if r.BrokenAt != c.want || r.Reason == "" {
				t.Fatalf("verify = %+v, want broken at %d", r, c.want)
			}
		})
	}
}

// disableGuards removes the append-only triggers, as an attacker with
// database access could.
func disableGuards(ctx context.Context, db *store.DB, tx *sql.Tx) error {
	stmts := []string{`DROP TRIGGER journal_no_update`, `DROP TRIGGER journal_no_delete`}
	if db.Engine == store.Postgres {
		stmts = []string{`ALTER TABLE journal DISABLE TRIGGER journal_no_update`}
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}

func TestConcurrentAppendsKeepOneChain(t *testing.T) {
	db := storetest.New(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() { appendN(t, db, 10) })
	}
	wg.Wait()
	r, err := journal.Verify(context.Background(), db.Read())
	if err != nil || !r.OK() || r.Entries != 40 {
		t.Fatalf("verify = %+v, %v; want 40 entries, ok", r, err)
	}
}

// AppendAll hands back the entries as stored: sequence numbers, links and
// hashes (on PostgreSQL the database chains them), an actor of ID 0 stored
// as none, and text outside ASCII hashed by its bytes on both engines.
func TestAppendAllReturnsWhatIsStored(t *testing.T) {
	db := storetest.New(t)
	appendN(t, db, 1)
	ctx := context.Background()
	at := time.Date(2026, 12, 7, 9, 30, 0, 123456000, time.FixedZone("CET", 3600))
	changes := []journal.Change{
		{At: at, Actor: journal.System, Action: "thing.created", ObjectType: "thing", ObjectID: "a"},
		{At: at, Actor: journal.Actor{ID: 1, Name: "Zoë Ångström"}, Action: "thing.renamed", ObjectType: "thing", ObjectID: "a",
			Data: map[string]string{"name": "naïve café ✓"}},
		{At: at.Add(time.Second), Actor: journal.Actor{ID: 1, Name: "Zoë Ångström"}, Action: "thing.deleted", ObjectType: "thing", ObjectID: "a"},
	}
	var got []journal.Entry
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		var err error
		got, err = journal.AppendAll(ctx, tx, changes)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	stored, err := journal.List(ctx, db.Read(), journal.Filter{ObjectType: "thing", ObjectID: "a"})
	if err != nil || len(stored) != 3 || len(got) != 3 {
		t.Fatalf("stored %d, returned %d, %v", len(stored), len(got), err)
	}
	for i, s := range stored {
		g := got[i]
		if s.Seq != int64(i+2) || g.Seq != s.Seq || g.PrevHash != s.PrevHash || g.Hash != s.Hash || !g.At.Equal(s.At) || g.Actor != s.Actor {
			t.Errorf("entry %d: returned %+v, stored %+v", i, g, s)
		}
	}
	if stored[0].Actor.ID != 0 || stored[1].PrevHash != stored[0].Hash {
		t.Errorf("system actor or link wrong: %+v", stored[:2])
	}
	var nullActors int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM journal WHERE actor_id IS NULL AND object_id = 'a'`).Scan(&nullActors); err != nil || nullActors != 1 {
		t.Errorf("entries without an actor ID: %d, %v; want 1", nullActors, err)
	}
	if r, err := journal.Verify(ctx, db.Read()); err != nil || !r.OK() || r.Entries != 4 {
		t.Fatalf("verify = %+v, %v", r, err)
	}
}
