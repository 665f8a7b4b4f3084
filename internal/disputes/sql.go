package disputes

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

func conflict(format string, a ...any) error { return errs.E(errs.Conflict, format, a...) }

const disputeColumns = `d.id, d.case_id, c.key, c.title, d.topic, d.title, d.status, d.opened_by_participant,
	COALESCE(d.opened_by_user, 0), d.mediator_participant, d.requested_until, d.requested_zone, d.answer, d.granted_until,
	d.granted_zone, d.reasons, d.outcome, d.created_at, d.updated_at, d.resolved_at, d.version`

const disputeFrom = ` FROM disputes d JOIN cases c ON c.id = d.case_id`

func scanDispute(row interface{ Scan(...any) error }) (Dispute, error) {
	var d Dispute
	var topic, status, answer string
	var requested, granted, resolved sql.NullTime
	err := row.Scan(&d.ID, &d.CaseID, &d.CaseKey, &d.CaseTitle, &topic, &d.Title, &status, &d.OpenedBy, &d.OpenedByUser,
		&d.Mediator, &requested, &d.RequestedZone, &answer, &granted, &d.GrantedZone, &d.Reasons, &d.Outcome,
		&d.CreatedAt, &d.UpdatedAt, &resolved, &d.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return d, notFound()
	}
	d.Topic, d.Status, d.Answer = Topic(topic), Status(status), Answer(answer)
	d.RequestedUntil, d.GrantedUntil, d.ResolvedAt = nullTime(requested), nullTime(granted), nullTime(resolved)
	d.CreatedAt, d.UpdatedAt = d.CreatedAt.UTC(), d.UpdatedAt.UTC()
	return d, err
}

// getDispute reads dispute id of case caseID; one of another case is not
// found.
func getDispute(ctx context.Context, q store.Querier, caseID, id int64) (Dispute, error) {
	return scanDispute(q.QueryRowContext(ctx, `SELECT `+disputeColumns+disputeFrom+` WHERE d.id = $1 AND d.case_id = $2`, id, caseID))
}

// partyIDs lists a dispute's parties in order of ID.
func partyIDs(ctx context.Context, q store.Querier, id int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT participant_id FROM dispute_parties WHERE dispute_id = $1 ORDER BY participant_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var pid int64
		if err := rows.Scan(&pid); err != nil {
			return nil, err
		}
		out = append(out, pid)
	}
	return out, rows.Err()
}

// partiesOf reads the parties of the disputes ids, by dispute.
func partiesOf(ctx context.Context, q store.Querier, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT dispute_id, participant_id FROM dispute_parties WHERE dispute_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY dispute_id, participant_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var d, pid int64
		if err := rows.Scan(&d, &pid); err != nil {
			return nil, err
		}
		out[d] = append(out[d], pid)
	}
	return out, rows.Err()
}

// mediatorOf is the participant that mediates case caseID's disputes: the
// one it was handed to, else its lead coordinator (the coordinator
// participant with the lowest ID); 0 when it has no coordinator.
func mediatorOf(ctx context.Context, q store.Querier, caseID int64) (int64, error) {
	var id int64
	err := q.QueryRowContext(ctx, `SELECT participant_id FROM dispute_mediators WHERE case_id = $1`, caseID).Scan(&id)
	if err == nil || !errors.Is(err, sql.ErrNoRows) {
		return id, err
	}
	var lead sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT MIN(id) FROM case_participants WHERE case_id = $1
		AND (',' || roles || ',') LIKE '%,coordinator,%'`, caseID).Scan(&lead)
	return lead.Int64, err
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func nullIfZero(t time.Time) sql.NullTime { return sql.NullTime{Time: t, Valid: !t.IsZero()} }

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// placeholders returns "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(from+i))
	}
	return b.String()
}

// unique returns ids without zeros and repeats, in their first order.
func unique(ids []int64) []int64 {
	var out []int64
	for _, id := range ids {
		if id != 0 && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
