package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

// benchReport is the report every client of the reports target submits.
const benchReport = `{"title":"Stack overflow in the AR-100 web UI","description":"A long Host header overflows a stack buffer in the admin web server of the AR-100 router before authentication.",
"vendors":[{"name":"Acme Routers"}],"products":[{"name":"AR-100","versions":["2.1.3"]}],
"proof_of_concept":"curl -H 'Host: AAAA' http://192.0.2.1/","impact":"Remote code execution before login","ai_use":"none",
"contact":{"name":"Bench Reporter","email":"bench-reporter@example.org"}}`

// benchReports measures POST /api/v1/reports (validation, storage, journal,
// outbox, receipt queued) against a bare handler that only inserts the
// body in the same database in a transaction of its own.
func benchReports(ctx context.Context, a *app, parleyURL string, clients int, opt benchOptions) (ref, got result, err error) {
	token, err := seedReporter(ctx, a)
	if err != nil {
		return ref, got, err
	}
	if err := createBodies(ctx, a.db); err != nil {
		return ref, got, err
	}
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		err := a.db.Tx(r.Context(), func(tx *sql.Tx) error {
			_, err := tx.ExecContext(r.Context(), `INSERT INTO bench_bodies (body) VALUES ($1)`, string(body))
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
	bareURL, stop, err := listen(bare)
	if err != nil {
		return ref, got, err
	}
	defer stop()
	post := request{method: "POST", body: benchReport, want: http.StatusCreated}
	if ref, err = drive(ctx, bareURL+"/api/v1/reports", "", clients, benchOptions{duration: opt.duration}, post); err != nil {
		return ref, got, err
	}
	got, err = drive(ctx, parleyURL+"/api/v1/reports", token, clients, opt, post)
	return ref, got, err
}

// seedReporter makes a reporter with a track record (one valid report),
// so that the quota for newcomers does not stop the load, and a token.
func seedReporter(ctx context.Context, a *app) (string, error) {
	admin := auth.Principal{UserID: 1, Admin: true, Staff: true}
	u, err := a.users.CreateUser(ctx, admin, auth.NewUser{Email: "bench-reporter@example.org", Name: "Bench Reporter", Password: "benchmark password"})
	if err != nil {
		return "", err
	}
	p := auth.Principal{UserID: u.ID, Email: u.Email, Name: u.Name}
	rc, err := a.reports.Submit(ctx, p, reports.Submission{Details: reports.Details{Title: "First report", Description: "A first report to build a track record.", AIUse: reports.AINone}, Channel: reports.ChannelAPI})
	if err != nil {
		return "", err
	}
	if _, err := a.reports.Validate(ctx, admin, rc.ReportID, reports.Decision{Version: 1}); err != nil {
		return "", err
	}
	_, secret, err := a.users.CreateToken(ctx, p, auth.NewToken{Name: "bench", Scope: auth.ScopeWrite})
	return secret, err
}

func createBodies(ctx context.Context, db *store.DB) error {
	id := "id INTEGER PRIMARY KEY"
	if db.Engine == store.Postgres {
		id = "id BIGSERIAL PRIMARY KEY"
	}
	return db.Tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, fmt.Sprintf(`CREATE TABLE bench_bodies (%s, body TEXT NOT NULL)`, id))
		return err
	})
}
