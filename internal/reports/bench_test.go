package reports_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/ssvc"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// BenchmarkQueue100k measures triage queue pages over 100,000 reports
// (40% of them open, spread over statuses, assignees and priorities, with
// text for the full-text index). Besides ns/op it reports the 99th
// percentile of one page, the target being under 50 ms:
//
//	go test -run '^$' -bench Queue100k ./internal/reports/
//	PARLEY_TEST_POSTGRES=... go test -run '^$' -bench Queue100k ./internal/reports/
func BenchmarkQueue100k(b *testing.B) {
	ctx := context.Background()
	db := storetest.New(b)
	start := time.Now()
	staffIDs := seed(b, db, 100_000)
	if db.Engine == store.Postgres { // what autovacuum does on a live database after such growth
		if _, err := db.Read().ExecContext(ctx, `ANALYZE`); err != nil {
			b.Fatal(err)
		}
	}
	if err := db.Optimize(ctx); err != nil { // what the hourly maintenance does on SQLite
		b.Fatal(err)
	}
	b.Logf("%s: seeded 100,000 reports in %v", db.Engine, time.Since(start).Round(time.Second))
	reg, err := ssvc.New()
	if err != nil {
		b.Fatal(err)
	}
	svc := reports.NewService(db, time.Now, auth.NewService(db, time.Now, auth.DefaultConfig()), reg, reports.DefaultPolicy())
	if err := svc.IndexJob(ctx, jobs.Job{}); err != nil { // what the periodic job does after such growth
		b.Fatal(err)
	}
	staff := auth.Principal{UserID: staffIDs[0], Staff: true}
	b.Run("suggest-duplicates", func(b *testing.B) {
		var times []time.Duration
		for i := 0; b.Loop(); i++ {
			t0 := time.Now()
			if _, err := svc.SuggestDuplicates(ctx, staff, int64(1+(i*7919)%100_000)); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(t0))
		}
		reportPercentiles(b, times)
	})
	for _, c := range []struct {
		name string
		f    reports.Filter
	}{
		{"active", reports.Filter{}},
		{"active/deep-page", reports.Filter{Page: store.Page{After: 90_000}}},
		{"new", reports.Filter{Status: reports.StatusNew}},
		{"waiting", reports.Filter{Status: reports.StatusWaiting, Page: store.Page{After: 50_000}}},
		{"assignee", reports.Filter{Assignee: staffIDs[1]}},
		{"unassigned", reports.Filter{Assignee: reports.Unassigned}},
		{"priority-urgent", reports.Filter{Priority: reports.PriorityUrgent}},
		{"all/page-200", reports.Filter{Status: reports.AnyStatus, Page: store.Page{After: 40_000, Limit: 200}}},
		{"search-common", reports.Filter{Query: "overflow"}},
		{"search-two-words", reports.Filter{Query: "overflow router"}},
		{"search-rare", reports.Filter{Query: "w4242x"}},
		{"search-all-statuses", reports.Filter{Query: "injection", Status: reports.AnyStatus}},
		{"tracking-id", reports.Filter{Query: "RPT-2026-054321", Status: reports.AnyStatus}},
	} {
		b.Run(c.name, func(b *testing.B) {
			var times []time.Duration
			n := 0
			for b.Loop() {
				t0 := time.Now()
				items, err := svc.Queue(ctx, staff, c.f)
				times = append(times, time.Since(t0))
				if err != nil {
					b.Fatal(err)
				}
				n = len(items)
			}
			reportPercentiles(b, times)
			b.ReportMetric(float64(n), "items")
		})
	}
}

func reportPercentiles(b *testing.B, times []time.Duration) {
	slices.Sort(times)
	p := func(q float64) float64 { return float64(times[int(q*float64(len(times)-1))].Microseconds()) / 1000 }
	b.ReportMetric(p(0.5), "p50-ms")
	b.ReportMetric(p(0.99), "p99-ms")
}

