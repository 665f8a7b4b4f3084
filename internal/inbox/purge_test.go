package inbox_test

import (
	"database/sql"
	"fmt"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/inbox"
)

// Purge forgets old notifications that are done with, across pages, and
// keeps those still waiting for mail and the recent ones.
func TestPurgeForgetsOldNotifications(t *testing.T) {
	w := newWorld(t)
	start := w.now
	var old []inbox.Notice
	for i := range 1200 { // more than a page of the purge
		old = append(old, w.notice(w.ada, w.caseA, fmt.Sprint("old-", i)))
	}
	oldOnes := w.record(old...)
	waiting := w.record(w.notice(w.bob, w.caseA, "digest"), w.notice(w.bob, w.caseB, "pending"))
	w.now = start.AddDate(1, 0, 0)
	recent := w.record(w.notice(w.ada, w.caseB, "recent"))
	set := func(mail string, ids ...int64) {
		for _, id := range ids {
			if err := w.db.Tx(w.ctx, func(tx *sql.Tx) error {
				_, err := tx.ExecContext(w.ctx, `UPDATE notifications SET mail = $1 WHERE id = $2`, mail, id)
				return err
			}); err != nil {
				t.Fatal(err)
			}
		}
	}
	set("none", oldOnes[0].ID, oldOnes[700].ID) // never mailed: may go too
	set("sent", recent[0].ID)
	set("digest", waiting[0].ID)
	set("pending", waiting[1].ID)
	for i := range oldOnes {
		if i != 0 && i != 700 {
			set("sent", oldOnes[i].ID)
		}
	}
	n, err := w.svc.Purge(w.ctx, start.AddDate(0, 6, 0))
	if err != nil || n != 1200 {
		t.Fatalf("purged %d, %v; want the 1200 old ones done with", n, err)
	}
	if left := w.count(`SELECT COUNT(*) FROM notifications`); left != 3 {
		t.Errorf("%d notifications left, want the two waiting for mail and the recent one", left)
	}
	if n, err := w.svc.Purge(w.ctx, start.AddDate(0, 6, 0)); err != nil || n != 0 {
		t.Errorf("second purge: %d, %v", n, err)
	}
	if n, err := w.svc.Purge(w.ctx, w.now.Add(time.Hour)); err != nil || n != 1 {
		t.Errorf("purge of everything done with: %d, %v; want the recent one", n, err)
	}
}
