package reports

import (
	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// Permission checks are pure functions of the principal and the report's
// reporter, table-tested in permission_test.go.

func notFound() error { return errs.E(errs.NotFound, "no such report") }

// staff reports whether p triages reports: coordinator staff and
// administrators.
func staff(p auth.Principal) bool { return !p.Anonymous() && (p.Staff || p.Admin) }

// CanSubmit: anyone may report, signed in or not, but not with a
// read-only token or before setting up a required second factor.
func CanSubmit(p auth.Principal) error {
	if p.Anonymous() {
		return nil
	}
	return auth.Writable(p)
}

// CanTriage: coordinator staff and administrators work the queue.
func CanTriage(p auth.Principal) error {
	if p.Anonymous() {
		return errs.E(errs.Unauthenticated, "sign in first")
	}
	if !staff(p) {
		return errs.E(errs.Forbidden, "only coordinator staff triage reports")
	}
	return nil
}

// CanTriageReport: coordinator staff and administrators see a report with
// its triage state; its own reporter is refused (they have the reporter's
// view); to anyone else the report does not exist.
func CanTriageReport(p auth.Principal, reporterUserID int64) error {
	if staff(p) {
		return nil
	}
	if err := CanView(p, reporterUserID); err != nil {
		return err
	}
	return errs.E(errs.Forbidden, "only coordinator staff triage reports")
}

// CanChange: coordinator staff and administrators change a report's triage
// state, with a credential that allows changes.
func CanChange(p auth.Principal, reporterUserID int64) error {
	if err := CanTriageReport(p, reporterUserID); err != nil {
		return err
	}
	return auth.Writable(p)
}

// CanView: staff and administrators see every report, a signed-in
// reporter their own; to anyone else (anonymous visitors included: they
// use the follow-up secret) the report does not exist.
func CanView(p auth.Principal, reporterUserID int64) error {
	if staff(p) || (!p.Anonymous() && reporterUserID != 0 && p.UserID == reporterUserID) {
		return nil
	}
	return notFound()
}

// CanSeeInternal: only staff and administrators see internal notes,
// assignment, priority, SSVC assessments and track records.
func CanSeeInternal(p auth.Principal) bool { return staff(p) }

// CanWriteAsReporter: the signed-in reporter adds to their own report.
func CanWriteAsReporter(p auth.Principal, reporterUserID int64) error {
	if p.Anonymous() || reporterUserID == 0 || p.UserID != reporterUserID {
		return notFound()
	}
	return auth.Writable(p)
}
