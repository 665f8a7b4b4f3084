package reports

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Capacity is who carries the follow-up with the vendors: a reporter may
// hand it over to the coordinator (reporter capacity is one reason to
// engage a coordinator), or keep coordinating with the vendors themselves
// under the coordinator's advice. Expectations about roles must be
// explicit, so the choice is recorded and shown to both sides.
type Capacity string

// The capacities. CapacityUnset until the reporter chooses.
const (
	CapacityUnset       Capacity = ""
	CapacityCoordinator Capacity = "coordinator" // the coordinator carries the follow-up with the vendors
	CapacityReporter    Capacity = "reporter"    // the reporter coordinates with the vendors, advised by the coordinator
)

// Capacities lists the choices, in the order forms show them.
var Capacities = []Capacity{CapacityCoordinator, CapacityReporter}

// Text says what the choice means, in the reporter's words.
func (c Capacity) Text() string {
	switch c {
	case CapacityCoordinator:
		return "I hand the follow-up with the vendors over to the coordinator."
	case CapacityReporter:
		return "I coordinate with the vendors myself, with the coordinator's advice."
	}
	return "Not chosen yet."
}

// Label names the choice briefly, for lists and the coordinators' pages.
func (c Capacity) Label() string {
	switch c {
	case CapacityCoordinator:
		return "handed over to the coordinator"
	case CapacityReporter:
		return "the reporter, with the coordinator's advice"
	}
	return "not chosen"
}

func (c Capacity) check() error {
	if c != CapacityCoordinator && c != CapacityReporter {
		return errs.Field("capacity", "must be coordinator (hand the follow-up over) or reporter (coordinate yourself, with advice)")
	}
	return nil
}

// CapacityChoice is a report's recorded capacity.
type CapacityChoice struct {
	ReportID   int64
	TrackingID string
	Capacity   Capacity
	ChosenAt   time.Time // zero until chosen
}

// capacityOf reads report id's capacity.
func capacityOf(ctx context.Context, q store.Querier, id int64) (Capacity, time.Time, error) {
	var c string
	var at sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT capacity, capacity_at FROM reports WHERE id = $1`, id).Scan(&c, &at)
	if errors.Is(err, sql.ErrNoRows) {
		return "", time.Time{}, notFound()
	}
	return Capacity(c), utc(at), err
}

// SetCapacity records the reporter's choice of who carries the follow-up
// with the vendors, with their note (optional): the choice, a message in
// the conversation saying it in plain words, the journal entry
// ("report.capacity") and the staff notice (report.reporter_message) in
// one transaction. who is the account that submitted the report or the
// holder of its follow-up secret. Choosing again what is chosen changes
// nothing; a closed report refuses (closed is final).
func (s *Service) SetCapacity(ctx context.Context, who Reporter, c Capacity, note string) (CapacityChoice, error) {
	if err := c.check(); err != nil {
		return CapacityChoice{}, err
	}
	note, err := text("note", note, MaxText, false)
	if err != nil {
		return CapacityChoice{}, err
	}
	id, err := s.resolve(ctx, who, true)
	if err != nil {
		return CapacityChoice{}, err
	}
	actor, userID := journal.Actor{Name: "reporter"}, int64(0)
	if who.Secret == "" {
		actor, userID = who.Principal.Actor(), who.Principal.UserID
	}
	out := CapacityChoice{ReportID: id, Capacity: c}
	_, err = s.run(ctx, id, 0, nil, actor, userID, func(ch *change) error {
		out.TrackingID = ch.r.TrackingID
		if ch.r.RM == protocol.RMClosed {
			return errs.E(errs.Conflict, "this report was closed on %s; please send a new report and mention %s",
				ch.r.ClosedAt.Format("2 January 2006"), ch.r.TrackingID)
		}
		old, at, err := capacityOf(ctx, ch.tx, id)
		if err != nil {
			return err
		}
		if old == c {
			out.ChosenAt = at
			return nil // chosen already: nothing to record
		}
		if _, err := ch.tx.ExecContext(ctx, `UPDATE reports SET capacity = $1, capacity_at = $2 WHERE id = $3`, string(c), ch.now, id); err != nil {
			return err
		}
		body := "**Follow-up with the vendors:** " + c.Text()
		if note != "" {
			body += "\n\n" + note
		}
		m, err := ch.message(AuthorReporter, KindMessage, body)
		if err != nil {
			return err
		}
		out.ChosenAt = ch.now
		ch.action = "report.capacity"
		ch.data["capacity"], ch.data["was"], ch.data["message_id"] = string(c), string(old), m.ID
		return enqueue(ctx, ch.tx, ch.now, JobReporterMessage, eventOf(ch.r.Report, m.ID))
	})
	if err != nil {
		return CapacityChoice{}, err
	}
	return out, nil
}

// CapacityOf returns report id's capacity to coordinator staff and to its
// signed-in reporter; to anyone else the report does not exist.
func (s *Service) CapacityOf(ctx context.Context, p auth.Principal, id int64) (CapacityChoice, error) {
	r, err := getRow(ctx, s.db.Read(), id)
	if err != nil {
		return CapacityChoice{}, err
	}
	if err := CanView(p, r.ReporterUserID); err != nil {
		return CapacityChoice{}, err
	}
	c, at, err := capacityOf(ctx, s.db.Read(), id)
	return CapacityChoice{ReportID: id, TrackingID: r.TrackingID, Capacity: c, ChosenAt: at}, err
}
