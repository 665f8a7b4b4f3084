package journal

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
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
	e := Entry{
		At:         c.At.UTC().Truncate(time.Microsecond), // what both engines keep
		Actor:      c.Actor,
		Action:     c.Action,
		ObjectType: c.ObjectType,
		ObjectID:   c.ObjectID,
		Data:       data,
	}
	// Bumping the head first takes its row lock (PostgreSQL) before we read it.
	err := tx.QueryRowContext(ctx, `UPDATE journal_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash`).Scan(&e.Seq, &e.PrevHash)
	if err != nil {
		return Entry{}, fmt.Errorf("journal head: %w", err)
	}
	e.Hash = e.computeHash()
	if _, err := tx.ExecContext(ctx, `UPDATE journal_head SET hash = $1 WHERE id = 1`, e.Hash); err != nil {
		return Entry{}, fmt.Errorf("journal head: %w", err)
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO journal (seq, at, actor_id, actor, action, object_type, object_id, data, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.Seq, e.At, nullID(e.Actor.ID), e.Actor.Name, e.Action, e.ObjectType, e.ObjectID, string(e.Data), e.PrevHash, e.Hash)
	if err != nil {
		return Entry{}, fmt.Errorf("journal insert: %w", err)
	}
	return e, nil
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

// computeHash hashes the entry's fields, length-prefixed so that no two
// different entries share an input.
func (e Entry) computeHash() string {
	h := sha256.New()
	for _, f := range []string{
		strconv.FormatInt(e.Seq, 10),
		e.At.UTC().Format(time.RFC3339Nano),
		strconv.FormatInt(e.Actor.ID, 10),
		e.Actor.Name,
		e.Action,
		e.ObjectType,
		e.ObjectID,
		string(e.Data),
		e.PrevHash,
	} {
		fmt.Fprintf(h, "%d:%s;", len(f), f)
	}
	return hex.EncodeToString(h.Sum(nil))
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
