package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

// Handler does the work of one job. It must be idempotent: after a crash
// the same job may run again.
type Handler func(ctx context.Context, j Job) error

// Config tunes a Runner.
type Config struct {
	Workers int           // concurrent workers; default 2
	Poll    time.Duration // how often idle workers look for due jobs; default 1s
	Lease   time.Duration // how long a claim holds; default 5m
	Now     func() time.Time
	Logger  *slog.Logger
	// Observe, if set, is told of every job run, for metrics.
	Observe func(kind string, d time.Duration, err error)
}

type periodic struct {
	kind     string
	interval time.Duration
}

// Runner runs jobs from the queue with registered handlers and enqueues
// periodic jobs. Register everything before Run.
type Runner struct {
	db       *store.DB
	cfg      Config
	handlers map[string]Handler
	periodic []periodic
	wake     chan struct{}
}

// NewRunner makes a runner over db.
func NewRunner(db *store.DB, cfg Config) *Runner {
	if cfg.Workers <= 0 {
		cfg.Workers = 2
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 5 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{db: db, cfg: cfg, handlers: map[string]Handler{}, wake: make(chan struct{}, 1)}
}

// Handle registers the handler for kind.
func (r *Runner) Handle(kind string, h Handler) { r.handlers[kind] = h }

// Every enqueues a job of kind (with an empty payload) once per interval.
func (r *Runner) Every(kind string, interval time.Duration) {
	r.periodic = append(r.periodic, periodic{kind: kind, interval: interval})
}

// Wake tells idle workers to look for jobs now (after a commit that enqueued some).
func (r *Runner) Wake() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Run works until ctx is cancelled and returns once every worker has stopped.
func (r *Runner) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range r.cfg.Workers {
		wg.Go(func() { r.work(ctx) })
	}
	wg.Go(func() { r.schedule(ctx) })
	wg.Wait()
}

func (r *Runner) work(ctx context.Context) {
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		for ctx.Err() == nil {
			ran, err := r.RunOne(ctx)
			if err != nil {
				r.cfg.Logger.Error("jobs: claim", "err", err)
				break
			}
			if !ran {
				break
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-r.wake:
		}
	}
}

func (r *Runner) schedule(ctx context.Context) {
	if len(r.periodic) == 0 {
		return
	}
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		if err := r.EnqueuePeriodic(ctx); err != nil && ctx.Err() == nil {
			r.cfg.Logger.Error("jobs: schedule", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// EnqueuePeriodic enqueues each periodic job for the current time slot,
// unless it was already enqueued for that slot (by any instance).
func (r *Runner) EnqueuePeriodic(ctx context.Context) error {
	now := r.cfg.Now()
	return r.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, p := range r.periodic {
			slot := now.Truncate(p.interval)
			key := fmt.Sprintf("every:%s:%d", p.kind, slot.Unix())
			if _, err := Enqueue(ctx, tx, now, p.kind, struct{}{}, Options{RunAt: slot, DedupeKey: key, MaxAttempts: 1}); err != nil {
				return err
			}
		}
		return nil
	})
}

// RunOne claims and runs one due job. It reports whether there was one.
func (r *Runner) RunOne(ctx context.Context) (bool, error) {
	j, ok, err := claim(ctx, r.db, r.cfg.Now(), r.cfg.Lease)
	if err != nil || !ok {
		return false, err
	}
	start := time.Now()
	runErr := r.call(ctx, j)
	if r.cfg.Observe != nil {
		r.cfg.Observe(j.Kind, time.Since(start), runErr)
	}
	if runErr != nil {
		r.cfg.Logger.Warn("jobs: failed", "kind", j.Kind, "id", j.ID, "attempt", j.Attempts, "err", runErr)
	}
	// A cancelled context must not lose the outcome of work already done.
	return true, finish(context.WithoutCancel(ctx), r.db, j, r.cfg.Now(), runErr)
}

func (r *Runner) call(ctx context.Context, j Job) (err error) {
	h, ok := r.handlers[j.Kind]
	if !ok {
		return Permanent(fmt.Errorf("no handler for job kind %q", j.Kind))
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("handler panicked: %v", p)
		}
	}()
	return h(ctx, j)
}

// Drain runs due jobs until none is left; tests and one-shot commands use it.
func (r *Runner) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := r.RunOne(ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}