var words = strings.Fields(`overflow injection router camera firmware login buffer heap stack cross site scripting
	request forgery authentication bypass denial service memory corruption path traversal command execution remote
	privilege escalation certificate validation token session cookie password hardcoded credential parser decoder`)

// seed writes n reports (with one product and one vendor each) straight
// into the database, in batches, and returns the IDs of five staff users.
func seed(b *testing.B, db *store.DB, n int) []int64 {
	b.Helper()
	ctx := context.Background()
	users := auth.NewService(db, time.Now, auth.DefaultConfig())
	boot := auth.Principal{UserID: 1 << 40, Email: "command line", Admin: true}
	var staff []int64
	for i := range 5 {
		u, err := users.CreateUser(ctx, boot, auth.NewUser{Email: fmt.Sprintf("staff%d@coord.example", i), Name: "Staff", Staff: true})
		if err != nil {
			b.Fatal(err)
		}
		staff = append(staff, u.ID)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const batch = 500
	for lo := 1; lo <= n; lo += batch {
		err := db.Tx(ctx, func(tx *sql.Tx) error {
			return seedBatch(ctx, tx, rng, base, staff, lo, min(lo+batch, n+1))
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return staff
}

func seedBatch(ctx context.Context, tx *sql.Tx, rng *rand.Rand, base time.Time, staff []int64, lo, hi int) error {
	var vals []string
	var args []any
	row := func(v ...any) {
		marks := make([]string, len(v))
		for i := range v {
			args = append(args, v[i])
			marks[i] = fmt.Sprintf("$%d", len(args))
		}
		vals = append(vals, "("+strings.Join(marks, ", ")+")")
	}
	text := func(k int) string {
		w := make([]string, k)
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		return strings.Join(w, " ")
	}
	for id := lo; id < hi; id++ {
		at := base.Add(time.Duration(id) * 2 * time.Minute)
		status, rm := "closed", "C"
		var closed, waiting, ack, assignee any
		switch id % 10 {
		case 0:
			status, rm = "new", "R"
		case 1:
			status, rm, ack = "open", "R", at.Add(time.Hour)
		case 2:
			status, rm, ack, waiting = "waiting", "V", at.Add(time.Hour), at.Add(2*time.Hour)
		case 3:
			status, rm, ack = "open", "A", at.Add(time.Hour)
		default:
			ack, closed = at.Add(time.Hour), at.Add(48*time.Hour)
		}
		if id%3 == 0 {
			assignee = staff[id%len(staff)]
		}
		prio := reports.Priorities[id%len(reports.Priorities)]
		title := text(5)
		desc := text(60) + fmt.Sprintf(" w%dx", id)
		row(id, fmt.Sprintf("RPT-2026-%06d", id), fmt.Sprintf("h%d", id), "web", fmt.Sprintf("e:r%d@x.example", id%5000),
			title, desc, "none", "none", status, rm, string(prio), assignee, at, ack, waiting, closed, "Router X"+fmt.Sprint(id%50),
			"Vendor "+fmt.Sprint(id%300), status != "closed")
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO reports (id, tracking_id, followup_hash, channel, reporter_key, title, description,
		credit, ai_use, status, rm_state, priority, assignee_id, received_at, acknowledged_at, waiting_since, closed_at,
		products_text, vendors_text, active, updated_at) VALUES `+strings.ReplaceAll(strings.Join(vals, ", "), ")", ", CURRENT_TIMESTAMP)"), args...)
	if err != nil {
		return err
	}
	vals, args = nil, nil
	for id := lo; id < hi; id++ {
		row(id, 0, "Router X"+fmt.Sprint(id%50), "router x"+fmt.Sprint(id%50), `["1.0"]`)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO report_products (report_id, position, name, name_key, versions) VALUES `+
		strings.Join(vals, ", "), args...); err != nil {
		return err
	}
	vals, args = nil, nil
	for id := lo; id < hi; id++ {
		row(id, 0, "Vendor "+fmt.Sprint(id%300), "vendor "+fmt.Sprint(id%300))
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO report_vendors (report_id, position, name, name_key) VALUES `+strings.Join(vals, ", "), args...)
	return err
}
