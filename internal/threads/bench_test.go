package threads_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/threads"
)

// BenchmarkPostIn10kCase posts to a thread with the whole case, and to
// one with the coordinators and Acme, in a case with 10,000 vendors: the
// audience and its notices are worked out on every post.
//
//	go test -run '^$' -bench PostIn10kCase ./internal/threads/
func BenchmarkPostIn10kCase(b *testing.B) {
	w := newWorld(b)
	ids := bulkVendors(b, w, 10000)
	list := make([]cases.NewParticipant, len(ids))
	for i, id := range ids {
		list[i] = cases.NewParticipant{OrgID: id, Roles: []cases.Role{cases.RoleVendor}}
	}
	if _, err := w.cases.AddParticipants(w.ctx, w.staff, w.c.ID, list); err != nil {
		b.Fatal(err)
	}
	if err := w.db.Optimize(w.ctx); err != nil { // what the hourly maintenance does
		b.Fatal(err)
	}
	for _, aud := range []struct {
		name string
		nt   threads.NewThread
	}{
		{"whole case", threads.NewThread{Title: "To all vendors", Body: "Hello all", Audience: threads.AudienceCase}},
		{"one vendor", threads.NewThread{Title: "To Acme", Body: "Hello Acme", Audience: threads.AudienceListed, With: []int64{w.pid["Acme"]}}},
	} {
		t, err := w.svc.Start(w.ctx, w.staff, w.c.ID, aud.nt)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(aud.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := w.svc.Post(w.ctx, w.staff, w.c.ID, t.ID, threads.NewPost{Body: "A question for @Acme about the fix"}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// bulkVendors creates n vendor organisations straight in the database
// (the org service would take longer than what is measured).
func bulkVendors(b *testing.B, w *world, n int) []int64 {
	b.Helper()
	now := time.Now().UTC()
	var ids []int64
	err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		for i := range n {
			name := fmt.Sprintf("Bench Vendor %05d", i)
			var id int64
			if err := tx.QueryRowContext(w.ctx, `INSERT INTO organisations (name, name_key, kind, created_at, updated_at)
				VALUES ($1, $2, 'vendor', $3, $3) RETURNING id`, name, strings.ToLower(name), now).Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return ids
}
