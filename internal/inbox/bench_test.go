package inbox_test

import (
	"context"
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// seedDigestUsers inserts n accounts (rows of their own: the benchmark
// measures the inbox, not account creation) whose digest is due at due,
// every other one with two notices waiting.
func seedDigestUsers(b *testing.B, db *store.DB, n int, due time.Time) {
	b.Helper()
	ctx := context.Background()
	err := db.Tx(ctx, func(tx *sql.Tx) error {
		for i := range n {
			var id int64
			if err := tx.QueryRowContext(ctx, `INSERT INTO users (email, name, password_hash, created_at, updated_at) VALUES ($1, $2, '', $3, $3) RETURNING id`,
				fmt.Sprintf("u%d@example.org", i), fmt.Sprintf("User %d", i), due).Scan(&id); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO notification_settings (user_id, mail, digest_hour, next_digest_at, updated_at) VALUES ($1, 'digest', 7, $2, $2)`,
				id, due); err != nil {
				return err
			}
			if i%2 == 1 {
				continue
			}
			for k := range 2 {
				if _, err := tx.ExecContext(ctx, `INSERT INTO notifications (user_id, kind, subject, mail, created_at) VALUES ($1, 'thread.post', $2, 'digest', $3)`,
					id, fmt.Sprintf("notice %d", k), due); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkDigestSweep sweeps 5,000 digest users due at once (half of them
// with notices waiting) and reports users per second. The target is the
// sweep of a large instance's morning well within its 10-minute slot:
// 5,000 users in under a second.
func BenchmarkDigestSweep(b *testing.B) {
	const users = 5000
	due := time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC)
	for b.Loop() {
		b.StopTimer()
		db := storetest.New(b)
		seedDigestUsers(b, db, users, due)
		svc := inbox.NewService(db, time.Now, pgp.NewContacts(db, time.Now))
		b.StartTimer()
		start := time.Now()
		n, err := svc.Sweep(context.Background(), due.Add(time.Minute))
		elapsed := time.Since(start)
		if err != nil || n != users/2 {
			b.Fatalf("enqueued %d digests, %v", n, err)
		}
		b.ReportMetric(float64(users)/elapsed.Seconds(), "users/s")
	}
}
