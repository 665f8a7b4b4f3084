package reports

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store"
)

// The job kinds this package enqueues; notify (and the runner's periodic
// slot) handle them.
const (
	// JobReceipt: mail the reporter a receipt (payload Notice).
	JobReceipt = "report.receipt"
	// JobNew: tell coordinator staff a report arrived (payload Event).
	JobNew = "report.new"
	// JobNotice: tell the reporter about a message or a change (payload Notice).
	JobNotice = "report.notice"
	// JobReporterMessage: tell staff the reporter wrote (payload Event).
	JobReporterMessage = "report.reporter_message"
	// JobAssigned: tell a coordinator a report was assigned to them (payload Event).
	JobAssigned = "report.assigned"
	// JobExpireWaiting is the periodic job that runs ExpireWaiting; register
	// Service.ExpireJob as its handler.
	JobExpireWaiting = "reports.expire_waiting"
)

// Notice is the payload of report.receipt and report.notice: everything
// needed to write to the reporter without reading the report. It holds no
// follow-up secret.
type Notice struct {
	ReportID   int64
	TrackingID string
	UserID     int64  // the reporter's account, 0 if none
	Email      string // the contact address, "" if none
	Name       string
	PGPKey     string // the reporter's armoured key, to encrypt to; "" if none
	MessageID  int64  // the message announced; 0 for a receipt
	Body       string // the message (Markdown), "" for a receipt
}

// Event is the payload of the jobs that tell coordinator staff about a
// report. It carries no report content.
type Event struct {
	ReportID          int64
	TrackingID        string
	AssigneeID        int64
	MessageID         int64
	ActivelyExploited bool
	Critical          bool
}

// Service takes reports in and triages them.
type Service struct {
	db    *store.DB
	now   func() time.Time
	users *auth.Service
	ssvc  *ssvc.Registry
	pol   Policy
	track *trackingIDs
}

// NewService makes a Service. users checks assignees; registry holds the
// SSVC Coordinator Triage tree; zero fields of pol take DefaultPolicy's
// values.
func NewService(db *store.DB, now func() time.Time, users *auth.Service, registry *ssvc.Registry, pol Policy) *Service {
	return &Service{db: db, now: now, users: users, ssvc: registry, pol: pol.withDefaults(), track: &trackingIDs{db: db}}
}

// Policy returns the service's policy.
func (s *Service) Policy() Policy { return s.pol }

func (s *Service) clock() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// ExpireJob is the jobs.Handler of JobExpireWaiting.
func (s *Service) ExpireJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.ExpireWaiting(ctx, s.clock())
	return err
}

func record(ctx context.Context, tx *sql.Tx, at time.Time, actor journal.Actor, action string, id int64, data any) error {
	_, err := journal.Append(ctx, tx, journal.Change{At: at, Actor: actor, Action: action, ObjectType: "report",
		ObjectID: strconv.FormatInt(id, 10), Data: data})
	return err
}

func enqueue(ctx context.Context, tx *sql.Tx, now time.Time, kind string, payload any) error {
	_, err := jobs.Enqueue(ctx, tx, now, kind, payload, jobs.Options{})
	return err
}

// notify enqueues a report.notice about message m of r, when there is
// someone to tell.
func notify(ctx context.Context, tx *sql.Tx, now time.Time, r Report, m Message) error {
	if r.Contact.Email == "" && r.ReporterUserID == 0 {
		return nil
	}
	return enqueue(ctx, tx, now, JobNotice, noticeOf(r, m.ID, m.Body))
}

func noticeOf(r Report, messageID int64, body string) Notice {
	return Notice{ReportID: r.ID, TrackingID: r.TrackingID, UserID: r.ReporterUserID, Email: r.Contact.Email,
		Name: r.Contact.Name, PGPKey: r.PGPKey, MessageID: messageID, Body: body}
}

func eventOf(r Report, messageID int64) Event {
	return Event{ReportID: r.ID, TrackingID: r.TrackingID, AssigneeID: r.AssigneeID, MessageID: messageID,
		ActivelyExploited: r.ActivelyExploited, Critical: r.Critical}
}

// newSecret returns 32 random bytes as URL-safe text (no dot).
func newSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// followUpSecret is a report's follow-up secret: its tracking ID, a dot
// and random text. The tracking ID is no secret (the receipt shows it); it
// orders the stored keys by arrival (see followUpKey).
func followUpSecret(trackingID, random string) string { return trackingID + "." + random }

// followUpKey is how a follow-up secret is stored and found: the SHA-256
// of the whole secret after the tracking ID it starts with. Keys in
// arrival order make taking a report in append to the key's unique index
// rather than write a random page of it, a page per report once the index
// outgrows the cache. Secrets without a tracking ID (reports taken in
// before) are stored as their bare hash.
func followUpKey(secret string) string {
	h := sha256.Sum256([]byte(secret))
	key := hex.EncodeToString(h[:])
	if i := strings.LastIndexByte(secret, '.'); i > 0 {
		return secret[:i] + ":" + key
	}
	return key
}

func nullID(id int64) sql.NullInt64 { return sql.NullInt64{Int64: id, Valid: id != 0} }

func nullTime(t time.Time) sql.NullTime { return sql.NullTime{Time: t.UTC(), Valid: !t.IsZero()} }
