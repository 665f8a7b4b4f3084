package credits

import (
	"context"
	"database/sql"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
)

// JobEvent is the kind of the job that tells a credited account of a
// change to its credit made by someone else (proposed, edited, withdrawn);
// its payload is an Event. notify handles it.
const JobEvent = "credit.event"

// Event is the payload of JobEvent: what the notice says, read when the
// change was made (a withdrawn credit is gone by the time it is sent).
type Event struct {
	CaseID   int64
	CaseKey  string
	CreditID int64
	UserID   int64  // the credited account
	Action   string // credit.proposed, credit.edited or credit.withdrawn
	Type     Type
	Status   Status
}

// notice enqueues the credited account's notice of a change to credit c,
// in the change's transaction: only for a credit of an account, and never
// for a change the credited made.
func notice(ctx context.Context, tx *sql.Tx, at time.Time, p auth.Principal, c Credit, action string) error {
	if c.UserID == 0 || c.UserID == p.UserID {
		return nil
	}
	switch action {
	case "credit.proposed", "credit.edited", "credit.withdrawn":
	default:
		return nil
	}
	_, err := jobs.Enqueue(ctx, tx, at, JobEvent, Event{CaseID: c.CaseID, CaseKey: c.CaseKey, CreditID: c.ID, UserID: c.UserID,
		Action: action, Type: c.Type, Status: c.Status}, jobs.Options{})
	return err
}
