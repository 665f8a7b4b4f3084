package inbox

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/store"
)

// The system side, for notify: record notices, mark them mailed, and read
// what waits for a digest. These take no principal: they serve the jobs
// runner, never a person.

// Record stores notices, one transaction for all, and returns them as
// stored, in order, each with its Delivery: Pending ones are for the
// caller to mail now (then MarkSent), Digest ones wait for the user's
// digest, None ones are never mailed. A notice whose Key its user has
// already comes back as first stored (the caller mails it only if it is
// still Pending).
func (s *Service) Record(ctx context.Context, list []Notice) ([]Notification, error) {
	if len(list) == 0 {
		return nil, nil
	}
	for i := range list {
		if err := list[i].clean(); err != nil {
			return nil, err
		}
	}
	now := s.clock()
	out := make([]Notification, 0, len(list))
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		prefs, muted, err := preferences(ctx, tx, list)
		if err != nil {
			return err
		}
		for _, nt := range list {
			n, err := insert(ctx, tx, nt, decide(nt, prefs[nt.UserID], muted[mute{nt.UserID, nt.CaseID}], now))
			if err != nil {
				return err
			}
			out = append(out, n)
		}
		return nil
	})
	return out, err
}

// clean checks a notice and cuts its texts to size.
func (nt *Notice) clean() error {
	if nt.UserID <= 0 || strings.TrimSpace(nt.Kind) == "" || strings.TrimSpace(nt.Subject) == "" {
		return fmt.Errorf("inbox: a notice needs a user, a kind and a subject: %+v", *nt)
	}
	nt.Subject = cut(strings.Join(strings.Fields(nt.Subject), " "), MaxSubject)
	nt.Body = cut(nt.Body, MaxBody)
	if !strings.HasPrefix(nt.Link, "/") || strings.HasPrefix(nt.Link, "//") || len(nt.Link) > MaxLink {
		nt.Link = ""
	}
	if nt.CaseID < 0 {
		nt.CaseID = 0
	}
	return nil
}

// cut shortens s to at most n bytes without splitting a character.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

type mute struct{ user, caseID int64 }

