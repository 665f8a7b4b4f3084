package disputes

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// JobEvent is the kind of the outbox job every change enqueues; its
// payload is an Event. notify mails the parties and the mediator.
const JobEvent = "dispute.event"

// Event is the payload of JobEvent. It carries no text of the dispute.
type Event struct {
	DisputeID int64
	CaseID    int64
	// What happened: opened, position, message, proposed, answered,
	// rejected, resolved, decided, unresolved, withdrawn or mediator.
	What string
	// By is the participant that acted (whom the notice need not tell); 0
	// for an administrator acting for none.
	By int64
}

// Config links disputes to other domains.
type Config struct {
	// ReviseEmbargo, if set, runs in the transaction of a granted (or
	// partly granted) extension request, so that the embargo is revised to
	// end at until (meant in zone) together with the answer; its error
	// refuses the answer. p is the mediator who answered, reason the
	// answer's reasons.
	ReviseEmbargo func(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64, until time.Time, zone string, reason string) error
}

// Service keeps disputes and their mediation.
type Service struct {
	db    *store.DB
	now   func() time.Time
	cases *cases.Service
	cfg   Config
}

// NewService makes a Service on the cases of cs; now is the clock.
func NewService(db *store.DB, now func() time.Time, cs *cases.Service, cfg Config) *Service {
	return &Service{db: db, now: now, cases: cs, cfg: cfg}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// op is one change to a dispute, inside its transaction.
type op struct {
	tx      *sql.Tx
	now     time.Time
	p       auth.Principal
	w       cases.Within
	d       Dispute
	parties []int64
	st      Standing
}

// change runs fn on dispute id of case caseID in one transaction, after
// locking the case (Within: changes to one case take turns) and checking
// that p sees the dispute. fn checks its own permission.
func (s *Service) change(ctx context.Context, p auth.Principal, caseID, id int64, fn func(ctx context.Context, o *op) error) error {
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		d, err := getDispute(ctx, tx, caseID, id)
		if err != nil {
			return err
		}
		parties, err := partyIDs(ctx, tx, id)
		if err != nil {
			return err
		}
		o := &op{tx: tx, now: now, p: p, w: w, d: d, parties: parties, st: standing(w.Access, d, parties)}
		if err := CanSee(p, o.st); err != nil {
			return err
		}
		return fn(ctx, o)
	})
}

// needOpen refuses a change to a dispute that is over.
func (o *op) needOpen() error {
	if o.d.Open() {
		return nil
	}
	return conflict("the dispute is %s already: nothing changes any more", o.d.Status)
}

// as is the party p speaks for: as if given, else the one party p acts
// for.
func (o *op) as(as int64) (int64, error) {
	if as != 0 {
		return as, nil
	}
	switch acted := o.st.PartiesActed(); len(acted) {
	case 1:
		return acted[0], nil
	case 0:
		return 0, nil // CanState refuses it
	}
	return 0, errs.Field("as", "you act for several parties: name the one you speak for")
}

// mediatorBy is the participant a mediating act is done by: the mediator
// if p acts for it, else none (an administrator).
func (o *op) mediatorBy() int64 {
	if o.st.acts(o.d.Mediator) {
		return o.d.Mediator
	}
	return 0
}

// touch bumps the dispute's version.
func (o *op) touch(ctx context.Context) error {
	_, err := o.tx.ExecContext(ctx, `UPDATE disputes SET updated_at = $1, version = version + 1 WHERE id = $2`, o.now, o.d.ID)
	o.d.UpdatedAt, o.d.Version = o.now, o.d.Version+1
	return err
}

// journal appends an entry about the dispute alone (object type
// "dispute"): changes that are not the case timeline's business.
func (o *op) journal(ctx context.Context, action string, data map[string]any) error {
	return appendEntry(ctx, o.tx, o.now, o.p.Actor(), action, o.d.ID, o.d.CaseID, data)
}

func appendEntry(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, action string, id, caseID int64, data map[string]any) error {
	if data == nil {
		data = map[string]any{}
	}
	data["case_id"] = caseID
	_, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: actor, Action: action, ObjectType: "dispute",
		ObjectID: strconv.FormatInt(id, 10), Data: data})
	return err
}

// notify enqueues the notice of what happened.
func (o *op) notify(ctx context.Context, what string, by int64) error {
	return enqueue(ctx, o.tx, o.now, Event{DisputeID: o.d.ID, CaseID: o.d.CaseID, What: what, By: by})
}

func enqueue(ctx context.Context, tx *sql.Tx, at time.Time, e Event) error {
	_, err := jobs.Enqueue(ctx, tx, at, JobEvent, e, jobs.Options{})
	return err
}

// timeline records text on the case timeline (see note).
func (o *op) timeline(ctx context.Context, action, text string) error {
	return note(ctx, o.tx, o.now, o.p.Actor(), o.d, o.parties, action, text)
}

// note writes what happened to dispute d on its case's timeline, where
// only the parties and those who manage the case see it: one entry per
// party that is not a coordinator (an entry about a participant shows to
// it and to the coordinators; one about a coordinator, or about the case,
// to every participant). With coordinators alone as parties the change is
// journaled about the dispute instead.
func note(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, d Dispute, parties []int64, action, text string) error {
	named, err := cases.ParticipantsIn(ctx, tx, d.CaseID, parties...)
	if err != nil {
		return err
	}
	written := false
	for _, id := range parties {
		if pt, ok := named[id]; !ok || pt.Roles.Has(cases.RoleCoordinator) {
			continue
		}
		if err := cases.RecordNote(ctx, tx, at, actor, d.CaseID, cases.Note{Action: action, Participant: id, Text: text}); err != nil {
			return err
		}
		written = true
	}
	if written {
		return nil
	}
	return appendEntry(ctx, tx, at, actor, action, d.ID, d.CaseID, map[string]any{"text": text})
}

// finish ends the dispute with status; outcome and reasons as given.
func (o *op) finish(ctx context.Context, status Status, outcome, reasons string) error {
	_, err := o.tx.ExecContext(ctx, `UPDATE disputes SET status = $1, outcome = $2, reasons = $3, resolved_at = $4,
		updated_at = $4, version = version + 1 WHERE id = $5`, string(status), outcome, reasons, o.now, o.d.ID)
	o.d.Status, o.d.Outcome, o.d.Reasons, o.d.ResolvedAt, o.d.UpdatedAt, o.d.Version = status, outcome, reasons, o.now, o.now, o.d.Version+1
	return err
}

// label names the dispute on the timeline, e.g. `Dispute #4 (Timing of
// disclosure) "Publication date"`.
func label(d Dispute) string {
	return fmt.Sprintf("Dispute #%d (%s) %q", d.ID, d.Topic.Label(), d.Title)
}
