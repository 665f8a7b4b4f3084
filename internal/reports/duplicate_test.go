package reports_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/reports"
)

func TestSuggestDuplicates(t *testing.T) {
	e := setup(t, policy())
	orig := e.submit(auth.Principal{}, withText("Stack overflow in login.cgi of the X200 router",
		"A long username overflows a stack buffer in login.cgi, giving remote code execution.", "Router X200", "Acme Networks"))
	sameText := e.submit(auth.Principal{}, withText("Buffer overflow via username in login.cgi",
		"Sending a long username to login.cgi overflows a stack buffer.", "X-200", "ACME"))
	sameVendor := e.submit(auth.Principal{}, withText("Weak TLS ciphers", "The management UI offers RC4.", "Switch S10", "acme  networks"))
	e.submit(auth.Principal{}, withText("XSS in the blog comments", "Comments are not escaped.", "Blog", "Bloggers Ltd"))
	e.submit(auth.Principal{}, withText("Default credentials", "admin/admin", "Camera C1", "Other Vendor"))
	got, err := e.svc.SuggestDuplicates(e.ctx, e.staff, orig.ReportID)
	if err != nil {
		t.Fatal(err)
	}
	var found []int64
	for _, c := range got {
		found = append(found, c.ID)
		if len(c.Reasons) == 0 || c.Score <= 0 {
			t.Errorf("candidate without reasons: %+v", c)
		}
	}
	if !slices.Equal(found, []int64{sameText.ReportID, sameVendor.ReportID}) {
		t.Fatalf("candidates %v (%+v)", found, got)
	}
	if !strings.HasPrefix(got[1].Reasons[0], "same vendor") {
		t.Errorf("reasons: %v", got[1].Reasons)
	}
	if _, err := e.svc.SuggestDuplicates(e.ctx, e.reporter, orig.ReportID); !errs.Is(err, errs.Forbidden) {
		t.Errorf("reporter: %v", err)
	}
	// Once linked, a duplicate is no longer suggested.
	r := e.get(sameText.ReportID)
	if _, err := e.svc.MarkDuplicate(e.ctx, e.staff, r.ID, r.Version, orig.ReportID); err != nil {
		t.Fatal(err)
	}
	got, _ = e.svc.SuggestDuplicates(e.ctx, e.staff, orig.ReportID)
	if len(got) != 1 || got[0].ID != sameVendor.ReportID {
		t.Errorf("after linking: %+v", got)
	}
}

func TestMarkDuplicate(t *testing.T) {
	e := setup(t, policy())
	orig := e.get(e.submit(auth.Principal{}, good()).ReportID)
	later := e.submit(auth.Principal{}, good())
	dup := e.get(later.ReportID)
	r, err := e.svc.MarkDuplicate(e.ctx, e.staff, dup.ID, dup.Version, orig.ID)
	if err != nil {
		t.Fatal(err)
	}
	if r.RM != protocol.RMDeferred || r.Outcome != reports.OutcomeDuplicate || r.DuplicateOf != orig.ID || r.Resolution != reports.ReasonDuplicate {
		t.Fatalf("duplicate: rm %v outcome %s of %d", r.RM, r.Outcome, r.DuplicateOf)
	}
	acts := e.actions()
	if !slices.Contains(acts, "report.marked_duplicate") || !slices.Contains(acts, "report.duplicate_linked") {
		t.Errorf("journal: %v", acts)
	}
	v, _ := e.svc.ByFollowUp(e.ctx, later.FollowUpSecret)
	if !v.Duplicate || !strings.Contains(v.StatusText, "earlier report") || strings.Contains(v.Messages[0].Body, orig.TrackingID) {
		t.Errorf("reporter's view: %q / %q", v.StatusText, v.Messages[0].Body)
	}
	// Invalid reports are validated first: a duplicate is never invalid.
	inv := e.drive(e.submit(auth.Principal{}, good()).ReportID, "invalidate")
	if inv, err = e.svc.MarkDuplicate(e.ctx, e.staff, inv.ID, inv.Version, orig.ID); err != nil || inv.RM != protocol.RMDeferred || inv.Outcome != reports.OutcomeDuplicate {
		t.Errorf("invalid report as duplicate: %v %s %v", inv.RM, inv.Outcome, err)
	}
	// A duplicate of a duplicate links to the first original; a duplicate's
	// own duplicates follow it.
	third := e.get(e.submit(auth.Principal{}, good()).ReportID)
	if third, err = e.svc.MarkDuplicate(e.ctx, e.staff, third.ID, third.Version, dup.ID); err != nil || third.DuplicateOf != orig.ID {
		t.Errorf("duplicate of a duplicate: of %d, %v", third.DuplicateOf, err)
	}
	a := e.get(e.submit(auth.Principal{}, good()).ReportID)
	b := e.get(e.submit(auth.Principal{}, good()).ReportID)
	if _, err := e.svc.MarkDuplicate(e.ctx, e.staff, b.ID, b.Version, a.ID); err != nil {
		t.Fatal(err)
	}
	a = e.get(a.ID)
	if _, err := e.svc.MarkDuplicate(e.ctx, e.staff, a.ID, a.Version, orig.ID); err != nil {
		t.Fatal(err)
	}
	if got := e.get(b.ID).DuplicateOf; got != orig.ID {
		t.Errorf("moved duplicate points at %d", got)
	}
	// Refusals.
	a = e.get(a.ID)
	closed := e.drive(e.submit(auth.Principal{}, good()).ReportID, "invalidate", "close")
	origNow := e.get(orig.ID)
	for name, c := range map[string]struct {
		dup, version int
		orig         int64
		kind         errs.Kind
	}{
		"itself":              {int(orig.ID), origNow.Version, orig.ID, errs.Invalid},
		"missing original":    {int(orig.ID), origNow.Version, 9999, errs.Invalid},
		"original is its dup": {int(orig.ID), origNow.Version, a.ID, errs.Conflict},
		"closed":              {int(closed.ID), closed.Version, orig.ID, errs.Conflict},
		"stale":               {int(a.ID), a.Version - 1, orig.ID, errs.Conflict},
		"without version":     {int(a.ID), 0, orig.ID, errs.Invalid},
	} {
		if _, err := e.svc.MarkDuplicate(e.ctx, e.staff, int64(c.dup), c.version, c.orig); !errs.Is(err, c.kind) {
			t.Errorf("%s: %v, want %s", name, err, c.kind)
		}
	}
}
