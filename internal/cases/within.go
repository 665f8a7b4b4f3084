package cases

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// What domains built on cases (disputes, deadlines) need of a case inside
// their own transaction, so that their change and the case's journal entry
// commit together.

// Within is a case as p takes part in it, read inside a transaction.
type Within struct {
	Case   Case
	Access Access
	// Manages is set when p may change the case as a whole (CanManage).
	Manages bool
	// Closed is set when the case is over: every coordinator participant's
	// report state is Closed (without coordinators, every participant's).
	Closed bool
}

// Within locks case caseID (on PostgreSQL) and returns it as p sees it; a
// case p may not see is not found.
func (s *Service) Within(ctx context.Context, tx *sql.Tx, p auth.Principal, caseID int64) (Within, error) {
	if _, err := s.lockCase(ctx, tx, caseID); err != nil {
		return Within{}, err
	}
	a, err := access(ctx, tx, p, caseID)
	if err != nil {
		return Within{}, err
	}
	if err := CanView(p, a); err != nil {
		return Within{}, err
	}
	c, err := scanCase(tx.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, caseID))
	if err != nil {
		return Within{}, err
	}
	closed, err := caseClosed(ctx, tx, caseID)
	return Within{Case: c, Access: a, Manages: manages(p, a), Closed: closed}, err
}

// Manages reports whether p, with access a, manages the case.
func Manages(p auth.Principal, a Access) bool { return manages(p, a) }

// caseClosed: every coordinator is Closed, or with no coordinator every
// participant is; a case without participants is open. Each EXISTS stops
// at its first row (coordinators through their partial index), so that an
// open case of 10,000 vendors is not counted through on every change.
func caseClosed(ctx context.Context, q store.Querier, caseID int64) (bool, error) {
	const coordinator = `(',' || roles || ',') LIKE '%,coordinator,%'`
	var hasCoordinator, coordinatorOpen, hasAny, anyOpen bool
	err := q.QueryRowContext(ctx, `SELECT
		EXISTS (SELECT 1 FROM case_participants WHERE case_id = $1 AND `+coordinator+`),
		EXISTS (SELECT 1 FROM case_participants WHERE case_id = $1 AND `+coordinator+` AND rm_state <> 'C'),
		EXISTS (SELECT 1 FROM case_participants WHERE case_id = $1),
		EXISTS (SELECT 1 FROM case_participants WHERE case_id = $1 AND rm_state <> 'C')`, caseID).
		Scan(&hasCoordinator, &coordinatorOpen, &hasAny, &anyOpen)
	if err != nil {
		return false, err
	}
	if hasCoordinator {
		return !coordinatorOpen, nil
	}
	return hasAny && !anyOpen, nil
}

// ParticipantsIn returns the participants of case caseID with the given
// IDs (all of them when ids is empty), by ID; IDs not in the case are
// missing from the map.
func ParticipantsIn(ctx context.Context, q store.Querier, caseID int64, ids ...int64) (map[int64]Participant, error) {
	query := `SELECT ` + participantColumns + participantFrom + ` WHERE p.case_id = $1`
	args := []any{caseID}
	if len(ids) > 0 {
		query += ` AND p.id IN (` + placeholders(2, len(ids)) + `)`
		for _, id := range ids {
			args = append(args, id)
		}
	}
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]Participant{}
	for rows.Next() {
		pt, err := scanParticipant(rows)
		if err != nil {
			return nil, err
		}
		out[pt.ID] = pt
	}
	return out, rows.Err()
}

// Note is a timeline entry that another domain writes about a case.
type Note struct {
	Action string // e.g. "dispute.opened"; shown as is if Text is empty
	// Participant is the participant the entry concerns (0 for the whole
	// case): the timeline shows it to those who see that participant.
	Participant int64
	Text        string // what happened, in plain words
	Message     protocol.MessageType
}

// RecordNote appends n to the journal as an entry about case caseID and
// to the case's timeline, in tx.
func RecordNote(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, caseID int64, n Note) error {
	e := entry{Participant: n.Participant, Text: strings.TrimSpace(n.Text)}
	e.setMessage(n.Message)
	return record(ctx, tx, at.UTC().Truncate(time.Microsecond), actor, n.Action, caseID, e)
}

// Lock locks case caseID (on PostgreSQL) for a change made for someone who
// need not take part in the case, such as a credited person answering, and
// reports whether the case is closed. It checks no access: the caller has
// decided who may act (the credit's own person).
func (s *Service) Lock(ctx context.Context, tx *sql.Tx, caseID int64) (key string, closed bool, err error) {
	if _, err = s.lockCase(ctx, tx, caseID); err != nil {
		return "", false, err
	}
	if err = tx.QueryRowContext(ctx, `SELECT key FROM cases WHERE id = $1`, caseID).Scan(&key); err != nil {
		return "", false, err
	}
	closed, err = caseClosed(ctx, tx, caseID)
	return key, closed, err
}
