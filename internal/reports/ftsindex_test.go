package reports_test

import (
	"database/sql"
	"testing"

	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

// On SQLite new reports reach the full-text index after their submission:
// a search catches up first, so it never misses one, and the periodic job
// indexes them too. An edit of a report not indexed yet does not index it
// twice; an edit of an indexed one re-indexes it.
func TestSearchCatchesUpWithNewReports(t *testing.T) {
	e := setup(t, policy())
	if e.db.Engine != store.SQLite {
		t.Skip("PostgreSQL indexes each report in its own row")
	}
	a := e.submit(e.reporter, good())
	if n := e.count("reports_fts"); n != 0 {
		t.Fatalf("indexed at submission: %d rows", n)
	}
	// An edit before indexing changes what will be indexed, once.
	e.edit(a.ReportID, "Heap overflow in the AR-100 firmware updater")
	items, err := e.svc.Queue(e.ctx, e.staff, reports.Filter{Query: "updater"})
	if err != nil || len(items) != 1 || items[0].ID != a.ReportID {
		t.Fatalf("search after submission: %+v, %v", items, err)
	}
	if n := e.count("reports_fts"); n != 1 {
		t.Fatalf("%d index rows, want 1", n)
	}
	// An edit of an indexed report re-indexes it.
	e.edit(a.ReportID, "Command injection in the AR-100 diagnostics page")
	if items, err := e.svc.Queue(e.ctx, e.staff, reports.Filter{Query: "updater"}); err != nil || len(items) != 0 {
		t.Fatalf("old title still found: %+v, %v", items, err)
	}
	if items, err := e.svc.Queue(e.ctx, e.staff, reports.Filter{Query: "diagnostics"}); err != nil || len(items) != 1 {
		t.Fatalf("new title not found: %+v, %v", items, err)
	}
	// The job indexes what came in since, and nothing twice.
	b, c := e.submit(e.reporter, good()), e.submit(e.reporter, good())
	for range 2 {
		if err := e.svc.IndexJob(e.ctx, jobs.Job{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.count("reports_fts"); n != 3 {
		t.Fatalf("%d index rows after the job, want 3", n)
	}
	cands, err := e.svc.SuggestDuplicates(e.ctx, e.staff, b.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, x := range cands {
		found = found || x.ID == c.ReportID
	}
	if !found {
		t.Fatalf("the identical report %d is not suggested as a duplicate of %d: %+v", c.ReportID, b.ReportID, cands)
	}
}

// edit changes a report's title as a future edit would (no service edits
// report texts yet): straight in the table, which the trigger watches.
func (e *env) edit(id int64, title string) {
	e.t.Helper()
	err := e.db.Tx(e.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(e.ctx, `UPDATE reports SET title = $1 WHERE id = $2`, title, id)
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
}
