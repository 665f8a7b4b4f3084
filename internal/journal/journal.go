package journal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/store"
)

// Actor is who caused a change: a user, or the system itself (ID 0).
type Actor struct {
	ID   int64
	Name string
}

// System is the actor of changes nobody asked for directly (jobs, timers).
var System = Actor{Name: "system"}

// Entry is one journal entry.
type Entry struct {
	Seq        int64
	At         time.Time
	Actor      Actor
	Action     string // dotted verb, e.g. "user.created", "org.member_added"
	ObjectType string
	ObjectID   string
	Data       json.RawMessage // what changed; "{}" when nothing more to say
	PrevHash   string
	Hash       string
}

// Change is what a service passes to Append.
type Change struct {
	At         time.Time
	Actor      Actor
	Action     string
	ObjectType string
	ObjectID   string
	Data       any // marshalled to JSON; nil means {}
}

// Append writes one entry for change in tx, chained to the newest entry.
func Append(ctx context.Context, tx *sql.Tx, c Change) (Entry, error) {
	es, err := AppendAll(ctx, tx, []Change{c})
	if err != nil {
		return Entry{}, err
	}
	return es[0], nil
}

// batchRows bounds a multi-row INSERT: SQLite's driver looks parameters up
// in time quadratic in their number, so a few hundred is the sweet spot.
const batchRows = 100

// AppendAll writes one entry for each change in tx, in order, chained to
// the newest entry and to each other: one head update and one INSERT per
// hundred entries, for bulk changes such as adding thousands of vendors.
func AppendAll(ctx context.Context, tx *sql.Tx, cs []Change) ([]Entry, error) {
	if len(cs) == 0 {
		return nil, nil
	}
	es := make([]Entry, len(cs))
	for i, c := range cs {
		e, err := entryOf(c)
		if err != nil {
			return nil, err
		}
		es[i] = e
	}
	if store.OnPostgres(tx) {
		return es, appendPostgres(ctx, tx, es)
	}
	// Bumping the head first takes its row lock (PostgreSQL) before we read it.
	var last int64
	var prev string
	err := tx.QueryRowContext(ctx, `UPDATE journal_head SET seq = seq + $1 WHERE id = 1 RETURNING seq, hash`, len(es)).Scan(&last, &prev)
	if err != nil {
		return nil, fmt.Errorf("journal head: %w", err)
	}
	for i := range es {
		es[i].Seq, es[i].PrevHash = last-int64(len(es)-1-i), prev
		es[i].Hash = es[i].computeHash()
		prev = es[i].Hash
	}
	if _, err := tx.ExecContext(ctx, `UPDATE journal_head SET hash = $1 WHERE id = 1`, prev); err != nil {
		return nil, fmt.Errorf("journal head: %w", err)
	}
	for from := 0; from < len(es); from += batchRows {
		if err := insertEntries(ctx, tx, es[from:min(from+batchRows, len(es))]); err != nil {
			return nil, err
		}
	}
	return es, nil
}

func entryOf(c Change) (Entry, error) {
	data := []byte("{}")
	if c.Data != nil {
		var err error
		if data, err = json.Marshal(c.Data); err != nil {
			return Entry{}, fmt.Errorf("journal data: %w", err)
		}
	}
	if c.Action == "" || c.ObjectType == "" {
		return Entry{}, errors.New("journal: action and object type are required")
	}
	return Entry{
		At:         c.At.UTC().Truncate(time.Microsecond), // what both engines keep
		Actor:      c.Actor,
		Action:     c.Action,
		ObjectType: c.ObjectType,
		ObjectID:   c.ObjectID,
		Data:       data,
	}, nil
}

