package webhooks

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// Job kinds.
const (
	// JobDispatch turns new case events into deliveries; run it periodically.
	JobDispatch = "webhook.dispatch"
	// JobDeliver POSTs one delivery.
	JobDeliver = "webhook.deliver"
)

// Webhook is an organisation's endpoint for case events.
type Webhook struct {
	ID        int64
	OrgID     int64
	URL       string
	Active    bool
	CreatedBy int64
	CreatedAt time.Time
	Cursor    int64 // the journal seq up to which events were dispatched
}

// Delivery is one POST of an event to a webhook, with its attempts.
type Delivery struct {
	ID          int64
	WebhookID   int64
	Seq         int64 // the event's journal seq; 0 for a test ping
	CaseID      int64 // 0 for a test ping
	Event       string
	Status      string // pending, delivered or failed
	Attempts    int
	StatusCode  int // the last answer's HTTP status; 0 for none
	LastError   string
	CreatedAt   time.Time
	DeliveredAt time.Time // zero until delivered
}

// Config tunes a Service.
type Config struct {
	Timeout     time.Duration // per POST; default 10s
	MaxAttempts int           // per delivery; default 8 (about 40 minutes of backoff)
	Batch       int           // events read per page while dispatching; default 100
	// AllowPrivate lets webhooks reach loopback and private-network
	// addresses: for receivers inside the operator's own network, and tests.
	AllowPrivate bool
}

// Service manages webhooks and delivers their events.
type Service struct {
	db     *store.DB
	now    func() time.Time
	cases  *cases.Service
	cfg    Config
	client *http.Client
}

// NewService makes a Service over db that reads events from cs.
func NewService(db *store.DB, now func() time.Time, cs *cases.Service, cfg Config) *Service {
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 100
	}
	return &Service{db: db, now: now, cases: cs, cfg: cfg, client: newClient(cfg.Timeout, cfg.AllowPrivate)}
}

// CanManage: an organisation's admins, administrators and coordinator
// staff manage its webhooks; to others they do not exist.
func CanManage(p auth.Principal, orgID int64) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if p.Admin || p.Staff {
		return nil
	}
	if r, ok := p.InOrg(orgID); ok && r == auth.OrgAdmin {
		return nil
	}
	return notFound()
}

func notFound() error { return errs.E(errs.NotFound, "no such webhook") }

// CheckURL accepts https URLs, and http ones to 127.0.0.1 or localhost.
func CheckURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" || len(raw) > 2000 {
		return "", errs.Field("url", "the webhook's address must be an absolute https URL without user or fragment")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if h := u.Hostname(); h != "127.0.0.1" && h != "localhost" && h != "::1" {
			return "", errs.Field("url", "the webhook's address must use https")
		}
	default:
		return "", errs.Field("url", "the webhook's address must use https")
	}
	return u.String(), nil
}

const webhookColumns = `id, org_id, url, active, created_by, created_at, last_cursor`

func scanWebhook(row interface{ Scan(...any) error }) (Webhook, error) {
	var h Webhook
	var by sql.NullInt64
	err := row.Scan(&h.ID, &h.OrgID, &h.URL, &h.Active, &by, &h.CreatedAt, &h.Cursor)
	h.CreatedBy, h.CreatedAt = by.Int64, h.CreatedAt.UTC()
	return h, err
}

// List returns an organisation's webhooks, oldest first.
func (s *Service) List(ctx context.Context, p auth.Principal, orgID int64) ([]Webhook, error) {
	if err := CanManage(p, orgID); err != nil {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE org_id = $1 ORDER BY id`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Webhook{}
	for rows.Next() {
		h, err := scanWebhook(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, h)
	}
	return out, rows.Err()
}

// Get returns one of an organisation's webhooks.
func (s *Service) Get(ctx context.Context, p auth.Principal, orgID, id int64) (Webhook, error) {
	if err := CanManage(p, orgID); err != nil {
		return Webhook{}, err
	}
	return get(ctx, s.db.Read(), orgID, id)
}

func get(ctx context.Context, q store.Querier, orgID, id int64) (Webhook, error) {
	h, err := scanWebhook(q.QueryRowContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE id = $1 AND org_id = $2`, id, orgID))
	if errors.Is(err, sql.ErrNoRows) {
		return h, notFound()
	}
	return h, err
}

