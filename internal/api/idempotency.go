package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// idempotent runs a POST once per (caller, Idempotency-Key): a repeat with
// the same body gets the first answer again; a repeat with another body,
// or while the first is still running, is a conflict.
func (a *API) idempotent(w http.ResponseWriter, r *http.Request, p auth.Principal, h func(http.ResponseWriter, *http.Request, auth.Principal)) {
	key := r.Header.Get("Idempotency-Key")
	if p.Anonymous() {
		h(w, r, p) // nothing to key on; the handler decides
		return
	}
	if len(key) > 200 {
		a.fail(w, r, errs.E(errs.Invalid, "Idempotency-Key must be at most 200 characters"))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBody))
	if err != nil {
		a.fail(w, r, decodeError(err))
		return
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
	reqHash := hex.EncodeToString(sum[:])
	ctx := r.Context()
	claimed := false
	err = a.DB.Tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at)
			VALUES ($1, $2, $3, 0, '', $4) ON CONFLICT (user_id, key) DO NOTHING`, p.UserID, key, reqHash, a.Now().UTC())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		claimed = n == 1
		return nil
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if !claimed {
		a.replay(w, r, p, key, reqHash)
		return
	}
	rec := httptest.NewRecorder()
	r.Body = io.NopCloser(bytes.NewReader(body))
	h(rec, r, p)
	result := rec.Result()
	err = a.DB.Tx(ctx, func(tx *sql.Tx) error {
		if result.StatusCode >= 500 { // let the client try again
			_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2`, p.UserID, key)
			return err
		}
		_, err := tx.ExecContext(ctx, `UPDATE idempotency_keys SET status = $1, body = $2 WHERE user_id = $3 AND key = $4`,
			result.StatusCode, rec.Body.String(), p.UserID, key)
		return err
	})
	if err != nil {
		a.log.ErrorContext(ctx, "api: store idempotent response", "err", err)
	}
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(result.StatusCode)
	_, _ = w.Write(rec.Body.Bytes())
}

func (a *API) replay(w http.ResponseWriter, r *http.Request, p auth.Principal, key, reqHash string) {
	var status int
	var hash, body string
	err := a.DB.Read().QueryRowContext(r.Context(), `SELECT request_hash, status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
		p.UserID, key).Scan(&hash, &status, &body)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		a.fail(w, r, errs.E(errs.Conflict, "a request with this Idempotency-Key failed; send it again"))
	case err != nil:
		a.fail(w, r, err)
	case hash != reqHash:
		a.fail(w, r, errs.E(errs.Invalid, "this Idempotency-Key was used for a different request"))
	case status == 0:
		a.fail(w, r, errs.E(errs.Conflict, "a request with this Idempotency-Key is still being processed"))
	default:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Idempotent-Replayed", "true")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

// PurgeIdempotencyKeys forgets keys older than before.
func (a *API) PurgeIdempotencyKeys(ctx context.Context, before time.Time) error {
	return a.DB.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM idempotency_keys WHERE created_at < $1`, before.UTC())
		return err
	})
}