func insertEntries(ctx context.Context, tx *sql.Tx, es []Entry) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO journal (seq, at, actor_id, actor, action, object_type, object_id, data, prev_hash, hash) VALUES `)
	args := make([]any, 0, len(es)*10)
	for i, e := range es {
		if i > 0 {
			q.WriteString(", ")
		}
		n := len(args)
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7, n+8, n+9, n+10)
		args = append(args, e.Seq, e.At, nullID(e.Actor.ID), e.Actor.Name, e.Action, e.ObjectType, e.ObjectID, string(e.Data), e.PrevHash, e.Hash)
	}
	if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
		return fmt.Errorf("journal insert: %w", err)
	}
	return nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// computeHash hashes the entry's fields, length-prefixed so that no two
// different entries share an input.
func (e Entry) computeHash() string {
	h := sha256.New()
	writeField(h, strconv.FormatInt(e.Seq, 10))
	h.Write(e.middle())
	writeField(h, e.PrevHash)
	return hex.EncodeToString(h.Sum(nil))
}

// middle is the hash input between the sequence number and the previous
// hash, the part known before the chain's head is read.
func (e Entry) middle() []byte {
	var b bytes.Buffer
	for _, f := range []string{
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.Actor.ID, 10),
		e.Actor.Name,
		e.Action,
		e.ObjectType,
		e.ObjectID,
		string(e.Data),
	} {
		writeField(&b, f)
	}
	return b.Bytes()
}

func writeField(w io.Writer, f string) { fmt.Fprintf(w, "%d:%s;", len(f), f) }

// appendPostgres chains and inserts es in one round trip (migration 0022's
// journal_append): the head's row lock, held until the commit, is taken
// by the transaction's last statement but one instead of its third last.
func appendPostgres(ctx context.Context, tx *sql.Tx, es []Entry) error {
	n := len(es)
	middles, ats, ids := make([][]byte, n), make([]time.Time, n), make([]int64, n)
	actors, actions, types, objects, datas := make([]string, n), make([]string, n), make([]string, n), make([]string, n), make([]string, n)
	for i, e := range es {
		middles[i], ats[i], ids[i], actors[i], actions[i] = e.middle(), e.At, e.Actor.ID, e.Actor.Name, e.Action
		types[i], objects[i], datas[i] = e.ObjectType, e.ObjectID, string(e.Data)
	}
	rows, err := tx.QueryContext(ctx, `SELECT entry_seq, entry_prev, entry_hash FROM journal_append($1, $2, $3, $4, $5, $6, $7, $8)`,
		middles, ats, ids, actors, actions, types, objects, datas)
	if err != nil {
		return fmt.Errorf("journal append: %w", err)
	}
	defer rows.Close()
	i := 0
	for ; rows.Next() && i < n; i++ {
		if err := rows.Scan(&es[i].Seq, &es[i].PrevHash, &es[i].Hash); err != nil {
			return fmt.Errorf("journal append: %w", err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("journal append: %w", err)
	}
	if i != n {
		return fmt.Errorf("journal append: %d entries written, want %d", i, n)
	}
	return nil
}

const entryColumns = `seq, at, actor_id, actor, action, object_type, object_id, data, prev_hash, hash`

func scanEntry(rows interface{ Scan(...any) error }) (Entry, error) {
	var e Entry
	var actorID sql.NullInt64
	var data string
	err := rows.Scan(&e.Seq, &e.At, &actorID, &e.Actor.Name, &e.Action, &e.ObjectType, &e.ObjectID, &data, &e.PrevHash, &e.Hash)
	e.Actor.ID = actorID.Int64
	e.At = e.At.UTC()
	e.Data = json.RawMessage(data)
	return e, err
}

// Filter selects entries for List.
type Filter struct {
	ObjectType   string
	ObjectID     string
	ActorID      int64
	ActionPrefix string
	AfterSeq     int64 // entries with a greater seq
	Limit        int
}

// List returns entries matching f in order of seq.
func List(ctx context.Context, q store.Querier, f Filter) ([]Entry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	add("seq > $%d", f.AfterSeq)
	if f.ObjectType != "" {
		add("object_type = $%d", f.ObjectType)
	}
	if f.ObjectID != "" {
		add("object_id = $%d", f.ObjectID)
	}
	if f.ActorID != 0 {
		add("actor_id = $%d", f.ActorID)
	}
	if f.ActionPrefix != "" {
		add("action LIKE $%d", f.ActionPrefix+"%")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	query := `SELECT ` + entryColumns + ` FROM journal WHERE ` + strings.Join(where, " AND ") + fmt.Sprintf(` ORDER BY seq LIMIT %d`, limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, e)
	}
	return list, rows.Err()
}
