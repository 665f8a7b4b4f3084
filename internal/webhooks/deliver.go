package webhooks

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/jobs"
)

// body is what a delivery POSTs: the package writes this wire format
// itself so that the stored body is exactly what every retry sends.
type body struct {
	ID      int64     `json:"id"`   // the event's journal seq; 0 for a ping
	Case    string    `json:"case"` // the case's key; "" for a ping
	At      time.Time `json:"at"`
	Action  string    `json:"action"` // e.g. "case.rm"; "ping"
	Summary string    `json:"summary"`
	Message string    `json:"message,omitempty"` // the protocol message type, e.g. "RV"
}

// Sign returns the X-Parley-Signature header of body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts + "."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a signature header against body as a receiver would: the
// HMAC must match and its time lie within tolerance of now.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts, sig string
	for part := range strings.SplitSeq(header, ",") {
		k, v, _ := strings.Cut(part, "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sig = v
		}
	}
	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || sig == "" {
		return errors.New("malformed signature header")
	}
	if d := now.Sub(time.Unix(unix, 0)); d > tolerance || d < -tolerance {
		return errors.New("signature too old or from the future")
	}
	if !hmac.Equal([]byte(sig), []byte(mac(secret, ts, body))) {
		return errors.New("signature does not match")
	}
	return nil
}

// deliverPayload is the JobDeliver job's payload.
type deliverPayload struct {
	Delivery int64 `json:"delivery"`
}

// Ping queues a test delivery to a webhook.
func (s *Service) Ping(ctx context.Context, p auth.Principal, orgID, id int64) (Delivery, error) {
	if err := CanManage(p, orgID); err != nil {
		return Delivery{}, err
	}
	if err := auth.Writable(p); err != nil {
		return Delivery{}, err
	}
	now := s.now().UTC()
	var d Delivery
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		if _, err := get(ctx, tx, orgID, id); err != nil {
			return err
		}
		b, err := json.Marshal(body{At: now, Action: "ping", Summary: "A test delivery from Parley"})
		if err != nil {
			return err
		}
		d, err = s.insertDelivery(ctx, tx, now, id, 0, 0, "ping", b)
		return err
	})
	return d, err
}

// insertDelivery adds a delivery row and its JobDeliver job in tx.
func (s *Service) insertDelivery(ctx context.Context, tx *sql.Tx, now time.Time, hook, seq, caseID int64, event string, b []byte) (Delivery, error) {
	d, err := scanDelivery(tx.QueryRowContext(ctx, `INSERT INTO webhook_deliveries (webhook_id, seq, case_id, event, payload, status, created_at)
		VALUES ($1, $2, $3, $4, $5, 'pending', $6) RETURNING `+deliveryColumns,
		hook, seq, sql.NullInt64{Int64: caseID, Valid: caseID != 0}, event, string(b), now))
	if err != nil {
		return d, err
	}
	key := fmt.Sprintf("webhook:%d:seq:%d", hook, seq)
	if seq == 0 {
		key = fmt.Sprintf("webhook:%d:delivery:%d", hook, d.ID)
	}
	_, err = jobs.Enqueue(ctx, tx, now, JobDeliver, deliverPayload{Delivery: d.ID}, jobs.Options{MaxAttempts: s.cfg.MaxAttempts, DedupeKey: key})
	return d, err
}

// DispatchJob is the JobDispatch handler.
func (s *Service) DispatchJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.Dispatch(ctx)
	return err
}

