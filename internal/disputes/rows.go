package disputes

import (
	"context"
	"database/sql"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/store"
)

// positions reads a dispute's parties with the positions p may read.
func positions(ctx context.Context, q store.Querier, p auth.Principal, st Standing, id int64) ([]Party, error) {
	rows, err := q.QueryContext(ctx, `SELECT participant_id, position, position_visibility, position_by, position_at
		FROM dispute_parties WHERE dispute_id = $1 ORDER BY participant_id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Party
	for rows.Next() {
		var pt Party
		var v string
		var at sql.NullTime
		if err := rows.Scan(&pt.Participant, &pt.Position, &v, &pt.By, &at); err != nil {
			return nil, err
		}
		pt.Visibility, pt.At = Visibility(v), nullTime(at)
		if pt.Position != "" && !SeesPosition(p, st, pt.Participant, pt.Visibility) {
			pt.Position, pt.By, pt.Hidden = "", "", true
		}
		out = append(out, pt)
	}
	return out, rows.Err()
}

// messages reads a dispute's thread, oldest first.
func messages(ctx context.Context, q store.Querier, id int64) ([]Message, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, dispute_id, author, COALESCE(participant_id, 0), mediator, body, created_at
		FROM dispute_messages WHERE dispute_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var m Message
		if err := rows.Scan(&m.ID, &m.DisputeID, &m.Author, &m.Participant, &m.Mediator, &m.Body, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// resolutions reads a dispute's proposals with their answers, oldest
// first.
func resolutions(ctx context.Context, q store.Querier, id int64) ([]Resolution, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, dispute_id, proposal, status, proposed_by, proposed_at, decided_at
		FROM dispute_resolutions WHERE dispute_id = $1 ORDER BY id`, id)
	if err != nil {
		return nil, err
	}
	var out []Resolution
	var ids []int64
	for rows.Next() {
		var r Resolution
		var status string
		var decided sql.NullTime
		if err := rows.Scan(&r.ID, &r.DisputeID, &r.Proposal, &status, &r.ProposedBy, &r.ProposedAt, &decided); err != nil {
			rows.Close()
			return nil, err
		}
		r.Status, r.ProposedAt, r.DecidedAt = ResolutionStatus(status), r.ProposedAt.UTC(), nullTime(decided)
		out = append(out, r)
		ids = append(ids, r.ID)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	answers, err := answersOf(ctx, q, ids)
	for i := range out {
		out[i].Answers = answers[out[i].ID]
	}
	return out, err
}

// answersOf reads the answers to the resolutions ids, by resolution.
func answersOf(ctx context.Context, q store.Querier, ids []int64) (map[int64][]PartyAnswer, error) {
	out := map[int64][]PartyAnswer{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, `SELECT resolution_id, participant_id, accept, comment, answered_by, answered_at
		FROM dispute_answers WHERE resolution_id IN (`+placeholders(1, len(ids))+`) ORDER BY answered_at, participant_id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var a PartyAnswer
		if err := rows.Scan(&rid, &a.Participant, &a.Accept, &a.Comment, &a.By, &a.At); err != nil {
			return nil, err
		}
		a.At = a.At.UTC()
		out[rid] = append(out[rid], a)
	}
	return out, rows.Err()
}
