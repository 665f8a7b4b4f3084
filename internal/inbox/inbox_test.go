package inbox_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/inbox"
	"github.com/parleycvd/parley/internal/pgp"
	"github.com/parleycvd/parley/internal/store"
)

func TestPermissions(t *testing.T) {
	user := auth.Principal{UserID: 3, Email: "ada@example.org"}
	ro := user
	ro.Scope = auth.ScopeRead
	totp := user
	totp.NeedsTOTP = true
	for _, c := range []struct {
		name         string
		p            auth.Principal
		read, change errs.Kind
	}{
		{"anonymous", auth.Principal{}, errs.Unauthenticated, errs.Unauthenticated},
		{"user", user, "", ""},
		{"read-only token", ro, "", errs.Forbidden},
		{"staff owing a second factor", totp, "", errs.Forbidden},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := kindOf(inbox.CanRead(c.p)); got != c.read {
				t.Errorf("CanRead: %q, want %q", got, c.read)
			}
			if got := kindOf(inbox.CanChange(c.p)); got != c.change {
				t.Errorf("CanChange: %q, want %q", got, c.change)
			}
		})
	}
}

func kindOf(err error) errs.Kind {
	if err == nil {
		return ""
	}
	return errs.KindOf(err)
}

// TestRecordFollowsPreferences: a notice is mailed at once by default, waits
// for the digest or is not mailed as the user prefers; a muted case's
// notice is listed as read and never mailed; an urgent one goes at once
// whatever the user said; a notice recorded twice (a job run again) is
// stored once and keeps its state.
func TestRecordFollowsPreferences(t *testing.T) {
	w := newWorld(t)
	got := w.record(w.notice(w.ada, w.caseA, "job:1"), w.notice(w.bob, w.caseA, "job:1"))
	if got[0].Delivery != inbox.Pending || got[1].Delivery != inbox.Pending || !got[0].Unread() || got[0].ID == got[1].ID {
		t.Fatalf("defaults: %+v", got)
	}
	if err := w.svc.MarkSent(w.ctx, got[0].ID); err != nil {
		t.Fatal(err)
	}
	again := w.record(w.notice(w.ada, w.caseA, "job:1"))
	if again[0].ID != got[0].ID || again[0].Delivery != inbox.Sent || again[0].MailedAt.IsZero() {
		t.Fatalf("recorded again: %+v, first %+v", again[0], got[0])
	}
	if n := w.count(`SELECT COUNT(*) FROM notifications WHERE user_id = $1`, w.ada.UserID); n != 1 {
		t.Fatalf("Ada has %d notifications after a retry", n)
	}

	if _, err := w.svc.SetSettings(w.ctx, w.ada, inbox.Patch{Mail: ptr(inbox.Daily)}); err != nil {
		t.Fatal(err)
	}
	if _, err := w.svc.SetSettings(w.ctx, w.bob, inbox.Patch{Mail: ptr(inbox.NoMail)}); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Mute(w.ctx, w.ada, w.caseB, "PAR-2026-0002"); err != nil {
		t.Fatal(err)
	}
	urgent := w.notice(w.ada, w.caseB, "job:3")
	urgent.Urgent = true
	got = w.record(w.notice(w.ada, w.caseA, "job:2"), w.notice(w.bob, w.caseA, "job:2"), w.notice(w.ada, w.caseB, "job:2b"), urgent,
		inbox.Notice{UserID: w.ada.UserID, Kind: "report.new", Subject: "[RPT-1] new report", Link: "https://evil.example/"})
	want := []struct {
		d      inbox.Delivery
		unread bool
	}{{inbox.Digest, true}, {inbox.None, true}, {inbox.None, false}, {inbox.Pending, true}, {inbox.Digest, true}}
	for i, wt := range want {
		if got[i].Delivery != wt.d || got[i].Unread() != wt.unread {
			t.Errorf("notice %d: %s unread %v, want %s unread %v", i, got[i].Delivery, got[i].Unread(), wt.d, wt.unread)
		}
	}
	if got[4].Link != "" || got[4].CaseID != 0 {
		t.Errorf("an outside link was kept: %+v", got[4])
	}
	if _, err := w.svc.Record(w.ctx, []inbox.Notice{{UserID: w.ada.UserID, Kind: "x"}}); err == nil {
		t.Error("a notice without a subject was recorded")
	}
}

