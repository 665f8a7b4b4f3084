package inbox

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
)

// Service keeps the users' notifications and preferences.
type Service struct {
	db   *store.DB
	now  func() time.Time
	keys *pgp.Contacts
}

// NewService makes a Service over db; now is the clock and keys the
// contact keys, where each user's keys for mail to them are kept.
func NewService(db *store.DB, now func() time.Time, keys *pgp.Contacts) *Service {
	return &Service{db: db, now: now, keys: keys}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

const columns = `id, user_id, COALESCE(case_id, 0), case_key, kind, subject, body, link, mail, created_at, read_at, mailed_at`

type scanner interface{ Scan(...any) error }

func scan(row scanner) (Notification, error) {
	var n Notification
	var mail string
	var read, mailed sql.NullTime
	err := row.Scan(&n.ID, &n.UserID, &n.CaseID, &n.CaseKey, &n.Kind, &n.Subject, &n.Body, &n.Link, &mail, &n.CreatedAt, &read, &mailed)
	if errors.Is(err, sql.ErrNoRows) {
		return n, errs.E(errs.NotFound, "no such notification")
	}
	n.Delivery, n.CreatedAt = Delivery(mail), n.CreatedAt.UTC()
	if read.Valid {
		n.ReadAt = read.Time.UTC()
	}
	if mailed.Valid {
		n.MailedAt = mailed.Time.UTC()
	}
	return n, err
}

func query(ctx context.Context, q store.Querier, sqlText string, args ...any) ([]Notification, error) {
	rows, err := q.QueryContext(ctx, sqlText, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Notification
	for rows.Next() {
		n, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// List returns a page of p's notifications, newest first.
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) ([]Notification, error) {
	if err := CanRead(p); err != nil {
		return nil, err
	}
	where, args := `user_id = $1`, []any{p.UserID}
	if f.Unread {
		where += ` AND read_at IS NULL`
	}
	if f.Page.After > 0 {
		args = append(args, f.Page.After)
		where += ` AND id < $` + strconv.Itoa(len(args))
	}
	args = append(args, f.Page.Size())
	return query(ctx, s.db.Read(), `SELECT `+columns+` FROM notifications WHERE `+where+` ORDER BY id DESC LIMIT $`+strconv.Itoa(len(args)), args...)
}

// Get returns one of p's notifications.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (Notification, error) {
	if err := CanRead(p); err != nil {
		return Notification{}, err
	}
	return scan(s.db.Read().QueryRowContext(ctx, `SELECT `+columns+` FROM notifications WHERE id = $1 AND user_id = $2`, id, p.UserID))
}

// Unread counts p's unread notifications up to limit (more count as
// limit+1), with one query on the partial index of unread rows.
func (s *Service) Unread(ctx context.Context, p auth.Principal, limit int) (int, error) {
	if err := CanRead(p); err != nil {
		return 0, err
	}
	var n int
	err := s.db.Read().QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM notifications
		WHERE user_id = $1 AND read_at IS NULL LIMIT $2) AS unread`, p.UserID, limit+1).Scan(&n)
	return n, err
}

// Badge is the unread count as the navigation shows it: "" for none, the
// number up to BadgeCap, then "9+". Anonymous visitors have none.
func (s *Service) Badge(ctx context.Context, p auth.Principal) (string, error) {
	if p.Anonymous() {
		return "", nil
	}
	n, err := s.Unread(ctx, p, BadgeCap)
	switch {
	case err != nil || n == 0:
		return "", err
	case n > BadgeCap:
		return strconv.Itoa(BadgeCap) + "+", nil
	}
	return strconv.Itoa(n), nil
}

// MarkRead marks one of p's notifications read (again: a no-op) and
// returns it.
func (s *Service) MarkRead(ctx context.Context, p auth.Principal, id int64) (Notification, error) {
	if err := CanChange(p); err != nil {
		return Notification{}, err
	}
	var n Notification
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE id = $2 AND user_id = $3 AND read_at IS NULL`,
			s.clock(), id, p.UserID); err != nil {
			return err
		}
		var err error
		n, err = scan(tx.QueryRowContext(ctx, `SELECT `+columns+` FROM notifications WHERE id = $1 AND user_id = $2`, id, p.UserID))
		return err
	})
	return n, err
}

