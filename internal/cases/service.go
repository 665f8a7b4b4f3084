package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// DefaultKeyPrefix starts case keys when Config leaves KeyPrefix empty.
const DefaultKeyPrefix = "PAR"

// Config configures the service.
type Config struct {
	// KeyPrefix starts every case key, as in PAR-2026-0042: a capital
	// letter followed by up to 15 capital letters or digits. Empty means
	// DefaultKeyPrefix.
	KeyPrefix string
	// SilenceAfter is how long an invitation to an embargo may go
	// unanswered before it counts as a rejection; 0 means
	// DefaultSilenceAfter.
	SilenceAfter time.Duration
}

var keyPrefixPattern = regexp.MustCompile(`^[A-Z][A-Z0-9]{0,15}$`)

// Validate reports whether the configuration is usable; cmd/parley calls it
// at start-up.
func (c Config) Validate() error {
	if c.KeyPrefix != "" && !keyPrefixPattern.MatchString(c.KeyPrefix) {
		return errs.Field("key_prefix", "must be a capital letter followed by up to 15 capital letters or digits, like PAR")
	}
	return nil
}

// JobVendorNotice is the kind of the outbox job enqueued when a vendor
// joins a case; its payload is a VendorNotice. Its handler tells the
// vendor and reports the outcome with MarkNotified or MarkDeliveryFailed.
const JobVendorNotice = "case.vendor_notice"

// VendorNotice is the payload of JobVendorNotice. One job is enqueued per
// participant (the dedupe key is the participant), so retries never notify
// twice.
type VendorNotice struct {
	CaseID        int64
	ParticipantID int64
}

// Service manages cases, their vulnerabilities and participants.
type Service struct {
	db  *store.DB
	now func() time.Time
	cfg Config
}

// NewService makes a Service; now is the clock. Check cfg with Validate
// first: Create refuses to number cases with an invalid prefix.
func NewService(db *store.DB, now func() time.Time, cfg Config) *Service {
	if cfg.KeyPrefix == "" {
		cfg.KeyPrefix = DefaultKeyPrefix
	}
	if cfg.SilenceAfter <= 0 {
		cfg.SilenceAfter = DefaultSilenceAfter
	}
	return &Service{db: db, now: now, cfg: cfg}
}

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// forUpdate locks the selected rows on PostgreSQL; SQLite has one writer,
// whose transaction holds the whole database already.
func (s *Service) forUpdate() string {
	if s.db.Engine == store.Postgres {
		return " FOR UPDATE"
	}
	return ""
}

// entry is the journal data of a case entry. Fields that do not apply stay
// empty; Timeline reads the same type back.
type entry struct {
	Key           string         `json:"key,omitempty"`
	Title         string         `json:"title,omitempty"`
	Participant   int64          `json:"participant_id,omitempty"`
	Name          string         `json:"participant,omitempty"`
	OrgID         int64          `json:"org_id,omitempty"`
	UserID        int64          `json:"user_id,omitempty"`
	Roles         string         `json:"roles,omitempty"`
	Vulnerability int64          `json:"vulnerability_id,omitempty"`
	CVE           string         `json:"cve,omitempty"`
	Machine       string         `json:"machine,omitempty"`
	From          string         `json:"from,omitempty"`
	Event         string         `json:"event,omitempty"`
	To            string         `json:"to,omitempty"`
	Message       string         `json:"message,omitempty"`      // protocol message type, e.g. "RV"
	MessageName   string         `json:"message_name,omitempty"` // e.g. "Report Valid"
	Implied       bool           `json:"implied,omitempty"`
	Reason        string         `json:"reason,omitempty"`
	Consent       map[string]int `json:"consent,omitempty"` // consent changes an EM step caused, by new state
	Channel       string         `json:"channel,omitempty"`
	Text          string         `json:"text,omitempty"` // a Note's words
	Before        *vulnRecord    `json:"before,omitempty"`
	After         *vulnRecord    `json:"after,omitempty"`
}

// setMessage fills the message fields from a protocol message type.
func (e *entry) setMessage(m protocol.MessageType) {
	if m != 0 {
		e.Message, e.MessageName = m.String(), m.Name()
	}
}

// record appends one journal entry about case caseID.
func record(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, action string, caseID int64, e entry) error {
	je, err := journal.Append(ctx, tx, change(at, actor, action, caseID, e))
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO case_events (seq, case_id, participant_id) VALUES ($1, $2, $3)`, je.Seq, caseID, e.Participant)
	return err
}

// recordAll appends the entries es about case caseID, all in one go.
func recordAll(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, action string, caseID int64, es []entry) error {
	changes := make([]journal.Change, len(es))
	for i, e := range es {
		changes[i] = change(at, actor, action, caseID, e)
	}
	jes, err := journal.AppendAll(ctx, tx, changes)
	if err != nil {
		return err
	}
	for from := 0; from < len(jes); from += 300 {
		part := jes[from:min(from+300, len(jes))]
		args := make([]any, 0, 3*len(part))
		rows := make([]string, len(part))
		for i, je := range part {
			rows[i] = fmt.Sprintf("($%d, $%d, $%d)", 3*i+1, 3*i+2, 3*i+3)
			args = append(args, je.Seq, caseID, es[from+i].Participant)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO case_events (seq, case_id, participant_id) VALUES `+strings.Join(rows, ", "), args...); err != nil {
			return err
		}
	}
	return nil
}

// change is a journal entry about case caseID.
func change(at time.Time, actor journal.Actor, action string, caseID int64, e entry) journal.Change {
	return journal.Change{At: at, Actor: actor, Action: action, ObjectType: "case", ObjectID: strconv.FormatInt(caseID, 10), Data: e}
}

// stepError turns a rule of the model into a conflict with its text.
func stepError(err error) error {
	var se *protocol.StepError
	if errors.As(err, &se) {
		return errs.E(errs.Conflict, "%s", se.Error())
	}
	return err
}

// placeholders returns "$from, $from+1, ..." for n parameters.
func placeholders(from, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteByte('$')
		b.WriteString(strconv.Itoa(from + i))
	}
	return b.String()
}

// chunks splits ids into slices of at most size.
func chunks[T any](ids []T, size int) [][]T {
	var out [][]T
	for len(ids) > size {
		out = append(out, ids[:size])
		ids = ids[size:]
	}
	if len(ids) > 0 {
		out = append(out, ids)
	}
	return out
}

func nullTime(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

var likeEscape = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

func itoa(n int) string { return strconv.Itoa(n) }
