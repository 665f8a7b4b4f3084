package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/deadlines"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// The EU Cyber Resilience Act's reporting clocks for an actively exploited
// vulnerability: an early warning within 24 hours and a notification
// within 72 hours of the manufacturer becoming aware, a final report within
// 14 days of a fix being available (../shared/DOMAIN.md).
const (
	CRAEarlyWarning = 24 * time.Hour
	CRANotification = 72 * time.Hour
	CRAFinalReport  = 14 * 24 * time.Hour
)

// The CRA reports.
const (
	ReportEarlyWarning = "early_warning"
	ReportNotification = "notification"
	ReportFinal        = "final_report"
)

// CRA is a case's CRA clocks.
type CRA struct {
	Manufacturer     int64 // the vendor participant that reports
	ManufacturerName string
	AwareAt          time.Time
	FixAvailableAt   time.Time // zero until a fix is available
	Clocks           []CRAClock
	Version          int
}

// CRAClock is one report's deadline and whether it was made.
type CRAClock struct {
	Report    string    // early_warning, notification or final_report
	Name      string    // in words
	DueAt     time.Time // zero while it cannot start (no fix yet)
	MadeAt    time.Time // zero until made
	Reference string    // e.g. the ENISA platform's reference
}

// State says where a clock stands at now: waiting (for a fix), due,
// overdue, made or late (made after its deadline).
func (c CRAClock) State(now time.Time) string {
	switch {
	case !c.MadeAt.IsZero() && !c.DueAt.IsZero() && c.MadeAt.After(c.DueAt):
		return "late"
	case !c.MadeAt.IsZero():
		return "made"
	case c.DueAt.IsZero():
		return "waiting"
	case now.After(c.DueAt):
		return "overdue"
	}
	return "due"
}

func (c *CRA) clocks(made [3]sql.NullTime, refs [3]string) {
	due := [3]time.Time{c.AwareAt.Add(CRAEarlyWarning), c.AwareAt.Add(CRANotification), {}}
	if !c.FixAvailableAt.IsZero() {
		due[2] = c.FixAvailableAt.Add(CRAFinalReport)
	}
	names := [3]string{"Early warning (24 hours)", "Notification (72 hours)", "Final report (14 days after the fix)"}
	reports := [3]string{ReportEarlyWarning, ReportNotification, ReportFinal}
	c.Clocks = nil
	for i := range 3 {
		c.Clocks = append(c.Clocks, CRAClock{Report: reports[i], Name: names[i], DueAt: due[i], MadeAt: nullTime(made[i]), Reference: refs[i]})
	}
}

// CRAOf returns the case's CRA clocks; ok is false when the case is not
// marked.
func (s *Service) CRAOf(ctx context.Context, p auth.Principal, caseID int64) (CRA, bool, error) {
	q := s.db.Read()
	a, err := access(ctx, q, p, caseID)
	if err != nil {
		return CRA{}, false, err
	}
	if err := CanView(p, a); err != nil {
		return CRA{}, false, err
	}
	c, err := craOf(ctx, q, caseID)
	if errors.Is(err, sql.ErrNoRows) {
		return CRA{}, false, nil
	}
	return c, err == nil, err
}

func craOf(ctx context.Context, q store.Querier, caseID int64) (CRA, error) {
	var c CRA
	var fix sql.NullTime
	var made [3]sql.NullTime
	var refs [3]string
	err := q.QueryRowContext(ctx, `SELECT r.manufacturer_id, COALESCE(o.name, u.name, ''), r.aware_at, r.fix_available_at,
		r.early_warning_at, r.notification_at, r.final_report_at, r.early_warning_ref, r.notification_ref, r.final_report_ref, r.version
		FROM case_cra r JOIN case_participants p ON p.id = r.manufacturer_id
		LEFT JOIN organisations o ON o.id = p.org_id LEFT JOIN users u ON u.id = p.user_id WHERE r.case_id = $1`, caseID).
		Scan(&c.Manufacturer, &c.ManufacturerName, &c.AwareAt, &fix, &made[0], &made[1], &made[2], &refs[0], &refs[1], &refs[2], &c.Version)
	if err != nil {
		return c, err
	}
	c.AwareAt, c.FixAvailableAt = c.AwareAt.UTC(), nullTime(fix)
	c.clocks(made, refs)
	return c, nil
}

// CRAFields mark a case or move its clocks.
type CRAFields struct {
	Manufacturer   int64     // a vendor participant of the case
	AwareAt        time.Time // when the manufacturer became aware of the exploitation
	FixAvailableAt time.Time // zero: no fix yet
	Version        int       // the version read; 0 to mark the case
}

// CanSetCRA: those who manage the case, and the manufacturer's members for
// their own clocks.
func CanSetCRA(p auth.Principal, a Access, manufacturer int64) error {
	if err := canChange(p, a); err != nil {
		return err
	}
	if manages(p, a) || a.Acts(manufacturer) {
		return nil
	}
	return errs.E(errs.Forbidden, "only the coordinators and the manufacturer set the CRA clocks")
}