// preferences reads the mail preferences of the notices' users and which of
// their cases they muted, with one query each.
func preferences(ctx context.Context, tx *sql.Tx, list []Notice) (map[int64]Mail, map[mute]bool, error) {
	var users, caseIDs []any
	seenU, seenC := map[int64]bool{}, map[int64]bool{}
	for _, nt := range list {
		if !seenU[nt.UserID] {
			seenU[nt.UserID] = true
			users = append(users, nt.UserID)
		}
		if nt.CaseID != 0 && !seenC[nt.CaseID] {
			seenC[nt.CaseID] = true
			caseIDs = append(caseIDs, nt.CaseID)
		}
	}
	prefs := map[int64]Mail{}
	rows, err := tx.QueryContext(ctx, `SELECT user_id, mail FROM notification_settings WHERE user_id IN (`+placeholders(1, len(users))+`)`, users...)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var id int64
		var m string
		if err := rows.Scan(&id, &m); err != nil {
			rows.Close()
			return nil, nil, err
		}
		prefs[id] = Mail(m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	muted := map[mute]bool{}
	if len(caseIDs) == 0 {
		return prefs, muted, nil
	}
	rows, err = tx.QueryContext(ctx, `SELECT user_id, case_id FROM notification_mutes WHERE user_id IN (`+placeholders(1, len(users))+`)
		AND case_id IN (`+placeholders(len(users)+1, len(caseIDs))+`)`, append(users, caseIDs...)...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var m mute
		if err := rows.Scan(&m.user, &m.caseID); err != nil {
			return nil, nil, err
		}
		muted[m] = true
	}
	return prefs, muted, rows.Err()
}

// decided is what Record stores of a new notice's state.
type decided struct {
	delivery Delivery
	readAt   time.Time
	now      time.Time
}

// decide is the rule of a new notice's mail: urgent ones at once; a muted
// case's never, and already read; otherwise as the user prefers (at once
// when they never said).
func decide(nt Notice, pref Mail, muted bool, now time.Time) decided {
	d := decided{now: now}
	switch {
	case nt.ListOnly:
		d.delivery = None
		if muted {
			d.readAt = now
		}
	case nt.Urgent:
		d.delivery = Pending
	case muted:
		d.delivery, d.readAt = None, now
	case pref == Daily:
		d.delivery = Digest
	case pref == NoMail:
		d.delivery = None
	default:
		d.delivery = Pending
	}
	return d
}

func insert(ctx context.Context, tx *sql.Tx, nt Notice, d decided) (Notification, error) {
	key := sql.NullString{String: nt.Key, Valid: nt.Key != ""}
	caseID := sql.NullInt64{Int64: nt.CaseID, Valid: nt.CaseID != 0}
	n := Notification{UserID: nt.UserID, CaseID: nt.CaseID, CaseKey: nt.CaseKey, Kind: nt.Kind, Subject: nt.Subject, Body: nt.Body,
		Link: nt.Link, Delivery: d.delivery, CreatedAt: d.now, ReadAt: d.readAt}
	err := tx.QueryRowContext(ctx, `INSERT INTO notifications (user_id, case_id, case_key, kind, subject, body, link, mail, dedupe_key, created_at, read_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
		ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING id`,
		nt.UserID, caseID, nt.CaseKey, nt.Kind, nt.Subject, nt.Body, nt.Link, string(d.delivery), key, d.now, nullTime(d.readAt)).Scan(&n.ID)
	if errors.Is(err, sql.ErrNoRows) { // recorded before: a job run again
		return scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM notifications WHERE user_id = $1 AND dedupe_key = $2`, nt.UserID, nt.Key))
	}
	return n, err
}

// MarkSent records that notifications ids were mailed (those still
// Pending or waiting for a digest).
func (s *Service) MarkSent(ctx context.Context, ids ...int64) error {
	if len(ids) == 0 {
		return nil
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		for _, part := range chunks(ids, 500) {
			args := []any{now}
			for _, id := range part {
				args = append(args, id)
			}
			if _, err := tx.ExecContext(ctx, `UPDATE notifications SET mail = 'sent', mailed_at = $1
				WHERE mail IN ('pending', 'digest') AND id IN (`+placeholders(2, len(part))+`)`, args...); err != nil {
				return err
			}
		}
		return nil
	})
}

// Waiting returns up to limit of the notices that wait for userID's
// digest, oldest first, how many wait in all, and the ID of the last of
// them (for MarkDigested).
func (s *Service) Waiting(ctx context.Context, userID int64, limit int) (list []Notification, total int, last int64, err error) {
	q := s.db.Read()
	var maxID sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), MAX(id) FROM notifications WHERE user_id = $1 AND mail = 'digest'`, userID).
		Scan(&total, &maxID); err != nil || total == 0 {
		return nil, total, 0, err
	}
	list, err = query(ctx, q, `SELECT `+columns+` FROM notifications WHERE user_id = $1 AND mail = 'digest' AND id <= $2 ORDER BY id LIMIT $3`,
		userID, maxID.Int64, max(1, min(limit, store.MaxPageSize)))
	return list, total, maxID.Int64, err
}

// MarkDigested records that userID's digest went out with every waiting
// notice up to ID upTo (a digest lists the first of them and counts the
// others); those recorded since wait for the next one.
func (s *Service) MarkDigested(ctx context.Context, userID, upTo int64) error {
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET mail = 'sent', mailed_at = $1 WHERE user_id = $2 AND mail = 'digest' AND id <= $3`,
			s.clock(), userID, upTo)
		return err
	})
}

func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "$%d", from+i)
	}
	return b.String()
}

func chunks[T any](list []T, size int) [][]T {
	var out [][]T
	for len(list) > size {
		out = append(out, list[:size])
		list = list[size:]
	}
	if len(list) > 0 {
		out = append(out, list)
	}
	return out
}
