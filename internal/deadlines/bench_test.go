package deadlines_test

import (
	"database/sql"
	"fmt"
	"testing"

	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/store"
)

const benchVendors = 10000

// vendorDeadlines is a response deadline for each of a case's 10,000
// vendors, due in a week.
func (f *fixture) vendorDeadlines(caseID int64) []deadlines.Deadline {
	list := make([]deadlines.Deadline, benchVendors)
	for i := range list {
		list[i] = deadlines.Deadline{CaseID: caseID, ParticipantID: int64(i + 1), Kind: deadlines.Statement,
			DueAt: f.now.Add(7 * day), Zone: "Europe/Berlin"}
	}
	return list
}

// analyze gives the planner the statistics a running instance would have
// (PostgreSQL's autovacuum, SQLite's hourly PRAGMA optimize); without them
// PostgreSQL scans the whole table for each batch of IDs.
func (f *fixture) analyze() {
	if f.db.Engine == store.Postgres {
		f.tx(func(tx *sql.Tx) error { _, err := tx.ExecContext(ctx, `ANALYZE deadlines`); return err })
	}
	if err := f.db.Optimize(ctx); err != nil { // what the hourly maintenance does on SQLite
		panic(err)
	}
}

// BenchmarkSetMany10k sets 10,000 new deadlines in one transaction: rows
// and a journal entry each.
func BenchmarkSetMany10k(b *testing.B) {
	f := newFixture(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		list := f.vendorDeadlines(f.newCase(fmt.Sprintf("PAR-2026-%04d", i+1)))
		b.StartTimer()
		f.tx(func(tx *sql.Tx) error { _, err := deadlines.SetMany(ctx, tx, f.now, list); return err })
	}
}

// BenchmarkSweep10k sweeps 10,000 due deadlines: each moved on, journaled
// and given a reminder job.
func BenchmarkSweep10k(b *testing.B) {
	f := newFixture(b)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := f.newCase(fmt.Sprintf("PAR-2026-%04d", i+1))
		list := f.vendorDeadlines(c)
		f.tx(func(tx *sql.Tx) error { _, err := deadlines.SetMany(ctx, tx, f.now, list); return err })
		f.now = f.now.Add(5 * day) // two days before they are due
		f.analyze()
		b.StartTimer()
		if n := f.sweep(); n != benchVendors {
			b.Fatalf("swept %d", n)
		}
		b.StopTimer()
		// The next round must find only its own deadlines due.
		f.tx(func(tx *sql.Tx) error { _, err := deadlines.CancelCase(ctx, tx, f.now, c); return err })
		b.StartTimer()
	}
}