// MarkAllRead marks every unread notification of p read and reports how
// many there were.
func (s *Service) MarkAllRead(ctx context.Context, p auth.Principal) (int, error) {
	if err := CanChange(p); err != nil {
		return 0, err
	}
	var n int64
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL`, s.clock(), p.UserID)
		if err == nil {
			n, err = res.RowsAffected()
		}
		return err
	})
	return int(n), err
}

// Settings returns p's preferences (the defaults if never changed).
func (s *Service) Settings(ctx context.Context, p auth.Principal) (Settings, error) {
	if err := CanRead(p); err != nil {
		return Settings{}, err
	}
	return settingsOf(ctx, s.db.Read(), p.UserID)
}

func settingsOf(ctx context.Context, q store.Querier, userID int64) (Settings, error) {
	st := defaults()
	var mail string
	var next, last sql.NullTime
	err := q.QueryRowContext(ctx, `SELECT mail, digest_hour, next_digest_at, last_digest_at, version, updated_at
		FROM notification_settings WHERE user_id = $1`, userID).Scan(&mail, &st.DigestHour, &next, &last, &st.Version, &st.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	st.Mail, st.UpdatedAt = Mail(mail), st.UpdatedAt.UTC()
	if next.Valid {
		st.NextDigestAt = next.Time.UTC()
	}
	if last.Valid {
		st.LastDigestAt = last.Time.UTC()
	}
	return st, err
}

func (pt Patch) apply(old Settings) (Settings, error) {
	st := old
	if pt.Mail != nil {
		m, err := ParseMail(string(*pt.Mail))
		if err != nil {
			return st, err
		}
		st.Mail = m
	}
	if pt.DigestHour != nil {
		if *pt.DigestHour < 0 || *pt.DigestHour > 23 {
			return st, errs.Field("digest_hour", "must be an hour from 0 to 23 (UTC)")
		}
		st.DigestHour = *pt.DigestHour
	}
	if pt.Version < 0 {
		return st, errs.Field("version", "must be the version you read")
	}
	return st, nil
}

// SetSettings changes p's preferences. Choosing the digest sets when the
// next one is due; leaving it mails what waits for it at once (for
// "immediately") or never (for "none"). A patch that changes nothing
// writes nothing.
func (s *Service) SetSettings(ctx context.Context, p auth.Principal, pt Patch) (Settings, error) {
	if err := CanChange(p); err != nil {
		return Settings{}, err
	}
	now := s.clock()
	var st Settings
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		old, err := settingsOf(ctx, tx, p.UserID)
		if err != nil {
			return err
		}
		if st, err = pt.apply(old); err != nil {
			return err
		}
		if pt.Version != 0 && pt.Version != old.Version {
			return errs.E(errs.Conflict, "your preferences changed since you read them (version %d now): read them again", old.Version)
		}
		if st.Mail == old.Mail && st.DigestHour == old.DigestHour {
			st = old
			return nil
		}
		st.NextDigestAt = time.Time{}
		if st.Mail == Daily {
			st.NextDigestAt = NextDigest(st.DigestHour, now)
		}
		st.Version, st.UpdatedAt = old.Version+1, now
		if _, err := tx.ExecContext(ctx, `INSERT INTO notification_settings (user_id, mail, digest_hour, next_digest_at, version, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (user_id) DO UPDATE SET mail = excluded.mail, digest_hour = excluded.digest_hour,
			next_digest_at = excluded.next_digest_at, version = excluded.version, updated_at = excluded.updated_at`,
			p.UserID, string(st.Mail), st.DigestHour, nullTime(st.NextDigestAt), st.Version, now); err != nil {
			return err
		}
		if err := s.leaveDigest(ctx, tx, p.UserID, old.Mail, st.Mail, now); err != nil {
			return err
		}
		return s.record(ctx, tx, p, now, "notification.settings_changed", "user", p.UserID,
			map[string]any{"mail": st.Mail, "digest_hour": st.DigestHour, "version": st.Version})
	})
	return st, err
}

// leaveDigest deals with what waits for the digest of a user who leaves
// it: mailed at once in a last digest (for "immediately"), or never.
func (s *Service) leaveDigest(ctx context.Context, tx *sql.Tx, userID int64, from, to Mail, now time.Time) error {
	if from != Daily || to == Daily {
		return nil
	}
	if to == NoMail {
		_, err := tx.ExecContext(ctx, `UPDATE notifications SET mail = 'none' WHERE user_id = $1 AND mail = 'digest'`, userID)
		return err
	}
	var waiting bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM notifications WHERE user_id = $1 AND mail = 'digest')`, userID).Scan(&waiting); err != nil || !waiting {
		return err
	}
	_, err := jobs.Enqueue(ctx, tx, now, JobDigest, DigestRequest{UserID: userID},
		jobs.Options{DedupeKey: JobDigest + ":" + itoa(userID) + ":left:" + strconv.FormatInt(now.UnixMicro(), 10)})
	return err
}

