package reports_test

import (
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"slices"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
	"github.com/parleycvd/parley/internal/store"
)

func TestFollowUpBySecret(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good())
	v, err := e.svc.ByFollowUp(e.ctx, rc.FollowUpSecret)
	if err != nil || v.TrackingID != rc.TrackingID || v.Details.Title != good().Title || v.Status != reports.StatusNew {
		t.Fatalf("view: %+v, %v", v, err)
	}
	if !strings.Contains(v.StatusText, "acknowledge it by 8 May 2026") {
		t.Errorf("status text: %q", v.StatusText)
	}
	for _, bad := range []string{"", "x", rc.FollowUpSecret + "x", strings.ToUpper(rc.FollowUpSecret)} {
		if _, err := e.svc.ByFollowUp(e.ctx, bad); !errs.Is(err, errs.NotFound) {
			t.Errorf("secret %q: %v", bad, err)
		}
		if _, err := e.svc.AddReporterMessage(e.ctx, reports.BySecret(bad), "hi"); !errs.Is(err, errs.NotFound) {
			t.Errorf("message with secret %q: %v", bad, err)
		}
	}
	// The hash is stored, not the secret.
	var n int
	_ = e.db.Read().QueryRowContext(e.ctx, `SELECT COUNT(*) FROM reports WHERE followup_hash = $1`, rc.FollowUpSecret).Scan(&n)
	if n != 0 {
		t.Fatal("the secret is stored in the clear")
	}
	m, err := e.svc.AddReporterMessage(e.ctx, reports.BySecret(rc.FollowUpSecret), "More: it also affects the **X300**.")
	if err != nil || m.Author != reports.AuthorReporter || m.AuthorUserID != 0 || !strings.Contains(string(m.HTML()), "<strong>X300</strong>") {
		t.Fatalf("message: %+v, %v", m, err)
	}
	if _, err := e.svc.AddReporterMessage(e.ctx, reports.BySecret(rc.FollowUpSecret), " \n "); errs.FieldOf(err) != "body" {
		t.Errorf("empty message: %v", err)
	}
	if got := e.jobKinds(); got[len(got)-1] != reports.JobReporterMessage {
		t.Errorf("jobs: %v", got)
	}
}

// A secret starts with its tracking ID, which orders the stored keys; the
// tracking ID alone, or the random part under another tracking ID, opens
// nothing, and secrets of reports taken in before (a bare hash stored)
// still open their report.
func TestFollowUpSecretFormats(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good())
	other := e.submit(auth.Principal{}, good())
	random, ok := strings.CutPrefix(rc.FollowUpSecret, rc.TrackingID+".")
	if !ok || len(random) < 43 {
		t.Fatalf("secret %q for %s", rc.FollowUpSecret, rc.TrackingID)
	}
	for _, bad := range []string{rc.TrackingID, rc.TrackingID + ".", random, other.TrackingID + "." + random, "." + random} {
		if _, err := e.svc.ByFollowUp(e.ctx, bad); !errs.Is(err, errs.NotFound) {
			t.Errorf("secret %q: %v", bad, err)
		}
	}
	var key string
	if err := e.db.Read().QueryRowContext(e.ctx, `SELECT followup_hash FROM reports WHERE id = $1`, rc.ReportID).Scan(&key); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(key, rc.TrackingID+":") || strings.Contains(key, random) {
		t.Errorf("stored key %q", key)
	}
	const legacy = "Zm9sbG93LXVwIHNlY3JldCBmcm9tIGJlZm9yZSB0aGUgY2hhbmdl" // no tracking ID, no dot
	sum := sha256.Sum256([]byte(legacy))
	if err := e.db.Tx(e.ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(e.ctx, `UPDATE reports SET followup_hash = $1 WHERE id = $2`, hex.EncodeToString(sum[:]), other.ReportID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if v, err := e.svc.ByFollowUp(e.ctx, legacy); err != nil || v.TrackingID != other.TrackingID {
		t.Errorf("legacy secret: %+v, %v", v.TrackingID, err)
	}
}

func TestReporterNeverSeesInternalNotes(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(e.reporter, good())
	id := rc.ReportID
	if _, err := e.svc.Reply(e.ctx, e.staff, id, "Looks like a dupe of the X100 bug, check with Acme.", reports.KindNote); err != nil {
		t.Fatal(err)
	}
	if r := e.get(id); !r.AcknowledgedAt.IsZero() || r.Status != reports.StatusNew {
		t.Error("an internal note acknowledged the report")
	}
	if _, err := e.svc.Reply(e.ctx, e.staff, id, "Thanks, we are on it.", reports.KindReply); err != nil {
		t.Fatal(err)
	}
	if r := e.get(id); r.AcknowledgedAt.IsZero() || r.Status != reports.StatusOpen {
		t.Error("a reply did not acknowledge the report")
	}
	if _, err := e.svc.Reply(e.ctx, e.staff, id, "x", reports.KindQuestion); errs.FieldOf(err) != "kind" {
		t.Errorf("reply of kind question: %v", err)
	}
	if _, err := e.svc.Reply(e.ctx, e.reporter, id, "x", reports.KindNote); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter writes a note: %v", err)
	}
	kinds := func(ms []reports.Message) []reports.MessageKind {
		var out []reports.MessageKind
		for _, m := range ms {
			out = append(out, m.Kind)
		}
		return out
	}
	staffView, _ := e.svc.Messages(e.ctx, e.staff, id)
	if got := kinds(staffView); !slices.Equal(got, []reports.MessageKind{reports.KindNote, reports.KindReply}) || !staffView[0].Internal {
		t.Errorf("staff see %v", got)
	}
	own, _ := e.svc.Messages(e.ctx, e.reporter, id)
	bySecret, _ := e.svc.ByFollowUp(e.ctx, rc.FollowUpSecret)
	byAccount, _ := e.svc.View(e.ctx, reports.ByAccount(e.reporter, id))
	for name, ms := range map[string][]reports.Message{"messages": own, "secret": bySecret.Messages, "account": byAccount.Messages} {
		if got := kinds(ms); !slices.Equal(got, []reports.MessageKind{reports.KindReply}) {
			t.Errorf("reporter (%s) sees %v", name, got)
		}
	}
	if _, err := e.svc.Messages(e.ctx, e.other, id); !errs.Is(err, errs.NotFound) {
		t.Errorf("someone else reads messages: %v", err)
	}
	// The reply was announced; the note was not.
	if got := e.jobKinds(); slices.Compare(got, []string{reports.JobReceipt, reports.JobNew, reports.JobNotice}) != 0 {
		t.Errorf("jobs: %v", got)
	}
}

