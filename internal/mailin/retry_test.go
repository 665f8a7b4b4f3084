package mailin

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/store/storetest"
)

// retryEnv is an intake over a fresh database with a clock the test moves.
type retryEnv struct {
	t   *testing.T
	ctx context.Context
	db  *store.DB
	in  *Intake
	now time.Time
}

func newRetryEnv(t *testing.T, cfg RetryConfig) *retryEnv {
	t.Helper()
	e := &retryEnv{t: t, ctx: context.Background(), db: storetest.New(t), now: testNow}
	e.in = NewIntake(e.db, func() time.Time { return e.now }, nil, nil, IntakeConfig{Retry: cfg})
	return e
}

func (e *retryEnv) store(subject string, status Status) int64 {
	e.t.Helper()
	id, err := e.in.Store(e.ctx, []byte("From: fay@example.org\r\nSubject: "+subject+"\r\n\r\nbody\r\n"), status, "")
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *retryEnv) get(id int64) Stored {
	e.t.Helper()
	s, err := e.in.Get(e.ctx, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return s
}

// retry runs Retry and checks what it counted.
func (e *retryEnv) retry(take Taker, want RetryResult, wantErr bool) {
	e.t.Helper()
	got, err := e.in.Retry(e.ctx, take)
	if got != want || (err != nil) != wantErr {
		e.t.Fatalf("at +%s: Retry = %+v, %v; want %+v, error %v", e.now.Sub(testNow), got, err, want, wantErr)
	}
}

// TestRetry: messages left "received" are tried again once due, each
// attempt counted and journaled; what the taker files is settled, what
// keeps failing is quarantined after the last attempt with the reason;
// nothing else is touched, and a second run at the same time does nothing.
func TestRetry(t *testing.T) {
	e := newRetryEnv(t, RetryConfig{})
	fine := e.store("fine", Received)
	refused := e.store("refused", Received)
	broken := e.store("broken", Received)
	done := e.store("done", Accepted)
	calls := map[string]int{}
	take := func(_ context.Context, m Stored) (Status, string, error) {
		calls[m.Subject]++
		if m.Raw == nil {
			t.Errorf("the taker got mail %d without its bytes", m.ID)
		}
		switch m.Subject {
		case "fine":
			return Accepted, "new report RPT-2026-000001", nil
		case "refused":
			return Quarantined, "not the reporter's address", nil
		case "late":
			return Accepted, "new report RPT-2026-000002", nil
		}
		return "", "", errors.New("database is locked")
	}

	e.now = testNow.Add(4 * time.Minute) // not due yet: the delivery may still be at work
	e.retry(take, RetryResult{}, false)
	e.now = testNow.Add(5 * time.Minute)
	late := e.store("late", Received) // received now: due in five minutes
	e.retry(take, RetryResult{Accepted: 1, Quarantined: 1, Failed: 1}, true)
	e.retry(take, RetryResult{}, false) // the same time again: nothing is due
	if calls["fine"] != 1 || calls["refused"] != 1 || calls["broken"] != 1 || calls["late"] != 0 || calls["done"] != 0 {
		t.Fatalf("calls %v", calls)
	}
	for id, want := range map[int64]Stored{
		fine:    {Status: Accepted, Reason: "new report RPT-2026-000001", Attempts: 1},
		refused: {Status: Quarantined, Reason: "not the reporter's address", Attempts: 1},
		broken:  {Status: Received, Attempts: 1, LastError: "a failure that was not the message's (the server's log has the details)"},
		done:    {Status: Accepted},
		late:    {Status: Received},
	} {
		got := e.get(id)
		if got.Status != want.Status || got.Reason != want.Reason || got.Attempts != want.Attempts || got.LastError != want.LastError {
			t.Errorf("mail %d: %+v, want %+v", id, got, want)
		}
	}

	// The broken one waits 5, 10, 20 and 40 minutes between attempts, and
	// is quarantined when the fifth fails; the late one is taken in on
	// its first attempt.
	e.now = e.now.Add(5*time.Minute - time.Second)
	e.retry(take, RetryResult{}, false)
	e.now = e.now.Add(time.Second)
	e.retry(take, RetryResult{Accepted: 1, Failed: 1}, true) // late, and broken's second attempt
	for i, wait := range []time.Duration{10 * time.Minute, 20 * time.Minute, 40 * time.Minute} {
		e.now = e.now.Add(wait - time.Second)
		e.retry(take, RetryResult{}, false)
		e.now = e.now.Add(time.Second)
		want := RetryResult{Failed: 1}
		if i == 2 {
			want = RetryResult{GaveUp: 1}
		}
		e.retry(take, want, true)
	}
	got := e.get(broken)
	if got.Status != Quarantined || got.Attempts != 5 || got.Reason != "not taken in after 5 attempts: a failure that was not the message's (the server's log has the details)" {
		t.Errorf("broken after the last attempt: %+v", got)
	}
	if calls["broken"] != 5 {
		t.Errorf("broken was tried %d times, want 5", calls["broken"])
	}
	want := "mail.received#%[1]d" + strings.Repeat(" mail.retry#%[1]d mail.retry_failed#%[1]d", 4) + " mail.retry#%[1]d mail.quarantined#%[1]d"
	if got, want := objectActions(t, e.db, broken), fmt.Sprintf(want, broken); got != want {
		t.Errorf("journal of broken\n got %s\nwant %s", got, want)
	}
	if got := objectActions(t, e.db, fine); got != fmt.Sprintf("mail.received#%[1]d mail.retry#%[1]d mail.accepted#%[1]d", fine) {
		t.Errorf("journal of fine: %s", got)
	}
	if r, err := journal.Verify(e.ctx, e.db.Read()); err != nil || !r.OK() {
		t.Errorf("journal verify %+v, %v", r, err)
	}
}

// objectActions lists the journal's actions on one stored message.
func objectActions(t *testing.T, db *store.DB, id int64) string {
	t.Helper()
	var out []string
	for _, a := range strings.Fields(mailActions(t, db)) {
		if strings.HasSuffix(a, fmt.Sprintf("#%d", id)) {
			out = append(out, a)
		}
	}
	return strings.Join(out, " ")
}

// TestRetryClaims: an attempt is claimed before it runs, so that another
// Retry meanwhile (another instance) leaves the message alone, and each
// message is taken once; a message settled by someone else during the
// attempt is not settled again; an attempt that never finished (the
// server crashed) counts, and after the last one the message is
// quarantined without another try.
func TestRetryClaims(t *testing.T) {
	e := newRetryEnv(t, RetryConfig{MaxAttempts: 2})
	busy := e.store("busy", Received)
	other := e.store("other", Received)
	e.now = testNow.Add(time.Hour)
	taken := map[string]int{}
	e.retry(func(ctx context.Context, m Stored) (Status, string, error) {
		taken[m.Subject]++
		if m.Subject == "busy" { // another instance runs now
			res, err := e.in.Retry(ctx, func(_ context.Context, m Stored) (Status, string, error) {
				taken[m.Subject]++
				return Accepted, "by the other instance", nil
			})
			if res != (RetryResult{Accepted: 1}) || err != nil {
				t.Errorf("the other instance: %+v, %v", res, err)
			}
		}
		return Accepted, "by this instance", nil
	}, RetryResult{Accepted: 1}, false)
	if taken["busy"] != 1 || taken["other"] != 1 {
		t.Errorf("taken %v", taken)
	}
	if s := e.get(busy); s.Status != Accepted || s.Reason != "by this instance" || s.Attempts != 1 {
		t.Errorf("busy: %+v", s)
	}
	if s := e.get(other); s.Status != Accepted || s.Reason != "by the other instance" || s.Attempts != 1 {
		t.Errorf("other: %+v", s)
	}

	raced := e.store("raced", Received)
	crashed := e.store("crashed", Received)
	if err := e.db.Tx(e.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(e.ctx, `UPDATE inbound_mail SET attempts = 2 WHERE id = $1`, crashed)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(time.Hour)
	e.retry(func(ctx context.Context, m Stored) (Status, string, error) {
		if m.Subject == "crashed" {
			t.Errorf("crashed was tried after its last attempt")
		}
		// The delivery finished late and settled it itself.
		if err := e.in.SetStatus(ctx, journal.System, m.ID, Accepted, "by the delivery"); err != nil {
			t.Fatal(err)
		}
		return Accepted, "by the retry", nil
	}, RetryResult{GaveUp: 1}, false)
	if s := e.get(raced); s.Status != Accepted || s.Reason != "by the delivery" || s.Attempts != 1 {
		t.Errorf("raced: %+v", s)
	}
	if got := objectActions(t, e.db, raced); got != fmt.Sprintf("mail.received#%[1]d mail.retry#%[1]d mail.accepted#%[1]d", raced) {
		t.Errorf("journal of raced: %s", got)
	}
	s := e.get(crashed)
	if s.Status != Quarantined || !strings.Contains(s.Reason, "after 2 attempts: the last one did not finish") {
		t.Errorf("crashed: %+v", s)
	}

	// A taker answering a status that settles nothing is a failure.
	odd := e.store("odd", Received)
	e.now = e.now.Add(time.Hour)
	e.retry(func(context.Context, Stored) (Status, string, error) { return Received, "", nil }, RetryResult{Failed: 1}, true)
	if s := e.get(odd); s.Status != Received || s.Attempts != 1 {
		t.Errorf("odd: %+v", s)
	}

	// A cancelled context stops the run; the attempt counts.
	ctx, cancel := context.WithCancel(e.ctx)
	e.now = e.now.Add(time.Hour)
	res, err := e.in.Retry(ctx, func(context.Context, Stored) (Status, string, error) {
		cancel()
		return "", "", context.Canceled
	})
	if !errors.Is(err, context.Canceled) || res != (RetryResult{}) {
		t.Errorf("cancelled: %+v, %v", res, err)
	}
	if s := e.get(odd); s.Status != Received || s.Attempts != 2 {
		t.Errorf("odd after the cancelled attempt: %+v", s)
	}
}

// TestRetryAfterKeysReturn: mail that arrived while the instance's keys
// could not be read stays "received"; once they can, the retry reads it.
func TestRetryAfterKeysReturn(t *testing.T) {
	e := newRetryEnv(t, RetryConfig{})
	right := pgp.NewKeyring(e.db, clock, pgp.KeyringConfig{Passphrase: []byte("right")})
	instance, err := right.Current(e.ctx)
	if err != nil {
		t.Fatal(err)
	}
	clockNow := func() time.Time { return e.now }
	wrong := NewIntake(e.db, clockNow, pgp.NewKeyring(e.db, clock, pgp.KeyringConfig{Passphrase: []byte("wrong")}), nil, IntakeConfig{})
	_, id, err := wrong.Process(e.ctx, encrypted(t, with(), nil, "the details", instance.Key, nil))
	if err == nil || id == 0 {
		t.Fatalf("id %d, err %v", id, err)
	}
	junk, err := e.in.Store(e.ctx, []byte("not\x00 mail"), Received, "")
	if err != nil {
		t.Fatal(err)
	}
	// take parses as the program's taker does: quarantine what the
	// message is at fault for, retry what it is not.
	takeWith := func(in *Intake) Taker {
		return func(ctx context.Context, m Stored) (Status, string, error) {
			msg, err := in.Parse(ctx, m.Raw)
			switch {
			case Retryable(ctx, err):
				return "", "", err
			case err != nil:
				return Quarantined, errs.Public(err), nil
			}
			return Accepted, msg.Text, nil
		}
	}
	e.now = testNow.Add(10 * time.Minute)
	e.retry(takeWith(wrong), RetryResult{Quarantined: 1, Failed: 1}, true)
	if s := e.get(junk); s.Status != Quarantined || !strings.Contains(s.Reason, "header is unreadable") {
		t.Errorf("junk: %+v", s)
	}
	fixed := NewIntake(e.db, clockNow, right, nil, IntakeConfig{})
	e.now = e.now.Add(5 * time.Minute)
	e.retry(takeWith(fixed), RetryResult{Accepted: 1}, false)
	if s := e.get(id); s.Status != Accepted || s.Reason != "the details" || s.Attempts != 2 {
		t.Errorf("after the keys returned: %+v", s)
	}
}

func TestRetryWait(t *testing.T) {
	c := RetryConfig{}.withDefaults()
	for n, want := range map[int]time.Duration{1: 5 * time.Minute, 2: 10 * time.Minute, 4: 40 * time.Minute, 8: 6 * time.Hour, 100: 6 * time.Hour} {
		if got := c.wait(n); got != want {
			t.Errorf("wait(%d) = %s, want %s", n, got, want)
		}
	}
}
