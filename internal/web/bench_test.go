package web_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/org"
)

// BenchmarkCasePage10k reads the page of a case with 10,000 vendors as the
// coordinator (its first page of participants) and as one vendor, over
// HTTP, and reports the 99th percentile of each. The target is 100 ms.
func BenchmarkCasePage10k(b *testing.B) {
	s := newSite(b)
	coord, vendor, path := s.bigCase(b, 10000)
	for _, who := range []struct {
		name string
		b    *browser
	}{{"coordinator", coord}, {"vendor", vendor}} {
		b.Run(who.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				start := time.Now()
				if p := who.b.get(path); p.status != http.StatusOK {
					b.Fatalf("status %d", p.status)
				}
				took = append(took, time.Since(start))
			}
			slices.Sort(took)
			b.ReportMetric(float64(took[len(took)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// bigCase opens a case led by the coordinator with n vendors (organisations
// made straight in the database) and signs in the coordinator and the
// first vendor's member.
func (s *site) bigCase(b *testing.B, n int) (coord, vendor *browser, path string) {
	coord, _ = s.admin()
	ctx := context.Background()
	root := auth.Principal{UserID: 1, Admin: true, Staff: true}
	now := time.Now().UTC()
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		for start := 0; start < n; start += 500 {
			var values []string
			args := []any{now}
			for i := start; i < min(start+500, n); i++ {
				name := fmt.Sprintf("Bench Vendor %05d", i)
				args = append(args, name, strings.ToLower(name))
				values = append(values, fmt.Sprintf("($%d, $%d, 'vendor', $1, $1)", len(args)-1, len(args)))
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO organisations (name, name_key, kind, created_at, updated_at) VALUES `+
				strings.Join(values, ", "), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	cert, _ := s.orgs.Create(ctx, root, org.Fields{Name: "CERT Example", Kind: org.Coordinator})
	if _, err := s.orgs.AddMember(ctx, root, cert.ID, "root@cert.example", "", auth.OrgAdmin); err != nil {
		b.Fatal(err)
	}
	c, err := s.cases.Create(ctx, root, cases.NewCase{Title: "Protocol flaw", CoordinatorOrgID: cert.ID})
	if err != nil {
		b.Fatal(err)
	}
	found, _, err := s.orgs.ByNames(ctx, root, benchNames(n))
	if err != nil {
		b.Fatal(err)
	}
	list := make([]cases.NewParticipant, len(found))
	for i, o := range found {
		list[i] = cases.NewParticipant{OrgID: o.ID, Roles: []cases.Role{cases.RoleVendor}}
	}
	if _, err := s.cases.AddParticipants(ctx, root, c.ID, list); err != nil {
		b.Fatal(err)
	}
	vendor = s.member(found[0], "psirt@vendor0.example")
	if err := s.db.Optimize(ctx); err != nil { // what the hourly maintenance does
		b.Fatal(err)
	}
	return coord, vendor, "/cases/" + c.Key
}

func benchNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Bench Vendor %05d", i)
	}
	return out
}