func TestReporterWithAccount(t *testing.T) {
	e := setup(t, policy())
	first := e.submit(e.reporter, good())
	second := e.submit(e.reporter, good())
	e.submit(e.other, good())
	anon := e.submit(auth.Principal{}, good())
	list, err := e.svc.Mine(e.ctx, e.reporter, store.Page{})
	if err != nil || len(list) != 2 || list[0].ID != second.ReportID || list[1].ID != first.ReportID {
		t.Fatalf("mine: %+v, %v", list, err)
	}
	if list, _ := e.svc.Mine(e.ctx, e.reporter, store.Page{After: second.ReportID, Limit: 1}); len(list) != 1 || list[0].ID != first.ReportID {
		t.Errorf("second page: %+v", list)
	}
	if _, err := e.svc.Mine(e.ctx, auth.Principal{}, store.Page{}); !errs.Is(err, errs.Unauthenticated) {
		t.Errorf("anonymous: %v", err)
	}
	if _, err := e.svc.AddReporterMessage(e.ctx, reports.ByAccount(e.reporter, first.ReportID), "update"); err != nil {
		t.Errorf("own report: %v", err)
	}
	for name, who := range map[string]reports.Reporter{
		"someone else's report":     reports.ByAccount(e.other, first.ReportID),
		"an anonymous report":       reports.ByAccount(e.reporter, anon.ReportID),
		"staff writing as reporter": reports.ByAccount(e.staff, first.ReportID),
	} {
		if _, err := e.svc.AddReporterMessage(e.ctx, who, "x"); !errs.Is(err, errs.NotFound) {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := e.svc.View(e.ctx, reports.ByAccount(e.other, first.ReportID)); !errs.Is(err, errs.NotFound) {
		t.Errorf("someone else views: %v", err)
	}
	if _, err := e.svc.Get(e.ctx, e.reporter, first.ReportID); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter reads the triage view: %v", err)
	}
	if _, err := e.svc.Get(e.ctx, e.other, first.ReportID); !errs.Is(err, errs.NotFound) {
		t.Errorf("someone else reads the triage view: %v", err)
	}
}

func TestClosedReportTakesLateAnswersOnly(t *testing.T) {
	e := setup(t, policy())
	rc := e.submit(auth.Principal{}, good())
	e.drive(rc.ReportID, "invalidate", "close")
	if _, err := e.svc.AddReporterMessage(e.ctx, reports.BySecret(rc.FollowUpSecret), "But wait!"); err != nil {
		t.Errorf("answer soon after closing: %v", err)
	}
	e.now = e.now.AddDate(0, 2, 0)
	if _, err := e.svc.AddReporterMessage(e.ctx, reports.BySecret(rc.FollowUpSecret), "Hello?"); !errs.Is(err, errs.Conflict) {
		t.Errorf("message months after closing: %v", err)
	}
}
