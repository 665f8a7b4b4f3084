// Package store opens Parley's database (SQLite by default, PostgreSQL for
// larger deployments), applies the embedded migrations and runs write
// transactions. SQL itself lives in the packages that own the tables.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	_ "github.com/jackc/pgx/v5/stdlib" // PostgreSQL driver "pgx"
	_ "modernc.org/sqlite"             // pure-Go SQLite driver "sqlite"
)

// Engine names a database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// Querier is what both *sql.DB and *sql.Tx offer; read functions take it so
// they work inside and outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// DB is an open database. On SQLite, writes go through one connection and
// reads through a pool (WAL lets them run beside the writer); on PostgreSQL
// both are the same pool.
type DB struct {
	Engine Engine
	write  *sql.DB
	read   *sql.DB
	reads  *stmtCache
	batch  *batcher      // SQLite's group commit; nil on PostgreSQL
	ckpt   *checkpointer // SQLite's WAL checkpoints; nil on PostgreSQL
	path   string        // the SQLite file, empty on PostgreSQL
}

// Open connects to the database named by dsn: a postgres:// or postgresql://
// URL, or else the path of a SQLite file (created with its folder if missing).
func Open(ctx context.Context, dsn string) (*DB, error) {
	var db *DB
	var err error
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		db, err = openPostgres(dsn)
	} else {
		db, err = openSQLite(dsn)
	}
	if err != nil {
		return nil, err
	}
	if err := db.Ping(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.Engine, err)
	}
	return db, nil
}

func openPostgres(dsn string) (*DB, error) {
	pool, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	pool.SetMaxOpenConns(max(8, 4*runtime.NumCPU()))
	pool.SetMaxIdleConns(max(8, 4*runtime.NumCPU()))
	return &DB{Engine: Postgres, write: pool, read: pool, reads: newStmtCache(pool)}, nil
}

func openSQLite(path string) (*DB, error) {
	path = strings.TrimPrefix(path, "sqlite://")
	if path == "" {
		return nil, errors.New("empty SQLite path")
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, err
	}
	q := url.Values{}
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", "synchronous(NORMAL)")
	q.Add("_pragma", "temp_store(MEMORY)") // savepoints of grouped commits journal in memory
	q.Set("_time_format", "sqlite")
	dsn := "file:" + path + "?" + q.Encode()
	// The checkpointer does the WAL's copying (checkpoint.go); the writer
	// does it only past 40 MB of WAL, as a backstop.
	conn, err := newWriteConnector(dsn + "&_txlock=immediate&_pragma=wal_autocheckpoint(10000)")
	if err != nil {
		return nil, err
	}
	write := sql.OpenDB(conn)
	write.SetMaxOpenConns(1) // SQLite has one writer; queueing here beats SQLITE_BUSY
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	ckpt, err := sql.Open("sqlite", dsn)
	if err != nil {
		write.Close()
		return nil, err
	}
	ckpt.SetMaxOpenConns(1)
	read, err := sql.Open("sqlite", dsn+"&mode=ro")
	if err != nil {
		write.Close()
		ckpt.Close()
		return nil, err
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	db := &DB{Engine: SQLite, write: write, read: read, reads: newStmtCache(read), ckpt: newCheckpointer(ckpt), path: path}
	db.batch = newBatcher(write, db.ckpt.committed)
	return db, nil
}

// Ping checks both pools.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.write.PingContext(ctx); err != nil {
		return err
	}
	return db.read.PingContext(ctx)
}

// Close closes both pools.
func (db *DB) Close() error {
	var err error
	if db.batch != nil {
		db.batch.close()
		err = db.ckpt.close()
	}
	db.reads.close()
	err = errors.Join(err, db.write.Close())
	if db.read != db.write {
		err = errors.Join(err, db.read.Close())
	}
	return err
}

// Read is the pool for queries outside a transaction. Its queries run as
// cached prepared statements.
func (db *DB) Read() Querier { return db.reads }

// Path is the SQLite file, or "" on PostgreSQL.
func (db *DB) Path() string { return db.path }

// Tx runs fn in one write transaction, committing when fn returns nil and
// rolling back otherwise. Every state change in Parley goes through here
// together with its journal entry and outbox jobs. On SQLite, concurrent
// callers share a commit (batch.go): fn must not keep tx after it returns,
// and it runs inside a savepoint, never as the outermost transaction.
func (db *DB) Tx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	if db.batch != nil {
		return db.batch.tx(ctx, fn)
	}
	tx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if db.Engine == Postgres {
		pgTxs.Store(tx, struct{}{})
		defer pgTxs.Delete(tx)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
	}()
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// Optimize refreshes SQLite's statistics for the query planner where they
// are missing or stale (PRAGMA optimize, each table sampled with a bounded
// analysis_limit), as SQLite advises for long-lived connections: run at
// start and hourly. PostgreSQL's autovacuum analyses by itself.
func (db *DB) Optimize(ctx context.Context) error {
	if db.Engine != SQLite {
		return nil
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `PRAGMA analysis_limit = 1000`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `PRAGMA optimize = 0x10002`)
		return err
	})
}

// pgTxs holds the PostgreSQL transactions under way, for OnPostgres.
var pgTxs sync.Map

// OnPostgres reports whether tx is a transaction of Tx on PostgreSQL, for
// code that takes only a transaction and has a faster statement there.
func OnPostgres(tx *sql.Tx) bool {
	_, ok := pgTxs.Load(tx)
	return ok
}

// Stats reports the pools' statistics, for metrics.
func (db *DB) Stats() (write, read sql.DBStats) { return db.write.Stats(), db.read.Stats() }

// Backup writes a consistent copy of a SQLite database to dest (which must
// not exist) while the server keeps running. PostgreSQL is backed up with
// pg_dump instead.
func (db *DB) Backup(ctx context.Context, dest string) error {
	if db.Engine != SQLite {
		return errors.New("backup copies SQLite databases; for PostgreSQL use pg_dump (see README)")
	}
	if _, err := os.Stat(dest); err == nil {
		return fmt.Errorf("%s exists already", dest)
	}
	_, err := db.write.ExecContext(ctx, `VACUUM INTO $1`, dest)
	return err
}