// TestListAndRead: a user lists their own notices, newest first, a page at
// a time, unread ones alone if asked, and marks them read one by one or
// all at once; another user's notice does not exist, and a read-only
// token reads but does not mark.
func TestListAndRead(t *testing.T) {
	w := newWorld(t)
	var ids []int64
	for i := range 12 {
		n := w.record(w.notice(w.ada, w.caseA, "job:"+itoa(i)))
		ids = append(ids, n[0].ID)
	}
	bobs := w.record(w.notice(w.bob, w.caseA, "job:1"))
	page1, err := w.svc.List(w.ctx, w.ada, inbox.Filter{Page: store.Page{Limit: 5}})
	if err != nil || len(page1) != 5 || page1[0].ID != ids[11] || page1[4].ID != ids[7] {
		t.Fatalf("first page: %v %+v", err, page1)
	}
	page3, _ := w.svc.List(w.ctx, w.ada, inbox.Filter{Page: store.Page{Limit: 5, After: ids[2]}})
	if len(page3) != 2 || page3[0].ID != ids[1] {
		t.Fatalf("last page: %+v", page3)
	}
	if badge, _ := w.svc.Badge(w.ctx, w.ada); badge != "9+" {
		t.Fatalf("badge %q, want 9+", badge)
	}
	if _, err := w.svc.MarkRead(w.ctx, w.ada, bobs[0].ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Ada marked Bob's notice: %v", err)
	}
	if _, err := w.svc.Get(w.ctx, w.ada, bobs[0].ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Ada read Bob's notice: %v", err)
	}
	ro := w.ada
	ro.Scope = auth.ScopeRead
	if _, err := w.svc.MarkRead(w.ctx, ro, ids[0]); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a read-only token marked: %v", err)
	}
	if list, err := w.svc.List(w.ctx, ro, inbox.Filter{Unread: true}); err != nil || len(list) != 12 {
		t.Fatalf("a read-only token lists: %v %d", err, len(list))
	}
	n, err := w.svc.MarkRead(w.ctx, w.ada, ids[3])
	if err != nil || n.Unread() {
		t.Fatalf("mark read: %v %+v", err, n)
	}
	w.now = w.now.Add(time.Hour)
	if again, _ := w.svc.MarkRead(w.ctx, w.ada, ids[3]); !again.ReadAt.Equal(n.ReadAt) {
		t.Fatalf("marking again moved the time: %v then %v", n.ReadAt, again.ReadAt)
	}
	unread, _ := w.svc.List(w.ctx, w.ada, inbox.Filter{Unread: true})
	if len(unread) != 11 {
		t.Fatalf("%d unread, want 11", len(unread))
	}
	for _, u := range unread {
		if u.ID == ids[3] {
			t.Fatal("the read notice is listed as unread")
		}
	}
	if c, _ := w.svc.Unread(w.ctx, w.ada, 100); c != 11 {
		t.Fatalf("count %d", c)
	}
	if m, err := w.svc.MarkAllRead(w.ctx, w.ada); err != nil || m != 11 {
		t.Fatalf("mark all: %d %v", m, err)
	}
	if badge, _ := w.svc.Badge(w.ctx, w.ada); badge != "" {
		t.Fatalf("badge %q after reading all", badge)
	}
	if badge, _ := w.svc.Badge(w.ctx, w.bob); badge != "1" {
		t.Fatalf("Bob's badge %q: Ada's reading touched his", badge)
	}
	if _, err := w.svc.List(w.ctx, auth.Principal{}, inbox.Filter{}); !errs.Is(err, errs.Unauthenticated) {
		t.Fatalf("anonymous list: %v", err)
	}
	if w.count(`SELECT COUNT(*) FROM journal WHERE action LIKE 'notification.%'`) != 0 {
		t.Fatal("marking read was journaled")
	}
}

