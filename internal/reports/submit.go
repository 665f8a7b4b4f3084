package reports

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/jobs"
	"github.com/parleycvd/parley/internal/protocol"
)

// Submit takes a report in: it validates every field, applies the
// program's gates and quota, and stores the report with its attachments,
// its journal entry ("report.submitted") and its jobs (report.receipt when
// there is someone to send it to, report.new for coordinator staff), all
// in one transaction. p may be anonymous. The coordinator's RM state
// starts Received.
func (s *Service) Submit(ctx context.Context, p auth.Principal, sub Submission) (Receipt, error) {
	if err := CanSubmit(p); err != nil {
		return Receipt{}, err
	}
	now := s.clock()
	sub, disclosureAt, err := validate(sub, now)
	if err != nil {
		return Receipt{}, err
	}
	if err := s.gates(sub.Details); err != nil {
		return Receipt{}, err
	}
	if sub.Attachments, err = checkAttachments(sub.Attachments, s.pol); err != nil {
		return Receipt{}, err
	}
	rm, err := protocol.RMStart.Step(protocol.RMReceive)
	if err != nil {
		return Receipt{}, err
	}
	r := row{Report: Report{Details: sub.Details, DisclosureAt: disclosureAt, Channel: sub.Channel, ReporterUserID: p.UserID,
		Status: StatusNew, RM: rm, Priority: PriorityNone, ReceivedAt: now, UpdatedAt: now, Version: 1},
		reporterKey: reporterKey(p, sub.Contact.Email)}
	if err := s.track.prepare(ctx, now); err != nil {
		return Receipt{}, err
	}
	random, secret := newSecret(), ""
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if err := s.quota(ctx, tx, r, now); err != nil {
			return err
		}
		if r.TrackingID, err = s.track.next(ctx, tx, now); err != nil {
			return err
		}
		secret = followUpSecret(r.TrackingID, random)
		if r.ID, err = insertReport(ctx, tx, r, followUpKey(secret)); err != nil {
			return err
		}
		for _, a := range sub.Attachments {
			if _, err := addAttachment(ctx, tx, now, r.ID, a); err != nil {
				return err
			}
		}
		return s.announceNew(ctx, tx, p, r, len(sub.Attachments))
	})
	if err != nil {
		return Receipt{}, err
	}
	return Receipt{ReportID: r.ID, TrackingID: r.TrackingID, FollowUpSecret: secret, Completeness: Completeness(sub)}, nil
}

// announceNew queues a new report's receipt and staff notification and
// journals it. The journal entry comes last: on PostgreSQL it locks the
// journal's head until the commit, and every writer waits for that lock.
func (s *Service) announceNew(ctx context.Context, tx *sql.Tx, p auth.Principal, r row, attachments int) error {
	// One statement for both jobs: this runs for every report taken in.
	var items []jobs.Item
	if r.Contact.Email != "" || r.ReporterUserID != 0 {
		items = append(items, jobs.Item{Kind: JobReceipt, Payload: noticeOf(r.Report, 0, "")})
	}
	items = append(items, jobs.Item{Payload: eventOf(r.Report, 0)})
	if err := jobs.EnqueueAll(ctx, tx, r.ReceivedAt, JobNew, items); err != nil {
		return err
	}
	return record(ctx, tx, r.ReceivedAt, p.Actor(), "report.submitted", r.ID, map[string]any{
		"tracking_id": r.TrackingID, "channel": r.Channel, "rm": "S->R " + protocol.RS.String(), "attachments": attachments,
		"actively_exploited": r.ActivelyExploited, "critical": r.Critical})
}

// gates applies the program's requirements.
func (s *Service) gates(d Details) error {
	if s.pol.RequirePoC && d.ProofOfConcept == "" {
		return errs.Field("proof_of_concept", "is required by this program: give the steps, request or code that shows the problem")
	}
	if s.pol.RequireVersion && !anyVersion(d.Products) {
		field := "products"
		if len(d.Products) > 0 {
			field = "products[0].versions"
		}
		return errs.Field(field, "is required by this program: name at least one affected product version")
	}
	return nil
}

// reporterKey tells reporters apart for quotas and track records: by
// account, else by contact address.
func reporterKey(p auth.Principal, email string) string {
	switch {
	case !p.Anonymous():
		return "u:" + strconv.FormatInt(p.UserID, 10)
	case email != "":
		return "e:" + email
	}
	return ""
}

// quota refuses a report from a reporter without a track record who sent
// the policy's Quota reports within its window already. Reports marked
// actively exploited or critical always pass.
func (s *Service) quota(ctx context.Context, tx *sql.Tx, r row, now time.Time) error {
	if s.pol.Quota <= 0 || r.reporterKey == "" || r.ActivelyExploited || r.Critical {
		return nil
	}
	// Both reads stop early (a prolific reporter has thousands of reports):
	// the track record at the first valid one, the recent count at the
	// quota. The track record comes first: most reports come from
	// reporters who have one, and then one read is enough.
	var valid bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM reports WHERE reporter_key = $1 AND outcome = 'valid')`, r.reporterKey).Scan(&valid)
	if err != nil || valid {
		return err
	}
	var recent int
	err = tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM reports WHERE reporter_key = $1 AND received_at > $2 LIMIT $3) r`,
		r.reporterKey, now.Add(-s.pol.QuotaWindow), s.pol.Quota).Scan(&recent)
	if err != nil {
		return err
	}
	if recent >= s.pol.Quota {
		return errs.E(errs.TooMany, "you have sent %d reports in the last %s, the most we take from a reporter before one "+
			"of their reports has been confirmed. Please wait, or mark the report as actively exploited or critical if it is.",
			recent, windowText(s.pol.QuotaWindow))
	}
	return nil
}

func windowText(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		if d == 24*time.Hour {
			return "24 hours"
		}
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
