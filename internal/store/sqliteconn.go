package store

import (
	"context"
	"database/sql/driver"
	"strings"

	"modernc.org/sqlite"
)

// writeConnector opens SQLite connections for the writer: each keeps its
// statements prepared by query text, because parsing is a third of a small
// write's cost on SQLite, and its statements ignore cancellation (see
// writeConn).
type writeConnector struct{ driver.Connector }

func newWriteConnector(dsn string) (driver.Connector, error) {
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return writeConnector{c}, nil
}

func (c writeConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &writeConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

// maxConnStmts bounds a connection's cache; other queries run unprepared.
const maxConnStmts = 1024

// writeConn is a SQLite connection with a statement cache. A statement of
// a transaction never sees its context's cancellation: SQLite answers an
// interrupted write by rolling back the whole transaction, and the writer's
// transactions hold several callers' changes (see batch.go). A cancelled
// caller still stops at its next statement, which database/sql refuses.
type writeConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

// cachedStmt is a prepared statement; busy while its rows are open, so a
// nested use of the same query text gets a statement of its own.
type cachedStmt struct {
	stmt driver.Stmt
	busy bool
}

var (
	_ driver.ExecerContext      = (*writeConn)(nil)
	_ driver.QueryerContext     = (*writeConn)(nil)
	_ driver.ConnBeginTx        = (*writeConn)(nil)
	_ driver.ConnPrepareContext = (*writeConn)(nil)
	_ driver.SessionResetter    = (*writeConn)(nil)
	_ driver.Validator          = (*writeConn)(nil)
	_ driver.Pinger             = (*writeConn)(nil)
)

func (c *writeConn) cached(ctx context.Context, query string) *cachedStmt {
	if s, ok := c.stmts[query]; ok {
		return s
	}
	// Scripts (migrations) run once: not worth a slot.
	if len(c.stmts) >= maxConnStmts || strings.Contains(strings.TrimRight(strings.TrimSpace(query), ";"), ";") {
		return nil
	}
	st, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared call reports the error
	}
	s := &cachedStmt{stmt: st}
	c.stmts[query] = s
	return s
}

func (c *writeConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	ctx = context.WithoutCancel(ctx)
	if s := c.cached(ctx, query); s != nil && !s.busy {
		return s.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
	}
	return c.Conn.(driver.ExecerContext).ExecContext(ctx, query, args)
}

func (c *writeConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	ctx = context.WithoutCancel(ctx)
	s := c.cached(ctx, query)
	if s == nil || s.busy {
		return c.Conn.(driver.QueryerContext).QueryContext(ctx, query, args)
	}
	rows, err := s.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, stmt: s}, nil
}

func (c *writeConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *writeConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.Conn.(driver.ConnBeginTx).BeginTx(ctx, opts)
}

func (c *writeConn) ResetSession(ctx context.Context) error {
	return c.Conn.(driver.SessionResetter).ResetSession(ctx)
}

func (c *writeConn) IsValid() bool { return c.Conn.(driver.Validator).IsValid() }

func (c *writeConn) Ping(ctx context.Context) error { return c.Conn.(driver.Pinger).Ping(ctx) }

func (c *writeConn) Close() error {
	for _, s := range c.stmts {
		s.stmt.Close()
	}
	c.stmts = nil
	return c.Conn.Close()
}

// cachedRows frees its statement for reuse when closed.
type cachedRows struct {
	driver.Rows
	stmt *cachedStmt
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	r.stmt.busy = false
	return err
}
