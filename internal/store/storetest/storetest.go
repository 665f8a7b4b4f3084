// Package storetest gives each test a fresh, migrated database: SQLite in a
// temporary folder by default, or a schema of its own in the PostgreSQL
// database named by PARLEY_TEST_POSTGRES.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/parleycvd/parley/internal/store"
)

// EnvPostgres names the variable that points the tests at PostgreSQL.
const EnvPostgres = "PARLEY_TEST_POSTGRES"

// New returns a fresh migrated database, closed (and on PostgreSQL
// dropped) when the test ends.
func New(t testing.TB) *store.DB {
	t.Helper()
	db := Open(t, DSN(t))
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return db
}

// DSN returns the address of a fresh empty database for this test.
func DSN(t testing.TB) string {
	t.Helper()
	pg := os.Getenv(EnvPostgres)
	if pg == "" {
		return filepath.Join(t.TempDir(), "parley.db")
	}
	return freshSchema(t, pg)
}

// Open opens dsn and closes it when the test ends.
func Open(t testing.TB, dsn string) *store.DB {
	t.Helper()
	db, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("open database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// freshSchema creates a schema named after a random suffix and returns a URL
// whose connections use it, so tests never see each other's rows.
func freshSchema(t testing.TB, base string) string {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "t_" + hex.EncodeToString(b[:])
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open %s: %v", EnvPostgres, err)
	}
	defer admin.Close()
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("create schema (is PostgreSQL at %s running?): %v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base)
		if err != nil {
			return
		}
		defer a.Close()
		_, _ = a.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
