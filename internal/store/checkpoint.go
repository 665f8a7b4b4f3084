package store

import (
	"database/sql"
	"time"
)

// checkpointer copies the WAL into the database file from a connection of
// its own, beside the writer. Left to SQLite, the commit that takes the
// WAL past wal_autocheckpoint pages does the copying itself while every
// caller of its group, and every caller queued behind it, waits. PASSIVE
// checkpoints wait for no reader and no writer; a page written by many
// commits between two of them is copied once. The writer keeps a far
// higher wal_autocheckpoint as a backstop should this one fall behind
// (a reader holding an old snapshot stops a checkpoint short).
type checkpointer struct {
	db   *sql.DB
	kick chan struct{}
	stop chan struct{}
	done chan struct{}
}

// checkpointEvery is the least time between two checkpoints while commits
// keep coming.
const checkpointEvery = 500 * time.Millisecond

func newCheckpointer(db *sql.DB) *checkpointer {
	c := &checkpointer{db: db, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go c.loop()
	return c
}

// committed tells the checkpointer that the WAL grew; it never blocks.
func (c *checkpointer) committed() {
	select {
	case c.kick <- struct{}{}:
	default:
	}
}

func (c *checkpointer) loop() {
	defer close(c.done)
	for {
		select {
		case <-c.kick:
		case <-c.stop:
			return
		}
		// An error (the file busy in some way) leaves the work to the next
		// round or to the writer's backstop.
		_, _ = c.db.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-time.After(checkpointEvery):
		case <-c.stop:
			return
		}
	}
}

// close stops the loop and closes its connection.
func (c *checkpointer) close() error {
	close(c.stop)
	<-c.done
	return c.db.Close()
}