// SetCRA marks the case as an actively exploited vulnerability reported
// under the CRA (f.Version 0), or changes its awareness or fix time.
func (s *Service) SetCRA(ctx context.Context, p auth.Principal, caseID int64, f CRAFields) (CRA, error) {
	now := s.clock()
	if f.AwareAt.IsZero() || f.AwareAt.After(now.Add(time.Minute)) {
		return CRA{}, errs.Field("aware_at", "is required and cannot lie in the future: when the manufacturer became aware of the exploitation")
	}
	if !f.FixAvailableAt.IsZero() && f.FixAvailableAt.Before(f.AwareAt) {
		return CRA{}, errs.Field("fix_available_at", "cannot come before the manufacturer became aware")
	}
	var out CRA
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanSetCRA(p, a, f.Manufacturer); err != nil {
			return err
		}
		parts, err := ParticipantsIn(ctx, tx, caseID, f.Manufacturer)
		if err != nil {
			return err
		}
		m, ok := parts[f.Manufacturer]
		if !ok || !m.Roles.Has(RoleVendor) {
			return errs.Field("manufacturer", "must be a vendor participant of the case")
		}
		fix := sql.NullTime{Time: f.FixAvailableAt.UTC(), Valid: !f.FixAvailableAt.IsZero()}
		var res sql.Result
		if f.Version == 0 {
			res, err = tx.ExecContext(ctx, `INSERT INTO case_cra (case_id, manufacturer_id, aware_at, fix_available_at, marked_by, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $6) ON CONFLICT (case_id) DO NOTHING`, caseID, f.Manufacturer, f.AwareAt.UTC(), fix, nullID(p.UserID), now)
		} else {
			res, err = tx.ExecContext(ctx, `UPDATE case_cra SET manufacturer_id = $1, aware_at = $2, fix_available_at = $3, version = version + 1,
				updated_at = $4 WHERE case_id = $5 AND version = $6`, f.Manufacturer, f.AwareAt.UTC(), fix, now, caseID, f.Version)
		}
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return errs.E(errs.Conflict, "the CRA clocks changed meanwhile (or the case is marked already): reload and try again")
		}
		text := fmt.Sprintf("Marked as an actively exploited vulnerability under the EU CRA: %s became aware %s", m.Name, f.AwareAt.UTC().Format("2006-01-02 15:04 UTC"))
		if f.Version != 0 {
			text = fmt.Sprintf("CRA clocks changed: %s aware %s", m.Name, f.AwareAt.UTC().Format("2006-01-02 15:04 UTC"))
		}
		if fix.Valid {
			text += ", fix available " + fix.Time.Format("2006-01-02 15:04 UTC")
		}
		if err := record(ctx, tx, now, p.Actor(), "case.cra", caseID, entry{Participant: f.Manufacturer, Name: m.Name, Text: text}); err != nil {
			return err
		}
		if out, err = craOf(ctx, tx, caseID); err != nil {
			return err
		}
		return craDeadlines(ctx, tx, now, caseID, out)
	})
	return out, err
}

// RecordCRAReport records that report (early_warning, notification or
// final_report) was made at at, with the reference it got.
func (s *Service) RecordCRAReport(ctx context.Context, p auth.Principal, caseID int64, report string, at time.Time, ref string) (CRA, error) {
	column := map[string]string{ReportEarlyWarning: "early_warning", ReportNotification: "notification", ReportFinal: "final_report"}[report]
	if column == "" {
		return CRA{}, errs.Field("report", "must be early_warning, notification or final_report")
	}
	ref = strings.TrimSpace(ref)
	if len(ref) > 200 {
		return CRA{}, errs.Field("reference", "must be at most 200 characters long")
	}
	now := s.clock()
	if at.IsZero() {
		at = now
	}
	if at.After(now.Add(time.Minute)) {
		return CRA{}, errs.Field("at", "cannot lie in the future")
	}
	var out CRA
	err := s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		cur, err := craOf(ctx, tx, caseID)
		if errors.Is(err, sql.ErrNoRows) {
			return errs.E(errs.Conflict, "the case is not marked for the CRA")
		}
		if err != nil {
			return err
		}
		if err := CanSetCRA(p, a, cur.Manufacturer); err != nil {
			return err
		}
		if report == ReportFinal && cur.FixAvailableAt.IsZero() {
			return errs.E(errs.Conflict, "the final report follows a fix: record when the fix became available first")
		}
		if _, err := tx.ExecContext(ctx, `UPDATE case_cra SET `+column+`_at = $1, `+column+`_ref = $2, version = version + 1, updated_at = $3
			WHERE case_id = $4`, at.UTC(), ref, now, caseID); err != nil {
			return err
		}
		text := fmt.Sprintf("CRA %s made %s", strings.ReplaceAll(report, "_", " "), at.UTC().Format("2006-01-02 15:04 UTC"))
		if ref != "" {
			text += " (reference " + ref + ")"
		}
		if err := record(ctx, tx, now, p.Actor(), "case.cra_report", caseID, entry{Participant: cur.Manufacturer, Name: cur.ManufacturerName, Text: text}); err != nil {
			return err
		}
		if _, err := deadlines.Meet(ctx, tx, now, caseID, cur.Manufacturer, craKinds[report]); err != nil {
			return err
		}
		out, err = craOf(ctx, tx, caseID)
		return err
	})
	return out, err
}

var craKinds = map[string]deadlines.Kind{ReportEarlyWarning: deadlines.CRAEarlyWarning, ReportNotification: deadlines.CRANotification,
	ReportFinal: deadlines.CRAFinalReport}

// craDeadlines owes the manufacturer the reports not made yet whose clocks
// run (a moved clock moves its deadline).
func craDeadlines(ctx context.Context, tx *sql.Tx, now time.Time, caseID int64, c CRA) error {
	var list []deadlines.Deadline
	for _, cl := range c.Clocks {
		if cl.MadeAt.IsZero() && !cl.DueAt.IsZero() {
			list = append(list, deadlines.Deadline{CaseID: caseID, ParticipantID: c.Manufacturer, Kind: craKinds[cl.Report], DueAt: cl.DueAt, Zone: "UTC"})
		}
	}
	if len(list) == 0 {
		return nil
	}
	_, err := deadlines.SetMany(ctx, tx, now, list)
	return err
}