// Dispatch turns the events after each active webhook's cursor into
// deliveries and returns how many it queued.
func (s *Service) Dispatch(ctx context.Context) (int, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+webhookColumns+` FROM webhooks WHERE active ORDER BY id`)
	if err != nil {
		return 0, err
	}
	var hooks []Webhook
	for rows.Next() {
		h, err := scanWebhook(rows)
		if err != nil {
			rows.Close()
			return 0, err
		}
		hooks = append(hooks, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, h := range hooks {
		k, err := s.dispatchOne(ctx, h)
		n += k
		if err != nil {
			return n, fmt.Errorf("webhook %d: %w", h.ID, err)
		}
	}
	return n, nil
}

// dispatchOne queues one webhook's new events, a page per transaction.
func (s *Service) dispatchOne(ctx context.Context, h Webhook) (int, error) {
	n := 0
	cursor := h.Cursor
	for {
		events, err := s.cases.FeedFor(ctx, h.OrgID, cursor, s.cfg.Batch)
		if err != nil || len(events) == 0 {
			return n, err
		}
		next := events[len(events)-1].Seq
		moved := false
		err = s.db.Tx(ctx, func(tx *sql.Tx) error {
			res, err := tx.ExecContext(ctx, `UPDATE webhooks SET last_cursor = $1 WHERE id = $2 AND last_cursor = $3 AND active`, next, h.ID, cursor)
			if err != nil {
				return err
			}
			if k, err := res.RowsAffected(); err != nil || k == 0 {
				return err // deleted, paused or dispatched by another instance
			}
			moved = true
			now := s.now().UTC()
			for _, e := range events {
				b, err := json.Marshal(eventBody(e))
				if err != nil {
					return err
				}
				if _, err := s.insertDelivery(ctx, tx, now, h.ID, e.Seq, e.CaseID, e.Action, b); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil || !moved {
			return n, err
		}
		n += len(events)
		cursor = next
		if len(events) < s.cfg.Batch {
			return n, nil
		}
	}
}

func eventBody(e cases.FeedEvent) body {
	return body{ID: e.Seq, Case: e.CaseKey, At: e.At.UTC(), Action: e.Action, Summary: e.Summary, Message: e.Message}
}

// DeliverJob is the JobDeliver handler: it POSTs a delivery and records
// the attempt. A failure is returned for the jobs runner to retry with its
// backoff; after the last attempt the delivery is marked failed.
func (s *Service) DeliverJob(ctx context.Context, j jobs.Job) error {
	var in deliverPayload
	if err := j.Decode(&in); err != nil {
		return jobs.Permanent(err)
	}
	var url, secret, event, status, payload string
	var hook int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT w.id, w.url, w.secret, d.event, d.status, d.payload
		FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id WHERE d.id = $1`, in.Delivery).
		Scan(&hook, &url, &secret, &event, &status, &payload)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && status != "pending") {
		return nil // the webhook was deleted, or the delivery is settled
	}
	if err != nil {
		return err
	}
	code, sendErr := s.send(ctx, url, secret, event, in.Delivery, []byte(payload))
	state, msg := "delivered", ""
	var deliveredAt sql.NullTime
	now := s.now().UTC()
	switch {
	case sendErr == nil:
		deliveredAt = sql.NullTime{Time: now, Valid: true}
	case j.Attempts >= j.MaxAttempts:
		state, msg = "failed", sendErr.Error()
	default:
		state, msg = "pending", sendErr.Error()
	}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE webhook_deliveries SET status = $1, attempts = attempts + 1, last_status_code = $2,
			last_error = $3, delivered_at = $4 WHERE id = $5 AND status = 'pending'`, state, code, msg, deliveredAt, in.Delivery)
		return err
	})
	if err != nil {
		return err
	}
	return sendErr
}

// send POSTs b and returns the answer's status code.
func (s *Service) send(ctx context.Context, url, secret, event string, delivery int64, b []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(b))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Parley-Webhook/1")
	req.Header.Set("X-Parley-Event", event)
	req.Header.Set("X-Parley-Delivery", itoa(delivery))
	req.Header.Set("X-Parley-Signature", Sign(secret, s.now(), b))
	resp, err := s.client.Do(req)
	if err != nil {
		return 0, fmt.Errorf("POST to the webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the webhook answered %s", resp.Status)
	}
	return resp.StatusCode, nil
}
