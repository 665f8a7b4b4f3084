package store_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// Concurrent transactions (grouped into shared commits on SQLite) keep
// their own outcome: a failing or panicking one loses only its own rows.
func TestConcurrentTxKeepTheirOwnOutcome(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	boom := errors.New("boom")
	const n = 200
	errsOf := make([]error, n)
	panics := make([]any, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			defer func() { panics[i] = recover() }()
			errsOf[i] = db.Tx(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)`, fmt.Sprint("k", i), "v"); err != nil {
					return err
				}
				switch i % 10 {
				case 3:
					return boom
				case 7:
					panic("bad change")
				case 9: // a constraint error mid-function: the first insert goes too
					_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)`, fmt.Sprint("k", i), "again")
					return err
				}
				return nil
			})
		})
	}
	wg.Wait()
	for i := range n {
		var count int
		if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM settings WHERE name = $1`, fmt.Sprint("k", i)).Scan(&count); err != nil {
			t.Fatal(err)
		}
		switch i % 10 {
		case 3:
			if !errors.Is(errsOf[i], boom) || count != 0 {
				t.Errorf("tx %d: err %v, %d rows; want boom and none", i, errsOf[i], count)
			}
		case 7:
			if panics[i] != "bad change" || count != 0 {
				t.Errorf("tx %d: panic %v, %d rows; want the panic and none", i, panics[i], count)
			}
		case 9:
			if errsOf[i] == nil || count != 0 {
				t.Errorf("tx %d: err %v, %d rows; want a constraint error and none", i, errsOf[i], count)
			}
		default:
			if errsOf[i] != nil || panics[i] != nil || count != 1 {
				t.Errorf("tx %d: err %v, panic %v, %d rows; want it committed", i, errsOf[i], panics[i], count)
			}
		}
	}
}

// A caller whose context ends before its change runs gets the context's
// error and writes nothing.
func TestTxWithEndedContextWritesNothing(t *testing.T) {
	db := storetest.New(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ('x', 'y')`)
		return err
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var n int
	if err := db.Read().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d rows (err %v), want none", n, err)
	}
}

// The writer's prepared statements are reused, including the same query
// run again while its rows are still open.
func TestSameQueryNestedInTx(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	if db.Engine != store.SQLite {
		t.Skip("the statement cache is SQLite's; pgx allows one open query per connection")
	}
	const q = `SELECT name FROM settings WHERE value = $1 ORDER BY name`
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for _, k := range []string{"a", "b", "c"} {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, 'v')`, k); err != nil {
				return err
			}
		}
		outer, err := tx.QueryContext(ctx, q, "v")
		if err != nil {
			return err
		}
		defer outer.Close()
		var got []string
		for outer.Next() {
			var name string
			if err := outer.Scan(&name); err != nil {
				return err
			}
			var inner int
			rows, err := tx.QueryContext(ctx, q, "v")
			if err != nil {
				return err
			}
			for rows.Next() {
				inner++
			}
			if err := rows.Close(); err != nil {
				return err
			}
			got = append(got, fmt.Sprint(name, inner))
		}
		if err := outer.Err(); err != nil {
			return err
		}
		if fmt.Sprint(got) != "[a3 b3 c3]" {
			return fmt.Errorf("got %v", got)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for range 3 { // the cached statements still work after the transaction
		var n int
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings WHERE value = $1`, "v").Scan(&n)
		}); err != nil || n != 3 {
			t.Fatalf("count %d, err %v", n, err)
		}
	}
}

// The WAL reaches the database file from the checkpointer, beside the
// writer, long before the writer's own backstop (10,000 pages) would
// copy it.
func TestCheckpointerCopiesTheWAL(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	if db.Engine != store.SQLite {
		t.Skip("SQLite's WAL")
	}
	size := func() int64 {
		fi, err := os.Stat(db.Path())
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	before := size()
	big := strings.Repeat("x", 2000)
	for i := range 200 {
		if err := db.Tx(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)`, fmt.Sprint("c", i), big)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for size() < before+200*2000 {
		if time.Now().After(deadline) {
			t.Fatalf("database file %d bytes, %d before 400 kB were written: the WAL was not checkpointed", size(), before)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
