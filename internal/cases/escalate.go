package cases

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/journal"
)

// JobEscalate is the periodic job that moves silent vendors along the
// case's schedule (Escalate).
const JobEscalate = "case.escalate"

// JobVendorReminder is the kind of the job that carries out one step for
// one vendor: the reminder, the mail to its alternate contacts, or (one
// job per coordinator participant) the news that it was flagged.
const JobVendorReminder = "case.vendor_reminder"

// VendorReminder is the payload of JobVendorReminder.
type VendorReminder struct {
	CaseID    int64
	Vendor    int64 // the silent vendor
	Recipient int64 // the participant written to: the vendor, or a coordinator for a flag
	Step      Escalation
}

// EscalateJob is the handler of JobEscalate.
func (s *Service) EscalateJob(ctx context.Context, _ jobs.Job) error {
	_, err := s.Escalate(ctx, s.clock())
	return err
}

// escalating is one contacted vendor the job considers.
type escalating struct {
	caseID, id int64
	v          Vendor
	schedule   Schedule
}

// Escalate takes the step due for each contacted vendor at now, each in
// its own transaction (which re-reads the vendor under the case's lock, so
// two runs never take one step twice). It returns how many steps it took.
func (s *Service) Escalate(ctx context.Context, now time.Time) (int, error) {
	now = now.UTC().Truncate(time.Microsecond)
	list, err := s.contacted(ctx, s.db.Read(), 0, 0)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, e := range list {
		if e.schedule.Next(e.v, now) == EscalateNone {
			continue
		}
		took, err := s.escalate(ctx, now, e.caseID, e.id)
		if err != nil {
			return n, fmt.Errorf("case %d participant %d: %w", e.caseID, e.id, err)
		}
		if took {
			n++
		}
	}
	return n, nil
}