// Mutes lists the cases p muted, by key.
func (s *Service) Mutes(ctx context.Context, p auth.Principal) ([]Mute, error) {
	if err := CanRead(p); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT case_id, case_key, created_at FROM notification_mutes WHERE user_id = $1 ORDER BY case_key`, p.UserID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Mute
	for rows.Next() {
		var m Mute
		if err := rows.Scan(&m.CaseID, &m.CaseKey, &m.CreatedAt); err != nil {
			return nil, err
		}
		m.CreatedAt = m.CreatedAt.UTC()
		out = append(out, m)
	}
	return out, rows.Err()
}

// Muted tells whether p muted case caseID.
func (s *Service) Muted(ctx context.Context, p auth.Principal, caseID int64) (bool, error) {
	if err := CanRead(p); err != nil {
		return false, err
	}
	var muted bool
	err := s.db.Read().QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM notification_mutes WHERE user_id = $1 AND case_id = $2)`,
		p.UserID, caseID).Scan(&muted)
	return muted, err
}

// Mute mutes case caseID (key caseKey) for p: its notices are listed as
// read and never mailed, until p unmutes it. The caller has checked that
// p sees the case. Muting a muted case changes nothing.
func (s *Service) Mute(ctx context.Context, p auth.Principal, caseID int64, caseKey string) error {
	if err := CanChange(p); err != nil {
		return err
	}
	if caseID <= 0 || strings.TrimSpace(caseKey) == "" {
		return errs.E(errs.NotFound, "no such case")
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO notification_mutes (user_id, case_id, case_key, created_at) VALUES ($1, $2, $3, $4)
			ON CONFLICT (user_id, case_id) DO NOTHING`, p.UserID, caseID, caseKey, now)
		if n, _ := affected(res, err); err != nil || n == 0 {
			return err
		}
		return s.record(ctx, tx, p, now, "notification.case_muted", "case", caseID, map[string]any{"user_id": p.UserID, "case_key": caseKey})
	})
}

// Unmute unmutes the case with key caseKey for p; a case not muted is
// errs.NotFound.
func (s *Service) Unmute(ctx context.Context, p auth.Principal, caseKey string) error {
	if err := CanChange(p); err != nil {
		return err
	}
	now := s.clock()
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		var caseID int64
		err := tx.QueryRowContext(ctx, `DELETE FROM notification_mutes WHERE user_id = $1 AND case_key = $2 RETURNING case_id`,
			p.UserID, strings.TrimSpace(caseKey)).Scan(&caseID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "case %s is not muted", caseKey)
		}
		if err != nil {
			return err
		}
		return s.record(ctx, tx, p, now, "notification.case_unmuted", "case", caseID, map[string]any{"user_id": p.UserID, "case_key": caseKey})
	})
}

func (s *Service) record(ctx context.Context, tx *sql.Tx, p auth.Principal, at time.Time, action, objType string, objID int64, data map[string]any) error {
	_, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: p.Actor(), Action: action, ObjectType: objType,
		ObjectID: itoa(objID), Data: data})
	return err
}

func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()} }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
