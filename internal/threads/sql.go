package threads

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

const threadColumns = `t.id, t.case_id, c.key, t.title, t.audience, COALESCE(t.started_by_participant, 0),
	COALESCE(t.started_by_user, 0), t.author, t.created_at, t.last_post_at, t.posts, t.version`

const threadFrom = ` FROM threads t JOIN cases c ON c.id = t.case_id`

func scanThread(row interface{ Scan(...any) error }) (Thread, error) {
	var t Thread
	var audience string
	err := row.Scan(&t.ID, &t.CaseID, &t.CaseKey, &t.Title, &audience, &t.StartedBy, &t.StartedByUser, &t.Author,
		&t.CreatedAt, &t.LastPostAt, &t.Posts, &t.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return t, notFound()
	}
	t.Audience, t.CreatedAt, t.LastPostAt = Audience(audience), t.CreatedAt.UTC(), t.LastPostAt.UTC()
	return t, err
}

// getThread reads thread id of case caseID with its listed participants;
// one of another case is not found.
func getThread(ctx context.Context, q store.Querier, caseID, id int64) (Thread, error) {
	t, err := scanThread(q.QueryRowContext(ctx, `SELECT `+threadColumns+threadFrom+` WHERE t.id = $1 AND t.case_id = $2`, id, caseID))
	if err != nil {
		return t, err
	}
	members, err := membersOf(ctx, q, []int64{id})
	t.Members = members[id]
	return t, err
}

// membersOf reads the listed participants of the threads ids, by thread.
func membersOf(ctx context.Context, q store.Querier, ids []int64) (map[int64][]int64, error) {
	out := map[int64][]int64{}
	if len(ids) == 0 {
		return out, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT thread_id, participant_id FROM thread_members WHERE thread_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY thread_id, participant_id`, anys(ids)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var t, p int64
		if err := rows.Scan(&t, &p); err != nil {
			return nil, err
		}
		out[t] = append(out[t], p)
	}
	return out, rows.Err()
}

const postColumns = `p.id, p.thread_id, p.author, COALESCE(p.author_user, 0), COALESCE(p.participant_id, 0), p.body,
	p.created_at, p.edited_at, p.version, p.pinned, (SELECT COUNT(*) FROM thread_post_edits e WHERE e.post_id = p.id)`

func scanPost(row interface{ Scan(...any) error }) (Post, error) {
	var p Post
	var edited sql.NullTime
	err := row.Scan(&p.ID, &p.ThreadID, &p.Author, &p.AuthorUser, &p.Participant, &p.Body, &p.CreatedAt, &edited, &p.Version,
		&p.Pinned, &p.Edits)
	if errors.Is(err, sql.ErrNoRows) {
		return p, errNoPost()
	}
	p.CreatedAt, p.EditedAt = p.CreatedAt.UTC(), nullTime(edited)
	return p, err
}

// getPost reads post id of thread threadID.
func getPost(ctx context.Context, q store.Querier, threadID, id int64) (Post, error) {
	return scanPost(q.QueryRowContext(ctx, `SELECT `+postColumns+` FROM thread_posts p WHERE p.id = $1 AND p.thread_id = $2`, id, threadID))
}

// listPosts reads posts of a thread by where (with its arguments after
// the thread's ID as $1), oldest first.
func listPosts(ctx context.Context, q store.Querier, where string, args ...any) ([]Post, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+postColumns+` FROM thread_posts p WHERE p.thread_id = $1 AND `+where, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Post
	for rows.Next() {
		p, err := scanPost(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// coordinatorsOf lists the coordinator participants of case caseID.
func coordinatorsOf(ctx context.Context, q store.Querier, caseID int64) ([]int64, error) {
	rows, err := q.QueryContext(ctx, `SELECT id FROM case_participants WHERE case_id = $1
		AND (',' || roles || ',') LIKE '%,coordinator,%' ORDER BY id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

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

func anys(ids []int64) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
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
