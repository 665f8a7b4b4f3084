package disputes

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Mediation says who mediates a case's disputes.
type Mediation struct {
	CaseID      int64
	Participant int64 // 0 when the case has no coordinator
	Name        string
	// HandedOver is set when the case was handed to Participant as neutral
	// third party, with Reason, by HandedBy at HandedAt.
	HandedOver bool
	Reason     string
	HandedBy   int64
	HandedAt   time.Time
}

// Mediator returns who mediates case caseID's disputes.
func (s *Service) Mediator(ctx context.Context, p auth.Principal, caseID int64) (Mediation, error) {
	if _, err := s.cases.Access(ctx, p, caseID); err != nil {
		return Mediation{}, err
	}
	q := s.db.Read()
	m := Mediation{CaseID: caseID}
	var by sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT participant_id, reason, handed_by, handed_at FROM dispute_mediators WHERE case_id = $1`, caseID).
		Scan(&m.Participant, &m.Reason, &by, &m.HandedAt)
	switch {
	case err == nil:
		m.HandedOver, m.HandedBy, m.HandedAt = true, by.Int64, m.HandedAt.UTC()
	case errors.Is(err, sql.ErrNoRows):
		if m.Participant, err = mediatorOf(ctx, q, caseID); err != nil {
			return m, err
		}
	default:
		return m, err
	}
	if m.Participant == 0 {
		return m, nil
	}
	named, err := cases.ParticipantsIn(ctx, q, caseID, m.Participant)
	m.Name = named[m.Participant].Name
	return m, err
}

// HandOver makes coordinator participant participantID the neutral
// mediator of case caseID's open disputes and of those opened later (those
// who manage the case, with a reason shown on the case's timeline).
func (s *Service) HandOver(ctx context.Context, p auth.Principal, caseID, participantID int64, reason string) (Mediation, error) {
	reason, err := checkText("reason", reason, true)
	if err != nil {
		return Mediation{}, err
	}
	now := s.clock()
	m := Mediation{CaseID: caseID, Participant: participantID, HandedOver: true, Reason: reason, HandedBy: p.UserID, HandedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		w, err := s.cases.Within(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if err := CanHandOver(p, w.Access); err != nil {
			return err
		}
		if w.Closed {
			return conflict("case %s is closed", w.Case.Key)
		}
		current, err := mediatorOf(ctx, tx, caseID)
		if err != nil {
			return err
		}
		named, err := cases.ParticipantsIn(ctx, tx, caseID, participantID, current)
		if err != nil {
			return err
		}
		to, ok := named[participantID]
		if !ok || !to.Roles.Has(cases.RoleCoordinator) {
			return errs.Field("participant", "must be a coordinator participant of this case")
		}
		if current == participantID {
			return conflict("%s mediates this case's disputes already", to.Name)
		}
		m.Name = to.Name
		open, err := s.moveMediator(ctx, tx, now, p, caseID, participantID, reason)
		if err != nil {
			return err
		}
		text := fmt.Sprintf("Disputes of this case are now mediated by %s as neutral third party (was %s); reason: %s",
			to.Name, named[current].Name, short(reason))
		if err := cases.RecordNote(ctx, tx, now, p.Actor(), caseID, cases.Note{Action: "dispute.mediator", Text: text}); err != nil {
			return err
		}
		for _, id := range open {
			if err := enqueue(ctx, tx, now, Event{DisputeID: id, CaseID: caseID, What: "mediator"}); err != nil {
				return err
			}
		}
		return nil
	})
	return m, err
}

// moveMediator stores the case's new mediator and gives it the open
// disputes, whose IDs it returns.
func (s *Service) moveMediator(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, caseID, participantID int64, reason string) ([]int64, error) {
	_, err := tx.ExecContext(ctx, `INSERT INTO dispute_mediators (case_id, participant_id, reason, handed_by, handed_at) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (case_id) DO UPDATE SET participant_id = excluded.participant_id, reason = excluded.reason,
		handed_by = excluded.handed_by, handed_at = excluded.handed_at`, caseID, participantID, reason, nullID(p.UserID), now)
	if err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `UPDATE disputes SET mediator_participant = $1, updated_at = $2, version = version + 1
		WHERE case_id = $3 AND status = 'open' RETURNING id`, participantID, now, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
