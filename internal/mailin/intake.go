package mailin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
)

// Status is where a stored message stands.
type Status string

// The statuses of stored mail.
const (
	Received    Status = "received"    // stored, not yet handled (or parsed and waiting for the report intake)
	Accepted    Status = "accepted"    // taken in, e.g. turned into a report
	Quarantined Status = "quarantined" // unreadable or refused; Reason says why
)

func (s Status) valid() bool { return s == Received || s == Accepted || s == Quarantined }

// Stored is a message kept in the inbound_mail table.
type Stored struct {
	ID         int64
	ReceivedAt time.Time
	Status     Status
	Reason     string
	MessageID  string
	From       string // as the raw header has it, for listing
	Subject    string // as the raw header has it, for listing
	Size       int
	Attempts   int    // how often Retry tried to take it in again
	LastError  string // why the last of those attempts failed
	Raw        []byte // only filled by Get
}

// IntakeConfig configures an Intake.
type IntakeConfig struct {
	Reference *regexp.Regexp // see Options.Reference
	Limits    Limits
	Retry     RetryConfig // see Retry
}

// Intake keeps every inbound message and parses it.
type Intake struct {
	db       *store.DB
	now      func() time.Time
	keyring  *pgp.Keyring  // nil: encrypted mail is quarantined
	contacts *pgp.Contacts // nil: signatures are not checked
	cfg      IntakeConfig
}

// NewIntake returns an intake storing into db, decrypting with keyring's
// keys and checking signatures against contacts' keys for the sender.
func NewIntake(db *store.DB, now func() time.Time, keyring *pgp.Keyring, contacts *pgp.Contacts, cfg IntakeConfig) *Intake {
	cfg.Limits = cfg.Limits.withDefaults()
	cfg.Retry = cfg.Retry.withDefaults()
	return &Intake{db: db, now: now, keyring: keyring, contacts: contacts, cfg: cfg}
}

// Process stores raw and then parses it. It returns the parsed message and
// the stored row's ID. When parsing fails the message stays stored,
// quarantined with the reason, and Process returns the row's ID with the
// parse error; an error with ID 0 means nothing was stored.
func (in *Intake) Process(ctx context.Context, raw []byte) (Inbound, int64, error) {
	id, err := in.Store(ctx, raw, Received, "")
	if err != nil {
		return Inbound{}, 0, err
	}
	msg, err := in.Parse(ctx, raw)
	if err != nil {
		if Retryable(ctx, err) {
			return Inbound{}, id, err // not the message's fault: leave it "received" to try again
		}
		if qerr := in.SetStatus(ctx, journal.System, id, Quarantined, errs.Public(err)); qerr != nil {
			return Inbound{}, id, errors.Join(err, qerr)
		}
		return Inbound{}, id, err
	}
	return msg, id, nil
}

// Parse parses a message as Process does, with the instance's keys and
// the sender's contact keys, without storing it: for a stored message
// taken in again (see Retry).
func (in *Intake) Parse(ctx context.Context, raw []byte) (Inbound, error) {
	return Parse(raw, Options{
		Keys:      dbKeys{ctx: ctx, in: in},
		Reference: in.cfg.Reference,
		Limits:    in.cfg.Limits,
		Now:       in.now(),
	})
}

// Retryable reports whether a failure of Parse is not the message's fault
// (the instance's keys could not be read, or ctx ended): such a message is
// left "received" to be tried again rather than quarantined.
func Retryable(ctx context.Context, err error) bool {
	return err != nil && (ctx.Err() != nil || errors.Is(err, errKeysUnavailable))
}

// Deliver is Process for the SMTP server: it fails only when the message
// could not be stored, so that the sender tries again later.
func (in *Intake) Deliver(ctx context.Context, raw []byte) error {
	_, id, err := in.Process(ctx, raw)
	if id != 0 {
		return nil
	}
	return err
}

// Store keeps raw with a status and reason, journaled as "mail.received"
// (or "mail.quarantined" when stored quarantined), and returns its ID.
func (in *Intake) Store(ctx context.Context, raw []byte, status Status, reason string) (int64, error) {
	if !status.valid() {
		return 0, errs.Field("status", "must be received, accepted or quarantined")
	}
	if len(raw) > in.cfg.Limits.MaxBytes {
		return 0, errs.E(errs.TooLarge, "the message is larger than %d MiB", in.cfg.Limits.MaxBytes>>20)
	}
	p := peek(raw)
	now := in.now().UTC()
	var id int64
	err := in.db.Tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO inbound_mail (received_at, raw, status, reason, message_id, mail_from, subject)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			now, raw, string(status), reason, p.messageID, p.from, p.subject).Scan(&id)
		if err != nil {
			return err
		}
		action := "mail.received"
		if status == Quarantined {
			action = "mail.quarantined"
		}
		_, err = journal.Append(ctx, tx, journal.Change{
			At: now, Actor: journal.System, Action: action,
			ObjectType: "inbound_mail", ObjectID: strconv.FormatInt(id, 10),
			Data: map[string]any{"message_id": p.messageID, "size": len(raw), "status": status, "reason": reason},
		})
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store inbound mail: %w", err)
	}
	return id, nil
}

