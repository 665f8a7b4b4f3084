package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t, storetest.DSN(t))
	n, err := db.Migrate(ctx)
	if err != nil || n == 0 {
		t.Fatalf("first migrate: applied %d, err %v", n, err)
	}
	n, err = db.Migrate(ctx)
	if err != nil || n != 0 {
		t.Fatalf("second migrate: applied %d, err %v; want 0, nil", n, err)
	}
	v, err := db.Version(ctx)
	if err != nil || v < 2 {
		t.Fatalf("version %d, err %v", v, err)
	}
}

func TestTxRollsBackOnError(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	boom := errors.New("boom")
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)`, "a", "1"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("rows after rollback = %d (err %v), want 0", n, err)
	}
}

func TestTimesRoundTripInUTC(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	at := time.Date(2026, 3, 4, 5, 6, 7, 123456000, time.UTC)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO mailbox (mail_from, mail_to, subject, message, created_at) VALUES ('a', 'b', 'c', 'd', $1)`, at)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var got time.Time
	if err := db.Read().QueryRowContext(ctx, `SELECT created_at FROM mailbox`).Scan(&got); err != nil {
		t.Fatal(err)
	}
	if !got.Equal(at) {
		t.Fatalf("got %v, want %v", got, at)
	}
}

func TestOpenRejectsEmptyPath(t *testing.T) {
	if _, err := store.Open(context.Background(), ""); err == nil {
		t.Fatal("want an error for an empty path")
	}
}

// Optimize gives SQLite's planner statistics of the tables that have rows,
// and changes nothing else; on PostgreSQL it does nothing.
func TestOptimizeGathersStatistics(t *testing.T) {
	ctx := context.Background()
	db := storetest.New(t)
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for i := range 50 {
			if _, err := tx.ExecContext(ctx, `INSERT INTO settings (name, value) VALUES ($1, $2)`, "k"+time.Duration(i).String(), "v"); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Optimize(ctx); err != nil {
		t.Fatal(err)
	}
	if db.Engine != store.SQLite {
		return
	}
	var n int
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'settings'`).Scan(&n); err != nil || n == 0 {
		t.Fatalf("statistics of settings: %d rows, %v", n, err)
	}
	if err := db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n); err != nil || n != 50 {
		t.Fatalf("settings: %d rows, %v", n, err)
	}
}