// TestSettingsAndMutes: changes are checked, journaled once each (a change
// of nothing writes nothing), guarded by the version read; mutes are
// listed and journaled, and unmuting what is not muted is not found.
func TestSettingsAndMutes(t *testing.T) {
	w := newWorld(t)
	st, err := w.svc.Settings(w.ctx, w.ada)
	if err != nil || st.Mail != inbox.Immediately || st.DigestHour != 7 || st.Version != 0 {
		t.Fatalf("defaults: %v %+v", err, st)
	}
	for _, c := range []struct {
		patch inbox.Patch
		field string
	}{
		{inbox.Patch{Mail: ptr(inbox.Mail("weekly"))}, "mail"},
		{inbox.Patch{DigestHour: ptr(24)}, "digest_hour"},
		{inbox.Patch{DigestHour: ptr(-1)}, "digest_hour"},
	} {
		if _, err := w.svc.SetSettings(w.ctx, w.ada, c.patch); errs.FieldOf(err) != c.field {
			t.Errorf("%+v: %v, want an error about %s", c.patch, err, c.field)
		}
	}
	journal := func() int { return w.count(`SELECT COUNT(*) FROM journal WHERE action LIKE 'notification.%'`) }
	if n := journal(); n != 0 {
		t.Fatalf("refused changes journaled %d entries", n)
	}
	st, err = w.svc.SetSettings(w.ctx, w.ada, inbox.Patch{Mail: ptr(inbox.Daily), DigestHour: ptr(18)})
	if err != nil || st.Mail != inbox.Daily || st.DigestHour != 18 || st.Version != 1 || !st.NextDigestAt.Equal(time.Date(2026, 5, 1, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("digest at 18: %v %+v", err, st)
	}
	if _, err := w.svc.SetSettings(w.ctx, w.ada, inbox.Patch{DigestHour: ptr(18)}); err != nil || journal() != 1 {
		t.Fatalf("a change of nothing: %v, %d entries", err, journal())
	}
	if _, err := w.svc.SetSettings(w.ctx, w.ada, inbox.Patch{DigestHour: ptr(6), Version: 7}); !errs.Is(err, errs.Conflict) {
		t.Fatalf("stale version: %v", err)
	}
	st, _ = w.svc.SetSettings(w.ctx, w.ada, inbox.Patch{DigestHour: ptr(6), Version: 1})
	if !st.NextDigestAt.Equal(time.Date(2026, 5, 2, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("digest at 6 after noon: next %v", st.NextDigestAt)
	}
	if other, _ := w.svc.Settings(w.ctx, w.bob); other.Mail != inbox.Immediately {
		t.Fatalf("Ada's change reached Bob: %+v", other)
	}

	if err := w.svc.Mute(w.ctx, w.ada, w.caseA, "PAR-2026-0001"); err != nil {
		t.Fatal(err)
	}
	if err := w.svc.Mute(w.ctx, w.ada, w.caseA, "PAR-2026-0001"); err != nil {
		t.Fatalf("muting twice: %v", err)
	}
	mutes, _ := w.svc.Mutes(w.ctx, w.ada)
	if muted, _ := w.svc.Muted(w.ctx, w.ada, w.caseA); !muted || len(mutes) != 1 || mutes[0].CaseKey != "PAR-2026-0001" {
		t.Fatalf("mutes: %+v", mutes)
	}
	if muted, _ := w.svc.Muted(w.ctx, w.bob, w.caseA); muted {
		t.Fatal("Ada's mute reached Bob")
	}
	if err := w.svc.Unmute(w.ctx, w.bob, "PAR-2026-0001"); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Bob unmuted Ada's mute: %v", err)
	}
	if err := w.svc.Unmute(w.ctx, w.ada, "PAR-2026-0001"); err != nil {
		t.Fatal(err)
	}
	if n := w.count(`SELECT COUNT(*) FROM journal WHERE action IN ('notification.case_muted', 'notification.case_unmuted')`); n != 2 {
		t.Fatalf("%d mute entries, want 2", n)
	}
	ro := w.ada
	ro.Scope = auth.ScopeRead
	if err := w.svc.Mute(w.ctx, ro, w.caseA, "PAR-2026-0001"); !errs.Is(err, errs.Forbidden) {
		t.Fatalf("a read-only token muted: %v", err)
	}
}

// TestKeys: a user's key must name their address; it is kept as their
// contact key (where every mail to the account looks) and removed by them
// alone.
func TestKeys(t *testing.T) {
	w := newWorld(t)
	mine, err := pgp.GenerateIdentity("Ada", "ada@example.org", w.now)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := pgp.GenerateIdentity("Eve", "eve@example.org", w.now)
	if _, err := w.svc.AddKey(w.ctx, w.ada, []byte(other.Key.Armored)); errs.FieldOf(err) != "key" {
		t.Fatalf("a key of another address: %v", err)
	}
	if _, err := w.svc.AddKey(w.ctx, w.ada, []byte("not a key")); errs.FieldOf(err) != "key" {
		t.Fatalf("garbage: %v", err)
	}
	ck, err := w.svc.AddKey(w.ctx, w.ada, []byte(mine.Key.Armored))
	if err != nil {
		t.Fatal(err)
	}
	keys, _ := w.svc.Keys(w.ctx, w.ada)
	if len(keys) != 1 || keys[0].Fingerprint != mine.Key.Fingerprint || keys[0].ID != ck.ID || !keys[0].Usable || len(keys[0].UserIDs) != 1 {
		t.Fatalf("keys: %+v", keys)
	}
	if err := w.svc.RemoveKey(w.ctx, w.bob, ck.ID); !errs.Is(err, errs.NotFound) {
		t.Fatalf("Bob removed Ada's key: %v", err)
	}
	if err := w.svc.RemoveKey(w.ctx, w.ada, ck.ID); err != nil {
		t.Fatal(err)
	}
	if keys, _ := w.svc.Keys(w.ctx, w.ada); len(keys) != 0 {
		t.Fatalf("keys after removal: %+v", keys)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
