package cases_test

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// bulkOrgs creates n vendor organisations straight in the database (the
// org service would take longer than what is measured) and returns their
// IDs.
func bulkOrgs(b *testing.B, w *world, n int) []int64 {
	b.Helper()
	now := time.Now().UTC()
	err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
		for start := 0; start < n; start += 500 {
			var values []string
			args := []any{now}
			for i := start; i < min(start+500, n); i++ {
				name := fmt.Sprintf("Bench Vendor %05d", n-i)
				args = append(args, name, strings.ToLower(name))
				values = append(values, fmt.Sprintf("($%d, $%d, 'vendor', $1, $1)", len(args)-1, len(args)))
			}
			if _, err := tx.ExecContext(w.ctx, `INSERT INTO organisations (name, name_key, kind, created_at, updated_at) VALUES `+
				strings.Join(values, ", "), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	rows, err := w.db.Read().QueryContext(w.ctx, `SELECT id FROM organisations WHERE name LIKE 'Bench Vendor %' ORDER BY id`)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

func vendorList(ids []int64) []cases.NewParticipant {
	list := make([]cases.NewParticipant, len(ids))
	for i, id := range ids {
		list[i] = cases.NewParticipant{OrgID: id, Roles: []cases.Role{cases.RoleVendor}}
	}
	return list
}

// BenchmarkAddParticipants10k adds 10,000 vendors to a case in one call:
// rows, a journal entry each and a notice job each.
func BenchmarkAddParticipants10k(b *testing.B) {
	w := newWorld(b)
	list := vendorList(bulkOrgs(b, w, 10000))
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		c := w.open(fmt.Sprintf("Bulk %d", i))
		b.StartTimer()
		if _, err := w.svc.AddParticipants(w.ctx, w.staff, c.ID, list); err != nil {
			b.Fatal(err)
		}
	}
}

// bigCase is a case with 10,000 vendors.
func bigCase(b *testing.B) (*world, cases.Case, cases.Participant) {
	w := newWorld(b)
	c := w.open("Big")
	if _, err := w.svc.AddParticipants(w.ctx, w.staff, c.ID, vendorList(bulkOrgs(b, w, 10000))); err != nil {
		b.Fatal(err)
	}
	if _, err := w.svc.AddParticipants(w.ctx, w.staff, c.ID, vendorList([]int64{w.acme.ID})); err != nil {
		b.Fatal(err)
	}
	if err := w.db.Optimize(w.ctx); err != nil { // what the hourly maintenance does
		b.Fatal(err)
	}
	return w, c, w.participants(c)[w.coord.ID]
}

// BenchmarkParticipantsPage10k reads the fifth page of 50 by name, and by
// RM state, from a case with 10,000 vendors.
func BenchmarkParticipantsPage10k(b *testing.B) {
	w, c, _ := bigCase(b)
	for _, sort := range []cases.Sort{cases.SortAdded, cases.SortName, cases.SortRM} {
		f := cases.ParticipantFilter{Sort: sort}
		for range 4 {
			list, err := w.svc.Participants(w.ctx, w.staff, c.ID, f)
			if err != nil || len(list) != 50 {
				b.Fatal(len(list), err)
			}
			f.Page.After = list[len(list)-1].ID
		}
		b.Run(string(sort), func(b *testing.B) {
			for b.Loop() {
				if _, err := w.svc.Participants(w.ctx, w.staff, c.ID, f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStepsIn10kCase measures, in a case with 10,000 vendors: an RM
// step (restores one participant), a vendor's first page of its timeline
// (skips 10,000 entries about the others), a vendor reading the case, and
// an embargo proposed and rejected (restores and updates every participant).
func BenchmarkStepsIn10kCase(b *testing.B) {
	w, c, lead := bigCase(b)
	b.Run("rm", func(b *testing.B) {
		events := []protocol.RMEvent{protocol.RMDefer, protocol.RMAccept}
		i := 0
		for b.Loop() {
			if _, err := w.svc.StepRM(w.ctx, w.staff, c.ID, lead.ID, events[i%2], ""); err != nil {
				b.Fatal(err)
			}
			i++
		}
	})
	b.Run("timeline", func(b *testing.B) {
		for b.Loop() {
			list, err := w.svc.Timeline(w.ctx, w.memberA, c.ID, store.Page{})
			if err != nil || len(list) == 0 {
				b.Fatal(err)
			}
		}
	})
	b.Run("get", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.svc.Get(w.ctx, w.memberA, c.ID); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Proposing puts the embargo to all 10,001 others, rejecting clears it.
	b.Run("em-propose-reject", func(b *testing.B) {
		for b.Loop() {
			if _, err := w.svc.ProposeEmbargo(w.ctx, w.staff, c.ID, lead.ID, w.terms(30)); err != nil {
				b.Fatal(err)
			}
			if _, err := w.svc.DecideEmbargo(w.ctx, w.staff, c.ID, 0, false, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}