// Create adds a webhook to an organisation and returns it with its secret,
// which is shown this once. It receives the events that happen from now
// on.
func (s *Service) Create(ctx context.Context, p auth.Principal, orgID int64, rawURL string) (Webhook, string, error) {
	if err := CanManage(p, orgID); err != nil {
		return Webhook{}, "", err
	}
	if err := auth.Writable(p); err != nil {
		return Webhook{}, "", err
	}
	u, err := s.checkReceiver(rawURL)
	if err != nil {
		return Webhook{}, "", err
	}
	key := make([]byte, 32)
	if _, err := rand.Read(key); err != nil {
		return Webhook{}, "", err
	}
	secret := hex.EncodeToString(key)
	now := s.now().UTC()
	var h Webhook
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, orgID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return errs.E(errs.NotFound, "no such organisation")
		}
		h, err = scanWebhook(tx.QueryRowContext(ctx, `INSERT INTO webhooks (org_id, url, secret, active, created_by, created_at, last_cursor)
			VALUES ($1, $2, $3, TRUE, $4, $5, (SELECT COALESCE(MAX(seq), 0) FROM case_events)) RETURNING `+webhookColumns,
			orgID, u, secret, p.UserID, now))
		if err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{At: now, Actor: p.Actor(), Action: "webhook.created", ObjectType: "webhook",
			ObjectID: itoa(h.ID), Data: map[string]any{"org_id": orgID, "url": u}})
		return err
	})
	if err != nil {
		return Webhook{}, "", err
	}
	return h, secret, nil
}

// Delete removes a webhook with its delivery log; deliveries still queued
// are dropped.
func (s *Service) Delete(ctx context.Context, p auth.Principal, orgID, id int64) error {
	if err := CanManage(p, orgID); err != nil {
		return err
	}
	if err := auth.Writable(p); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx *sql.Tx) error {
		h, err := get(ctx, tx, orgID, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhook_deliveries WHERE webhook_id = $1`, id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM webhooks WHERE id = $1`, id); err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{At: s.now().UTC(), Actor: p.Actor(), Action: "webhook.deleted", ObjectType: "webhook",
			ObjectID: itoa(id), Data: map[string]any{"org_id": orgID, "url": h.URL}})
		return err
	})
}

const deliveryColumns = `id, webhook_id, seq, case_id, event, status, attempts, last_status_code, last_error, created_at, delivered_at`

func scanDelivery(row interface{ Scan(...any) error }) (Delivery, error) {
	var d Delivery
	var caseID sql.NullInt64
	var at sql.NullTime
	err := row.Scan(&d.ID, &d.WebhookID, &d.Seq, &caseID, &d.Event, &d.Status, &d.Attempts, &d.StatusCode, &d.LastError, &d.CreatedAt, &at)
	d.CaseID, d.CreatedAt = caseID.Int64, d.CreatedAt.UTC()
	if at.Valid {
		d.DeliveredAt = at.Time.UTC()
	}
	return d, err
}

// Deliveries returns a page of a webhook's delivery log, newest first;
// page.After, when set, is the ID of the last delivery of the previous
// page.
func (s *Service) Deliveries(ctx context.Context, p auth.Principal, orgID, id int64, page store.Page) ([]Delivery, error) {
	if _, err := s.Get(ctx, p, orgID, id); err != nil {
		return nil, err
	}
	before := page.After
	if before <= 0 {
		before = 1<<63 - 1
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+deliveryColumns+` FROM webhook_deliveries
		WHERE webhook_id = $1 AND id < $2 ORDER BY id DESC LIMIT $3`, id, before, page.Size())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Delivery{}
	for rows.Next() {
		d, err := scanDelivery(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
