package reports_test

import (
	"testing"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

func TestPermissions(t *testing.T) {
	const reporterID = 7
	var (
		anon     = auth.Principal{}
		staff    = auth.Principal{UserID: 1, Staff: true}
		admin    = auth.Principal{UserID: 2, Admin: true}
		reporter = auth.Principal{UserID: reporterID}
		other    = auth.Principal{UserID: 8, Orgs: map[int64]auth.OrgRole{3: auth.OrgAdmin}}
		readOnly = auth.Principal{UserID: 1, Staff: true, Scope: auth.ScopeRead}
		noTOTP   = auth.Principal{UserID: 1, Staff: true, NeedsTOTP: true}
		roOwner  = auth.Principal{UserID: reporterID, Scope: auth.ScopeRead}
	)
	type check func(auth.Principal, int64) error
	wrap := func(f func(auth.Principal) error) check { return func(p auth.Principal, _ int64) error { return f(p) } }
	ok := errs.Kind("")
	cases := []struct {
		name     string
		check    check
		p        auth.Principal
		reporter int64
		want     errs.Kind
	}{
		{"anonymous submits", wrap(reports.CanSubmit), anon, 0, ok},
		{"user submits", wrap(reports.CanSubmit), other, 0, ok},
		{"read-only token cannot submit", wrap(reports.CanSubmit), readOnly, 0, errs.Forbidden},
		{"staff triage", wrap(reports.CanTriage), staff, 0, ok},
		{"admins triage", wrap(reports.CanTriage), admin, 0, ok},
		{"reporters do not triage", wrap(reports.CanTriage), reporter, 0, errs.Forbidden},
		{"anonymous do not triage", wrap(reports.CanTriage), anon, 0, errs.Unauthenticated},
		{"staff view any report", reports.CanView, staff, reporterID, ok},
		{"admins view any report", reports.CanView, admin, 0, ok},
		{"reporter views own", reports.CanView, reporter, reporterID, ok},
		{"reporter's read-only token views own", reports.CanView, roOwner, reporterID, ok},
		{"others see nothing", reports.CanView, other, reporterID, errs.NotFound},
		{"anonymous report is nobody's", reports.CanView, reporter, 0, errs.NotFound},
		{"anonymous visitors need the secret", reports.CanView, anon, 0, errs.NotFound},
		{"staff read triage state", reports.CanTriageReport, staff, reporterID, ok},
		{"staff with a read-only token read triage state", reports.CanTriageReport, readOnly, reporterID, ok},
		{"reporter does not see triage state", reports.CanTriageReport, reporter, reporterID, errs.Forbidden},
		{"others do not learn it exists", reports.CanTriageReport, other, reporterID, errs.NotFound},
		{"staff change", reports.CanChange, staff, reporterID, ok},
		{"admin change", reports.CanChange, admin, reporterID, ok},
		{"read-only token cannot change", reports.CanChange, readOnly, reporterID, errs.Forbidden},
		{"staff without second factor cannot change", reports.CanChange, noTOTP, reporterID, errs.Forbidden},
		{"reporter cannot change own", reports.CanChange, reporter, reporterID, errs.Forbidden},
		{"others cannot change", reports.CanChange, other, reporterID, errs.NotFound},
		{"anonymous cannot change", reports.CanChange, anon, 0, errs.NotFound},
		{"reporter writes to own", reports.CanWriteAsReporter, reporter, reporterID, ok},
		{"reporter's read-only token cannot write", reports.CanWriteAsReporter, roOwner, reporterID, errs.Forbidden},
		{"staff do not write as reporter", reports.CanWriteAsReporter, staff, reporterID, errs.NotFound},
		{"others cannot write", reports.CanWriteAsReporter, other, reporterID, errs.NotFound},
		{"nobody writes to an anonymous report by account", reports.CanWriteAsReporter, reporter, 0, errs.NotFound},
	}
	for _, c := range cases {
		err := c.check(c.p, c.reporter)
		if (c.want == ok) != (err == nil) || (err != nil && errs.KindOf(err) != c.want) {
			t.Errorf("%s: got %v, want %q", c.name, err, c.want)
		}
	}
	if reports.CanSeeInternal(reporter) || reports.CanSeeInternal(anon) || !reports.CanSeeInternal(staff) || !reports.CanSeeInternal(admin) {
		t.Error("CanSeeInternal")
	}
}
