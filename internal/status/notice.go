package status

import (
	"context"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
)

// JobEvent is the kind of the job that tells people of a vendor
// statement's news; its payload is an Event. notify handles it.
const JobEvent = "status.event"

// The news an Event tells.
const (
	EventShared   = "shared"   // a statement became visible to the other participants
	EventChanged  = "changed"  // a shared statement changed what it states
	EventApproved = "approved" // the coordinators approved a statement for publication
)

// Event is the payload of JobEvent. Shared and changed statements are news
// for the case's other participants (those the embargo does not restrict),
// an approval for the vendor.
type Event struct {
	CaseID      int64
	CaseKey     string
	StatementID int64
	Participant int64 // the vendor
	Vendor      string
	What        string // EventShared, EventChanged or EventApproved
}

// notice enqueues the Event of statement st, in the change's transaction.
func (o *op) notice(ctx context.Context, st Statement, vendor cases.Participant, what string) error {
	_, err := jobs.Enqueue(ctx, o.tx, o.now, JobEvent, Event{CaseID: st.CaseID, CaseKey: o.w.Case.Key, StatementID: st.ID,
		Participant: st.Participant, Vendor: vendor.Name, What: what}, jobs.Options{})
	return err
}
