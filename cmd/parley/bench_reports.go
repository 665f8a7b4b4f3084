package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
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
// body in the same database in a transaction of its own. It also drives a
// second reference, the body inserted with a journal entry and an outbox
// job in one transaction: the least any audited, notifying intake writes,
// which tells the cost of Parley's own work from the cost of that floor.
func benchReports(ctx context.Context, a *app, parleyURL string, clients int, opt benchOptions) (ref, floor, got result, err error) {
	token, err := seedReporter(ctx, a)
	if err != nil {
		return ref, floor, got, err
	}
	if err := createBodies(ctx, a.db); err != nil {
		return ref, floor, got, err
	}
	post := request{method: "POST", body: benchReport, want: http.StatusCreated}
	ref, err = driveHandler(ctx, clients, opt.duration, post, bareInsert(a.db, false))
	if err != nil {
		return ref, floor, got, err
	}
	if got, err = drive(ctx, parleyURL+"/api/v1/reports", token, clients, opt, post); err != nil {
		return ref, floor, got, err
	}
	// Last, so that its journal entries and jobs do not weigh on Parley's run.
	floor, err = driveHandler(ctx, clients, opt.duration, post, bareInsert(a.db, true))
	return ref, floor, got, err
}

// bareInsert stores the body; audited adds a journal entry and an outbox
// job to its transaction.
func bareInsert(db *store.DB, audited bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		ctx := r.Context()
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			var id int64
			err := tx.QueryRowContext(ctx, `INSERT INTO bench_bodies (body) VALUES ($1) RETURNING id`, string(body)).Scan(&id)
			if err != nil || !audited {
				return err
			}
			now := time.Now()
			_, err = journal.Append(ctx, tx, journal.Change{At: now, Actor: journal.System, Action: "bench.submitted", ObjectType: "bench", ObjectID: strconv.FormatInt(id, 10)})
			if err != nil {
				return err
			}
			_, err = jobs.Enqueue(ctx, tx, now, "bench.receipt", map[string]int64{"id": id}, jobs.Options{})
			return err
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusCreated)
	})
}

// driveHandler serves h on a port of its own for one reference run.
func driveHandler(ctx context.Context, clients int, d time.Duration, rq request, h http.Handler) (result, error) {
	url, stop, err := listen(h)
	if err != nil {
		return result{}, err
	}
	defer stop()
	return drive(ctx, url+"/api/v1/reports", "", clients, benchOptions{duration: d}, rq)
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
