package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// batcher commits SQLite write transactions in groups. SQLite has one
// writer, so concurrent callers of Tx queue for it anyway; running the
// queued callers' functions in one transaction, each inside a savepoint of
// its own, writes each touched page and index once per group instead of
// once per caller. A caller's function that fails is rolled back to its
// savepoint alone; a failed commit fails every caller of the group, and no
// caller hears "done" before the group's commit.
type batcher struct {
	db        *sql.DB
	committed func() // told after each commit
	queue     chan *batchItem
	stop      chan struct{}
	done      chan struct{}
}

type batchItem struct {
	ctx   context.Context
	fn    func(*sql.Tx) error
	err   error
	panic any
	ran   bool // fn returned nil inside the group's transaction
	reply chan struct{}
}

// Limits of a group: it takes what is queued when it starts, up to
// maxBatch callers, and stops taking more once it has run for maxBatchTime,
// so that one slow caller does not hold a long queue behind it.
const (
	maxBatch     = 64
	maxBatchTime = 20 * time.Millisecond
)

func newBatcher(db *sql.DB, committed func()) *batcher {
	b := &batcher{db: db, committed: committed, queue: make(chan *batchItem, maxBatch), stop: make(chan struct{}), done: make(chan struct{})}
	go b.loop()
	return b
}

// close stops the loop once the groups under way are committed.
func (b *batcher) close() {
	close(b.stop)
	<-b.done
}

// tx queues fn and waits for its group's outcome. Once queued, it waits
// even if ctx ends: the caller must learn whether its change committed.
func (b *batcher) tx(ctx context.Context, fn func(*sql.Tx) error) error {
	it := &batchItem{ctx: ctx, fn: fn, reply: make(chan struct{})}
	select {
	case b.queue <- it:
	case <-ctx.Done():
		return ctx.Err()
	case <-b.stop:
		return sql.ErrConnDone
	}
	<-it.reply
	if it.panic != nil {
		panic(it.panic)
	}
	return it.err
}

func (b *batcher) loop() {
	defer close(b.done)
	for {
		var first *batchItem
		select {
		case first = <-b.queue:
		case <-b.stop:
			b.drain()
			return
		}
		group := []*batchItem{first}
	more:
		for len(group) < maxBatch {
			select {
			case it := <-b.queue:
				group = append(group, it)
			default:
				break more
			}
		}
		for len(group) > 0 {
			group = b.run(group)
		}
	}
}

// drain answers callers that queued while the database was closing.
func (b *batcher) drain() {
	for {
		select {
		case it := <-b.queue:
			it.err = sql.ErrConnDone
			close(it.reply)
		default:
			return
		}
	}
}

// run commits one group and answers its callers. It returns the items it
// did not start, either because the group ran for maxBatchTime already or
// because its transaction broke, for a group of their own.
func (b *batcher) run(group []*batchItem) (rest []*batchItem) {
	start := time.Now()
	defer func() {
		for _, it := range group {
			close(it.reply)
		}
	}()
	tx, err := b.db.BeginTx(context.Background(), nil)
	if err != nil {
		failAll(group, fmt.Errorf("begin transaction: %w", err))
		return nil
	}
	for i, it := range group {
		if i > 0 && time.Since(start) > maxBatchTime {
			group, rest = group[:i], group[i:]
			break
		}
		if err := runItem(tx, it); err != nil {
			_ = tx.Rollback()
			group, rest = group[:i+1], group[i+1:]
			failAll(group, err)
			return rest
		}
	}
	if err := tx.Commit(); err != nil {
		failAll(group, fmt.Errorf("commit: %w", err))
		return rest
	}
	b.committed()
	return rest
}

// runItem runs one caller's function inside a savepoint. It returns an
// error only when the group's transaction itself is broken.
func runItem(tx *sql.Tx, it *batchItem) (broken error) {
	if err := it.ctx.Err(); err != nil {
		it.err = err
		return nil
	}
	if _, err := tx.Exec(`SAVEPOINT item`); err != nil {
		return fmt.Errorf("savepoint: %w", err)
	}
	func() {
		defer func() {
			if p := recover(); p != nil {
				it.panic = p
			}
		}()
		it.err = it.fn(tx)
	}()
	if it.err == nil && it.panic == nil {
		it.ran = true
		if _, err := tx.Exec(`RELEASE SAVEPOINT item`); err != nil {
			return fmt.Errorf("release savepoint: %w", err)
		}
		return nil
	}
	if _, err := tx.Exec(`ROLLBACK TO SAVEPOINT item`); err != nil {
		return fmt.Errorf("roll back to savepoint: %w", err)
	}
	if _, err := tx.Exec(`RELEASE SAVEPOINT item`); err != nil {
		return fmt.Errorf("release savepoint: %w", err)
	}
	return nil
}

// failAll gives every caller whose change was in the lost transaction the
// error that lost it; callers whose own function failed keep their error.
func failAll(group []*batchItem, err error) {
	for _, it := range group {
		if it.ran || (it.err == nil && it.panic == nil) {
			it.err = err
			it.ran = false
		}
	}
}
