package cases

import (
	"context"
	"database/sql"
	"time"

	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/protocol"
)

// Who owes what by when: the deadlines a case's protocol steps create and
// settle, written in the step's transaction (package deadlines keeps them,
// reminds and feeds calendars).

// DraftReviewBefore is how long before publication the draft advisory is
// shared for review (../shared/DOMAIN.md: one to two weeks).
const DraftReviewBefore = 14 * 24 * time.Hour

// VendorResponseWithin is how long a notified vendor has to answer before
// its silence starts to count (DOMAIN.md: at least two weeks).
const VendorResponseWithin = 14 * 24 * time.Hour

// oblige keeps the deadlines in step with changes: an invitation to the
// embargo (or a lapse of consent) owes an answer within the silence period;
// an answer meets it; terms in force bring the embargo's end and the draft
// review before it; an embargo that ends or a proposal rejected cancels
// what it brought.
func oblige(ctx context.Context, tx *sql.Tx, at time.Time, caseID int64, changes []protocol.Change, silence time.Duration) error {
	// The last consent change of each participant decides: a proposer is
	// invited and signs in one step, and owes nothing.
	owes := map[int64]bool{}
	var order []int64
	for _, ch := range changes {
		switch {
		case ch.Machine == protocol.Consent && (ch.To == protocol.ConsentInvited.String() || ch.To == protocol.ConsentLapsed.String()):
			id := parsePkey(ch.Participant)
			if _, seen := owes[id]; !seen {
				order = append(order, id)
			}
			owes[id] = true
		case ch.Machine == protocol.Consent && (ch.From == protocol.ConsentInvited.String() || ch.From == protocol.ConsentLapsed.String()) &&
			ch.To != protocol.ConsentNone.String():
			id := parsePkey(ch.Participant)
			if _, seen := owes[id]; !seen {
				order = append(order, id)
			}
			owes[id] = false
		case ch.Machine == protocol.EM && ch.Event == protocol.EMAccept.String():
			if err := termsInForce(ctx, tx, at, caseID); err != nil {
				return err
			}
		case ch.Machine == protocol.EM && (ch.Event == protocol.EMTerminate.String() || ch.To == protocol.EMNone.String()):
			if _, err := deadlines.CancelCase(ctx, tx, at, caseID, deadlines.EmbargoAnswer, deadlines.EmbargoEnd, deadlines.DraftReview); err != nil {
				return err
			}
		}
	}
	var owe []deadlines.Deadline
	for _, id := range order {
		if owes[id] {
			owe = append(owe, deadlines.Deadline{CaseID: caseID, ParticipantID: id, Kind: deadlines.EmbargoAnswer, DueAt: at.Add(silence), Zone: "UTC"})
			continue
		}
		if _, err := deadlines.Meet(ctx, tx, at, caseID, id, deadlines.EmbargoAnswer); err != nil {
			return err
		}
	}
	if len(owe) == 0 {
		return nil
	}
	_, err := deadlines.SetMany(ctx, tx, at, owe)
	return err
}

// termsInForce sets the case-wide deadlines of the terms now in force: the
// embargo's end and, if there is time for it, the draft's review.
func termsInForce(ctx context.Context, tx *sql.Tx, at time.Time, caseID int64) error {
	var ends sql.NullTime
	var zone string
	if err := tx.QueryRowContext(ctx, `SELECT embargo_ends_at, embargo_zone FROM cases WHERE id = $1`, caseID).Scan(&ends, &zone); err != nil {
		return err
	}
	if !ends.Valid {
		return nil
	}
	if zone == "" {
		zone = "UTC"
	}
	list := []deadlines.Deadline{{CaseID: caseID, Kind: deadlines.EmbargoEnd, DueAt: ends.Time.UTC(), Zone: zone}}
	review := ends.Time.UTC().Add(-DraftReviewBefore)
	if review.Before(at.Add(24 * time.Hour)) { // a short embargo: review halfway
		review = at.Add(ends.Time.Sub(at) / 2)
	}
	list = append(list, deadlines.Deadline{CaseID: caseID, Kind: deadlines.DraftReview, DueAt: review, Zone: zone})
	_, err := deadlines.SetMany(ctx, tx, at, list)
	return err
}
