package inbox_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/jobs"
)

func TestNextDigest(t *testing.T) {
	for _, c := range []struct {
		hour      int
		now, want time.Time
	}{
		{7, time.Date(2026, 5, 1, 6, 59, 0, 0, time.UTC), time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC)},
		{7, time.Date(2026, 5, 1, 7, 0, 0, 0, time.UTC), time.Date(2026, 5, 2, 7, 0, 0, 0, time.UTC)},
		{0, time.Date(2026, 12, 31, 23, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)},
		{23, time.Date(2026, 5, 1, 0, 30, 0, 0, time.FixedZone("CEST", 2*3600)), time.Date(2026, 4, 30, 23, 0, 0, 0, time.UTC)},
	} {
		if got := inbox.NextDigest(c.hour, c.now); !got.Equal(c.want) {
			t.Errorf("NextDigest(%d, %v) = %v, want %v", c.hour, c.now, got, c.want)
		}
	}
}

// digestJobs returns the users of the pending digest jobs.
func (w *world) digestJobs() []int64 {
	w.t.Helper()
	rows, err := w.db.Read().QueryContext(w.ctx, `SELECT payload FROM jobs WHERE kind = $1 AND state = 'pending' ORDER BY id`, inbox.JobDigest)
	if err != nil {
		w.t.Fatal(err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var payload string
		var r inbox.DigestRequest
		if err := rows.Scan(&payload); err != nil || json.Unmarshal([]byte(payload), &r) != nil {
			w.t.Fatal(err, payload)
		}
		out = append(out, r.UserID)
	}
	return out
}

// TestDigestSweep: at the digest hour the sweep enqueues one digest for
// each digest user with something waiting (none for a user with nothing),
// once however often it runs; the digest lists what waits and marks it;
// the next notices wait for the next day.
func TestDigestSweep(t *testing.T) {
	w := newWorld(t)
	for _, p := range []auth.Principal{w.ada, w.bob} {
		if _, err := w.svc.SetSettings(w.ctx, p, inbox.Patch{Mail: ptr(inbox.Daily), DigestHour: ptr(14)}); err != nil {
			t.Fatal(err)
		}
	}
	first := w.record(w.notice(w.ada, w.caseA, "job:1"), w.notice(w.ada, w.caseB, "job:2"))
	if n, err := w.svc.Sweep(w.ctx, w.now); err != nil || n != 0 {
		t.Fatalf("a sweep before the hour: %d %v", n, err)
	}
	w.now = time.Date(2026, 5, 1, 14, 5, 0, 0, time.UTC)
	if n, err := w.svc.Sweep(w.ctx, w.now); err != nil || n != 1 {
		t.Fatalf("the sweep at the hour: %d %v", n, err)
	}
	if n, _ := w.svc.Sweep(w.ctx, w.now); n != 0 {
		t.Fatalf("a second sweep enqueued %d", n)
	}
	if got := w.digestJobs(); len(got) != 1 || got[0] != w.ada.UserID {
		t.Fatalf("digest jobs for %v, want Ada alone (Bob has nothing waiting)", got)
	}
	st, _ := w.svc.Settings(w.ctx, w.bob)
	if !st.NextDigestAt.Equal(time.Date(2026, 5, 2, 14, 0, 0, 0, time.UTC)) {
		t.Fatalf("Bob's next digest %v", st.NextDigestAt)
	}
	list, total, last, err := w.svc.Waiting(w.ctx, w.ada.UserID, 1)
	if err != nil || total != 2 || len(list) != 1 || list[0].ID != first[0].ID || last != first[1].ID {
		t.Fatalf("waiting: %v %d %d %+v", err, total, last, list)
	}
	later := w.record(w.notice(w.ada, w.caseA, "job:3")) // after the digest was read: waits for the next
	if err := w.svc.MarkDigested(w.ctx, w.ada.UserID, last); err != nil {
		t.Fatal(err)
	}
	if _, total, _, _ := w.svc.Waiting(w.ctx, w.ada.UserID, 10); total != 1 {
		t.Fatalf("%d waiting after the digest, want the later one", total)
	}
	if n, _ := w.get(first[1].ID); n.Delivery != inbox.Sent || n.MailedAt.IsZero() {
		t.Fatalf("a digested notice: %+v", n)
	}
	if n, _ := w.get(later[0].ID); n.Delivery != inbox.Digest {
		t.Fatalf("the later notice: %+v", n)
	}
	// The server was down for two days: one digest, not three.
	w.now = time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	if n, _ := w.svc.Sweep(w.ctx, w.now); n != 1 {
		t.Fatalf("after downtime: %d digests", n)
	}
	st, _ = w.svc.Settings(w.ctx, w.ada)
	if !st.NextDigestAt.Equal(time.Date(2026, 5, 4, 14, 0, 0, 0, time.UTC)) {
		t.Fatalf("Ada's next digest after downtime %v", st.NextDigestAt)
	}
}

func (w *world) get(id int64) (inbox.Notification, error) {
	list, err := w.svc.List(w.ctx, w.ada, inbox.Filter{})
	for _, n := range list {
		if n.ID == id {
			return n, err
		}
	}
	return inbox.Notification{}, err
}

// TestLeavingTheDigest: what waits is mailed at once in a last digest for
// a user who wants mail immediately, and never for one who wants none.
func TestLeavingTheDigest(t *testing.T) {
	w := newWorld(t)
	for _, p := range []auth.Principal{w.ada, w.bob} {
		if _, err := w.svc.SetSettings(w.ctx, p, inbox.Patch{Mail: ptr(inbox.Daily)}); err != nil {
			t.Fatal(err)
		}
	}
	w.record(w.notice(w.ada, w.caseA, "job:1"), w.notice(w.bob, w.caseA, "job:1"))
	if _, err := w.svc.SetSettings(w.ctx, w.ada, inbox.Patch{Mail: ptr(inbox.Immediately)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SetSettings(w.ctx, w.bob, inbox.Patch{Mail: ptr(inbox.NoMail)}); err != nil {
		t.Fatal(err)
	}
	if got := w.digestJobs(); len(got) != 1 || got[0] != w.ada.UserID {
		t.Fatalf("digests on leaving: %v, want Ada's", got)
	}
	if n := w.count(`SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND mail = 'none'`, w.bob.UserID); n != 1 {
		t.Fatalf("Bob's waiting notice is not dropped from mail (%d)", n)
	}
	// The digest job runs through the runner like any other.
	r := jobs.NewRunner(w.db, jobs.Config{Now: func() time.Time { return w.now }})
	var ran []int64
	r.Handle(inbox.JobDigest, func(_ context.Context, j jobs.Job) error {
		var d inbox.DigestRequest
		err := j.Decode(&d)
		ran = append(ran, d.UserID)
		return err
	})
	r.Handle(inbox.JobSweep, w.svc.SweepJob)
	if _, err := r.Drain(w.ctx); err != nil || len(ran) != 1 || ran[0] != w.ada.UserID {
		t.Fatalf("ran %v, %v", ran, err)
	}
}