// SetStatus moves a stored message to status with a reason, journaled as
// "mail." + status (e.g. "mail.accepted" once a report was made from it).
func (in *Intake) SetStatus(ctx context.Context, actor journal.Actor, id int64, status Status, reason string) error {
	if !status.valid() {
		return errs.Field("status", "must be received, accepted or quarantined")
	}
	reason = clip(reason, 2000)
	return in.db.Tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, `SELECT status FROM inbound_mail WHERE id = $1`, id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.NotFound, "no such message")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE inbound_mail SET status = $1, reason = $2 WHERE id = $3`, string(status), reason, id); err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{
			At: in.now(), Actor: actor, Action: "mail." + string(status),
			ObjectType: "inbound_mail", ObjectID: strconv.FormatInt(id, 10),
			Data: map[string]any{"was": old, "reason": reason},
		})
		return err
	})
}

// Filter selects stored mail for List.
type Filter struct {
	Status Status // "" for all
}

// List returns stored messages without their raw bytes, newest first.
func (in *Intake) List(ctx context.Context, f Filter, page store.Page) ([]Stored, error) {
	after := page.After
	if after <= 0 {
		after = 1 << 62
	}
	q := `SELECT ` + storedColumns + ` FROM inbound_mail WHERE id < $1`
	args := []any{after}
	if f.Status != "" {
		if !f.Status.valid() {
			return nil, errs.Field("status", "must be received, accepted or quarantined")
		}
		q += ` AND status = $2`
		args = append(args, string(f.Status))
	}
	q += fmt.Sprintf(` ORDER BY id DESC LIMIT %d`, page.Size())
	rows, err := in.db.Read().QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var list []Stored
	for rows.Next() {
		s, err := scanStored(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, s)
	}
	return list, rows.Err()
}

// Get returns one stored message with its raw bytes.
func (in *Intake) Get(ctx context.Context, id int64) (Stored, error) {
	var raw []byte
	row := in.db.Read().QueryRowContext(ctx, `SELECT `+storedColumns+`, raw FROM inbound_mail WHERE id = $1`, id)
	s, err := scanStored(row, &raw)
	if errors.Is(err, sql.ErrNoRows) {
		return Stored{}, errs.E(errs.NotFound, "no such message")
	}
	if err != nil {
		return Stored{}, err
	}
	s.Raw = raw
	return s, nil
}

const storedColumns = `id, received_at, status, reason, message_id, mail_from, subject, LENGTH(raw), attempts, last_error`

func scanStored(row interface{ Scan(...any) error }, more ...any) (Stored, error) {
	var s Stored
	var status string
	err := row.Scan(append([]any{&s.ID, &s.ReceivedAt, &status, &s.Reason, &s.MessageID, &s.From, &s.Subject, &s.Size, &s.Attempts,
		&s.LastError}, more...)...)
	s.Status, s.ReceivedAt = Status(status), s.ReceivedAt.UTC()
	return s, err
}

// errKeysUnavailable marks a failure to read the instance's keys.
var errKeysUnavailable = errors.New("keys unavailable")

// dbKeys gives Parse the keyring's key pairs and the contact keys of the
// sender.
type dbKeys struct {
	ctx context.Context
	in  *Intake
}

// Identities returns the keyring's key pairs, current first.
func (k dbKeys) Identities() ([]*pgp.Identity, error) {
	if k.in.keyring == nil {
		return nil, nil
	}
	ids, err := k.in.keyring.All(k.ctx)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errKeysUnavailable, err)
	}
	return ids, nil
}

// Signers returns the contact keys whose user IDs name from.
func (k dbKeys) Signers(from string) ([]pgp.Key, error) {
	if k.in.contacts == nil {
		return nil, nil
	}
	list, err := k.in.contacts.ForEmail(k.ctx, from)
	return pgp.Keys(list), err
}

// peeked is what Store reads from a raw header for listing.
type peeked struct{ messageID, from, subject string }

// peek reads a few header fields without trusting the message to parse.
func peek(raw []byte) peeked {
	h, _, err := splitHeader(skipMboxLine(raw[:min(len(raw), 64<<10)]))
	if err != nil {
		return peeked{}
	}
	return peeked{
		messageID: firstID(h.Get("Message-Id")),
		from:      clip(decodeHeader(h.Get("From")), 300),
		subject:   clip(decodeHeader(h.Get("Subject")), 300),
	}
}
