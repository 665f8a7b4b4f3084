package cases

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/protocol"
)

// JobEmbargoNotice is the kind of the outbox job that tells one
// participant what happened to the case's embargo; its payload is an
// EmbargoNotice. Every participant is told ("avoid surprise").
const JobEmbargoNotice = "case.embargo_notice"

// What an EmbargoNotice announces.
const (
	EmbargoProposed = "proposed" // terms were put to the participant
	EmbargoInForce  = "in_force" // terms are in force
	EmbargoRejected = "rejected" // the pending terms were rejected
	EmbargoEnded    = "ended"    // the embargo ended (early, or because the case became public)
	EmbargoAdvised  = "advised"  // attacks are observed: the coordinators should end it
)

// EmbargoNotice is the payload of JobEmbargoNotice.
type EmbargoNotice struct {
	CaseID        int64
	ParticipantID int64
	Event         string
	EndsAt        time.Time // the terms concerned, if any
	Zone          string
}

// tell enqueues a notice of event to the case's participants (only its
// coordinators when coordinators is set) except one (0: none); key makes
// the notices of one happening unique.
func tell(ctx context.Context, tx *sql.Tx, at time.Time, caseID, except int64, event, key string, t Terms, coordinators bool) error {
	query := `SELECT id FROM case_participants WHERE case_id = $1 AND id <> $2`
	if coordinators {
		query += ` AND (',' || roles || ',') LIKE '%,coordinator,%'`
	}
	rows, err := tx.QueryContext(ctx, query+` ORDER BY id`, caseID, except)
	if err != nil {
		return err
	}
	var items []jobs.Item
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		items = append(items, jobs.Item{Payload: EmbargoNotice{CaseID: caseID, ParticipantID: id, Event: event, EndsAt: t.EndsAt, Zone: t.Zone},
			Options: jobs.Options{DedupeKey: fmt.Sprintf("%s:%d:%d:%s", JobEmbargoNotice, caseID, id, key)}})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	return jobs.EnqueueAll(ctx, tx, at, JobEmbargoNotice, items)
}

// announce enqueues the notices of what a model step did to the embargo:
// terms in force, rejected or ended; and, when attacks are first observed
// under an embargo, the advice to the coordinators to end it.
func announce(ctx context.Context, tx *sql.Tx, at time.Time, caseID int64, changes []protocol.Change, em protocol.EMState) error {
	for _, ch := range changes {
		var err error
		switch {
		case ch.Machine == protocol.EM && ch.Event == protocol.EMAccept.String():
			var t Terms
			var ends sql.NullTime
			if err = tx.QueryRowContext(ctx, `SELECT embargo_ends_at, embargo_zone FROM cases WHERE id = $1`, caseID).Scan(&ends, &t.Zone); err == nil {
				t.EndsAt = nullTime(ends)
				err = tell(ctx, tx, at, caseID, 0, EmbargoInForce, fmt.Sprintf("a%d", at.UnixMicro()), t, false)
			}
		case ch.Machine == protocol.EM && ch.Event == protocol.EMReject.String():
			err = tell(ctx, tx, at, caseID, 0, EmbargoRejected, fmt.Sprintf("r%d", at.UnixMicro()), Terms{}, false)
		case ch.Machine == protocol.EM && ch.Event == protocol.EMTerminate.String():
			err = tell(ctx, tx, at, caseID, 0, EmbargoEnded, "x", Terms{}, false)
		case ch.Machine == protocol.CS && ch.Event == protocol.Attacks.String() && (em.Active() || em == protocol.EMProposed):
			err = tell(ctx, tx, at, caseID, 0, EmbargoAdvised, "advice", Terms{}, true)
		}
		if err != nil {
			return err
		}
	}
	return nil
}
