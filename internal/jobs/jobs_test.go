package jobs_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func enqueue(t *testing.T, db *store.DB, now time.Time, kind string, o jobs.Options) int64 {
	t.Helper()
	var id int64
	err := db.Tx(context.Background(), func(tx *sql.Tx) error {
		var err error
		id, err = jobs.Enqueue(context.Background(), tx, now, kind, map[string]string{"k": "v"}, o)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func state(t *testing.T, db *store.DB, id int64) (string, int) {
	t.Helper()
	var s string
	var n int
	if err := db.Read().QueryRowContext(context.Background(), `SELECT state, attempts FROM jobs WHERE id = $1`, id).Scan(&s, &n); err != nil {
		t.Fatal(err)
	}
	return s, n
}

func TestRolledBackChangeQueuesNothing(t *testing.T) {
	db := storetest.New(t)
	ctx := context.Background()
	_ = db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := jobs.Enqueue(ctx, tx, time.Now(), "x", nil, jobs.Options{}); err != nil {
			t.Fatal(err)
		}
		return errors.New("roll back")
	})
	c, err := jobs.Counts(ctx, db.Read())
	if err != nil || c["pending"] != 0 {
		t.Fatalf("counts %v, %v; want nothing pending", c, err)
	}
}

func TestRetryWithBackoffThenFail(t *testing.T) {
	db := storetest.New(t)
	clk := newClock()
	r := jobs.NewRunner(db, jobs.Config{Now: clk.Now})
	var calls atomic.Int32
	r.Handle("flaky", func(ctx context.Context, j jobs.Job) error {
		var p map[string]string
		if err := j.Decode(&p); err != nil || p["k"] != "v" {
			t.Errorf("payload %v, %v", p, err)
		}
		calls.Add(1)
		return errors.New("down")
	})
	id := enqueue(t, db, clk.Now(), "flaky", jobs.Options{MaxAttempts: 3})
	ctx := context.Background()
	if n, _ := r.Drain(ctx); n != 1 {
		t.Fatalf("first drain ran %d jobs, want 1", n)
	}
	if n, _ := r.Drain(ctx); n != 0 {
		t.Fatalf("retry ran before its backoff: %d", n)
	}
	clk.Add(jobs.Backoff(1))
	r.Drain(ctx)
	clk.Add(jobs.Backoff(2))
	r.Drain(ctx)
	clk.Add(time.Hour)
	r.Drain(ctx)
	if s, n := state(t, db, id); s != "failed" || n != 3 || calls.Load() != 3 {
		t.Fatalf("state %s after %d attempts (%d calls); want failed after 3", s, n, calls.Load())
	}
}

func TestSuccessPermanentAndUnknownKind(t *testing.T) {
	db := storetest.New(t)
	clk := newClock()
	r := jobs.NewRunner(db, jobs.Config{Now: clk.Now})
	r.Handle("ok", func(context.Context, jobs.Job) error { return nil })
	r.Handle("bad", func(context.Context, jobs.Job) error { return jobs.Permanent(errors.New("no")) })
	ok := enqueue(t, db, clk.Now(), "ok", jobs.Options{})
	bad := enqueue(t, db, clk.Now(), "bad", jobs.Options{})
	unknown := enqueue(t, db, clk.Now(), "nobody", jobs.Options{})
	if n, err := r.Drain(context.Background()); n != 3 || err != nil {
		t.Fatalf("drain %d, %v", n, err)
	}
	for id, want := range map[int64]string{ok: "done", bad: "failed", unknown: "failed"} {
		if s, _ := state(t, db, id); s != want {
			t.Errorf("job %d: %s, want %s", id, s, want)
		}
	}
}

func TestDedupeAndLaterRunAt(t *testing.T) {
	db := storetest.New(t)
	clk := newClock()
	a := enqueue(t, db, clk.Now(), "x", jobs.Options{DedupeKey: "same", RunAt: clk.Now().Add(time.Hour)})
	b := enqueue(t, db, clk.Now(), "x", jobs.Options{DedupeKey: "same"})
	if a == 0 || b != 0 {
		t.Fatalf("ids %d, %d; want the second dropped", a, b)
	}
	r := jobs.NewRunner(db, jobs.Config{Now: clk.Now})
	r.Handle("x", func(context.Context, jobs.Job) error { return nil })
	if n, _ := r.Drain(context.Background()); n != 0 {
		t.Fatal("ran a job before its time")
	}
	clk.Add(time.Hour)
	if n, _ := r.Drain(context.Background()); n != 1 {
		t.Fatal("did not run the job at its time")
	}
}

func TestExpiredLeaseIsClaimedAgain(t *testing.T) {
	db := storetest.New(t)
	clk := newClock()
	id := enqueue(t, db, clk.Now(), "slow", jobs.Options{})
	r := jobs.NewRunner(db, jobs.Config{Now: clk.Now, Lease: time.Minute})
	r.Handle("slow", func(ctx context.Context, j jobs.Job) error {
		if j.Attempts == 1 {
			clk.Add(2 * time.Minute) // the worker stalls past its lease...
			other := jobs.NewRunner(db, jobs.Config{Now: clk.Now})
			other.Handle("slow", func(context.Context, jobs.Job) error { return nil })
			if n, _ := other.Drain(ctx); n != 1 { // ...and another takes over
				t.Errorf("the other worker ran %d jobs, want 1", n)
			}
		}
		return nil
	})
	r.Drain(context.Background())
	if s, n := state(t, db, id); s != "done" || n != 2 {
		t.Fatalf("state %s after %d attempts; want done after 2", s, n)
	}
}

func TestPeriodicOncePerSlotAndRunStops(t *testing.T) {
	db := storetest.New(t)
	clk := newClock()
	var ran atomic.Int32
	mk := func() *jobs.Runner {
		r := jobs.NewRunner(db, jobs.Config{Now: clk.Now, Poll: 10 * time.Millisecond})
		r.Every("tick", time.Hour)
		r.Handle("tick", func(context.Context, jobs.Job) error { ran.Add(1); return nil })
		return r
	}
	a, b := mk(), mk()
	ctx := context.Background()
	for _, r := range []*jobs.Runner{a, b, a} {
		if err := r.EnqueuePeriodic(ctx); err != nil {
			t.Fatal(err)
		}
	}
	a.Drain(ctx)
	b.Drain(ctx)
	if ran.Load() != 1 {
		t.Fatalf("ran %d times in one slot, want 1", ran.Load())
	}
	clk.Add(time.Hour)
	ctx2, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { a.Run(ctx2); close(done) }()
	for ran.Load() < 2 {
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done // Run returns only when every goroutine has stopped
}
