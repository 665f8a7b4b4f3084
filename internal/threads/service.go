package threads

import (
	"context"
	"database/sql"
	"slices"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// JobPost is the kind of the outbox job every post enqueues; its payload
// is an Event. notify mails the thread's audience.
const JobPost = "thread.post"

// Event is the payload of JobPost. It carries no text of the thread.
type Event struct {
	ThreadID int64
	CaseID   int64
	PostID   int64
	// By is the participant that wrote the post (whom the notice need not
	// tell), 0 for staff acting for none; ByUser the author's account.
	By     int64
	ByUser int64
	// Started is set for the post that started the thread.
	Started bool
	// Mentioned, set when a post was edited, are the mentions the edit
	// added: only they are told, the rest read the post already.
	Mentioned []Mention `json:",omitempty"`
}

// Config links threads to its surroundings.
type Config struct {
	Limits Limits // the zero value means DefaultLimits
}

// Service keeps the discussion threads of cases.
type Service struct {
	db     *store.DB
	now    func() time.Time
	cases  *cases.Service
	limits Limits
}

// NewService makes a Service on the cases of cs; now is the clock.
func NewService(db *store.DB, now func() time.Time, cs *cases.Service, cfg Config) *Service {
	if cfg.Limits == (Limits{}) {
		cfg.Limits = DefaultLimits()
	}
	return &Service{db: db, now: now, cases: cs, limits: cfg.Limits}
}

// Limits returns the bounds on attachments, for transports that read
// uploads.
func (s *Service) Limits() Limits { return s.limits }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// op is one change to a thread, inside its transaction.
type op struct {
	tx  *sql.Tx
	now time.Time
	p   auth.Principal
	w   cases.Within
	t   Thread
	st  Standing
}

// change runs fn on thread id of case caseID in one transaction, after
// locking the case (Within: changes to one case take turns) and checking
// that p sees the thread and that the case is not over. fn checks its own
// permission.
func (s *Service) change(ctx context.Context, p auth.Principal, caseID, id int64, fn func(ctx context.Context, o *op) error) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		t, err := getThread(ctx, tx, caseID, id)
		if err != nil {
			return err
		}
		o := &op{tx: tx, now: now, p: p, w: w, t: t, st: standing(p, w.Access, t)}
		if err := CanSee(p, o.st); err != nil {
			return err
		}
		if err := needOpen(w); err != nil {
			return err
		}
		return fn(ctx, o)
	})
}

// needOpen refuses changes to a case that is over.
func needOpen(w cases.Within) error {
	if w.Closed {
		return errs.E(errs.Conflict, "case %s is closed: its threads take no changes", w.Case.Key)
	}
	return nil
}

// journal appends an entry about the thread alone (object type "thread").
func (o *op) journal(ctx context.Context, action string, data map[string]any) error {
	return appendEntry(ctx, o.tx, o.now, o.p.Actor(), action, o.t, data)
}

func appendEntry(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, action string, t Thread, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["case_id"] = t.CaseID
	_, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: actor, Action: action, ObjectType: "thread",
		ObjectID: strconv.FormatInt(t.ID, 10), Data: data})
	return err
}

// enqueue queues the notices of one post.
func enqueue(ctx context.Context, tx *sql.Tx, at time.Time, e Event) error {
	_, err := jobs.Enqueue(ctx, tx, at, JobPost, e, jobs.Options{})
	return err
}

// author decides whom p writes for in thread t: as if given (it must act
// for it, and it must be in the audience), else the one participant of
// the audience it acts for; those who manage the case and act for none
// of the audience write for no participant.
func author(p auth.Principal, st Standing, aud map[int64]member, as int64) (int64, error) {
	var mine []int64
	for _, id := range st.Acts {
		if _, ok := aud[id]; ok {
			mine = append(mine, id)
		}
	}
	switch {
	case as != 0:
		if _, ok := aud[as]; !ok || !slices.Contains(st.Acts, as) {
			return 0, &errs.Error{Kind: errs.Forbidden, Field: "as", Message: "write for a participant you act for in this thread"}
		}
		return as, nil
	case len(mine) == 1:
		return mine[0], nil
	case len(mine) == 0 && st.Manages:
		return 0, nil
	case len(mine) == 0:
		return 0, errs.E(errs.Forbidden, "you act for no participant of this thread")
	}
	return 0, errs.Field("as", "you act for several participants of this thread: name the one you write for")
}