// contacted reads the contacted, unflagged vendors that have not closed
// their report: all of them, or with caseID and id one.
func (s *Service) contacted(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, caseID, id int64) ([]escalating, error) {
	query := `SELECT p.case_id, p.id, p.escalation_stage, p.contact_attempts, p.first_contact_at, p.last_response_at,
		c.remind_after_days, c.alternate_after_days, c.flag_after_days, c.em_state, c.embargo_ends_at
		FROM case_participants p JOIN cases c ON c.id = p.case_id
		WHERE p.first_contact_at IS NOT NULL AND p.unresponsive_at IS NULL AND p.rm_state <> 'C'
		AND (',' || p.roles || ',') LIKE '%,vendor,%'`
	var args []any
	if id != 0 {
		query += ` AND p.case_id = $1 AND p.id = $2`
		args = []any{caseID, id}
	}
	rows, err := q.QueryContext(ctx, query+` ORDER BY p.case_id, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []escalating
	for rows.Next() {
		var e escalating
		var last, ends sql.NullTime
		var remind, alternate, flag int
		var em string
		if err := rows.Scan(&e.caseID, &e.id, &e.v.Stage, &e.v.Attempts, &e.v.FirstContact, &last, &remind, &alternate, &flag, &em, &ends); err != nil {
			return nil, err
		}
		e.v.FirstContact, e.v.LastResponse = e.v.FirstContact.UTC(), nullTime(last)
		if em == "A" || em == "R" {
			e.v.Agreed = nullTime(ends)
		}
		e.schedule = Schedule{RemindAfter: time.Duration(remind) * day, AlternateAfter: time.Duration(alternate) * day, FlagAfter: time.Duration(flag) * day}
		out = append(out, e)
	}
	return out, rows.Err()
}

// escalate takes the step due for one vendor in one transaction.
func (s *Service) escalate(ctx context.Context, now time.Time, caseID, id int64) (bool, error) {
	took := false
	err := s.db.Tx(ctx, func(tx *sql.Tx) error {
		took = false
		if _, err := s.lockCase(ctx, tx, caseID); err != nil {
			return err
		}
		list, err := s.contacted(ctx, tx, caseID, id)
		if err != nil || len(list) == 0 {
			return err
		}
		e := list[0]
		step := e.schedule.Next(e.v, now)
		if step == EscalateNone {
			return nil
		}
		pt, err := getParticipant(ctx, tx, caseID, id)
		if err != nil {
			return err
		}
		if err := takeStep(ctx, tx, now, caseID, pt, step); err != nil {
			return err
		}
		took = true
		return nil
	})
	return took, err
}

var stepWords = map[Escalation]string{
	EscalateRemind:     "%s has not answered: the notice was sent again",
	EscalateAlternates: "%s has still not answered: its other contacts were written to",
	EscalateFlag:       "%s is unresponsive: repeated attempts and two weeks of silence, and the agreed date has passed or six weeks have",
}

// takeStep records step for vendor pt and queues its mail.
func takeStep(ctx context.Context, tx *sql.Tx, now time.Time, caseID int64, pt Participant, step Escalation) error {
	flag := sql.NullTime{Time: now, Valid: step == EscalateFlag}
	if _, err := tx.ExecContext(ctx, `UPDATE case_participants SET escalation_stage = $1, unresponsive_at = $2, version = version + 1, updated_at = $3
		WHERE case_id = $4 AND id = $5`, int(step), flag, now, caseID, pt.ID); err != nil {
		return err
	}
	action := "case.reminder"
	if step == EscalateFlag {
		action = "case.unresponsive"
	}
	if err := record(ctx, tx, now, journal.System, action, caseID, entry{Participant: pt.ID, Name: pt.Name, Text: fmt.Sprintf(stepWords[step], pt.Name)}); err != nil {
		return err
	}
	recipients := []int64{pt.ID}
	if step == EscalateFlag {
		roles, err := coordinatorRoles(ctx, tx, caseID)
		if err != nil {
			return err
		}
		recipients = recipients[:0]
		for id := range roles {
			recipients = append(recipients, id)
		}
		slices.Sort(recipients)
	}
	items := make([]jobs.Item, len(recipients))
	for i, to := range recipients {
		items[i] = jobs.Item{Payload: VendorReminder{CaseID: caseID, Vendor: pt.ID, Recipient: to, Step: step},
			Options: jobs.Options{DedupeKey: fmt.Sprintf("%s:%d:%d:%d:%d", JobVendorReminder, caseID, pt.ID, step, to)}}
	}
	return jobs.EnqueueAll(ctx, tx, now, JobVendorReminder, items)
}

// SetSchedule sets the case's reminder schedule for silent vendors.
func (s *Service) SetSchedule(ctx context.Context, p auth.Principal, caseID int64, sc Schedule) error {
	if err := sc.check(); err != nil {
		return err
	}
	return s.change(ctx, p, caseID, func(tx *sql.Tx, a Access, now time.Time) error {
		if err := CanManage(p, a); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE cases SET remind_after_days = $1, alternate_after_days = $2, flag_after_days = $3,
			version = version + 1, updated_at = $4 WHERE id = $5`, int(sc.RemindAfter/day), int(sc.AlternateAfter/day), int(sc.FlagAfter/day), now, caseID); err != nil {
			return err
		}
		text := fmt.Sprintf("Silent vendors are reminded after %d days, their other contacts written to after %d, and they are flagged from %d",
			sc.RemindAfter/day, sc.AlternateAfter/day, sc.FlagAfter/day)
		return record(ctx, tx, now, p.Actor(), "case.schedule", caseID, entry{Text: text})
	})
}

// ScheduleOf returns the case's reminder schedule.
func (s *Service) ScheduleOf(ctx context.Context, p auth.Principal, caseID int64) (Schedule, error) {
	if _, err := s.Access(ctx, p, caseID); err != nil {
		return Schedule{}, err
	}
	var remind, alternate, flag int
	err := s.db.Read().QueryRowContext(ctx, `SELECT remind_after_days, alternate_after_days, flag_after_days FROM cases WHERE id = $1`, caseID).
		Scan(&remind, &alternate, &flag)
	return Schedule{RemindAfter: time.Duration(remind) * day, AlternateAfter: time.Duration(alternate) * day, FlagAfter: time.Duration(flag) * day}, err
}

// AlternateAddresses are the vendor's other contacts: its organisation's
// active members not among the addresses its notice went to.
func (s *Service) AlternateAddresses(ctx context.Context, caseID, participantID int64) ([]string, error) {
	t, err := s.NoticeTarget(ctx, caseID, participantID)
	if err != nil || t.OrgID == 0 {
		return nil, err
	}
	rows, err := s.db.Read().QueryContext(ctx, `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = $1 AND NOT u.disabled ORDER BY m.role, u.id`, t.OrgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			return nil, err
		}
		if !slices.Contains(t.Addresses, e) {
			out = append(out, e)
		}
	}
	return out, rows.Err()
}
