package reports

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

const reportColumns = `id, tracking_id, channel, reporter_user_id, reporter_key, title, description, proof_of_concept,
	impact, how_found, found_on, already_reported_to, public_details, publicly_known, exploit_public, actively_exploited,
	critical, disclosure_date, disclosure_zone, disclosure_at, disclosure_notes, contact_name, contact_org, contact_email,
	pgp_key, share_contact, credit, credit_name, tracking_ids, ai_use, ai_details, status, rm_state, outcome, resolution,
	priority, assignee_id, duplicate_of, ssvc_outcome, ssvc_selections, assessed_at, received_at, acknowledged_at,
	waiting_since, paused_seconds, closed_at, updated_at, version`

// row is a stored report with the columns that are not part of Report.
type row struct {
	Report
	reporterKey string
}

func scanRow(sc interface{ Scan(...any) error }) (row, error) {
	var r row
	var channel, credit, trackingIDs, aiUse, status, rm, outcome, resolution, priority, selections string
	var reporter, assignee, duplicate sql.NullInt64
	var disclosureAt, assessedAt, ackAt, waitingSince, closedAt sql.NullTime
	var paused int64
	d := &r.Details
	err := sc.Scan(&r.ID, &r.TrackingID, &channel, &reporter, &r.reporterKey, &d.Title, &d.Description, &d.ProofOfConcept,
		&d.Impact, &d.HowFound, &d.FoundOn, &d.AlreadyReportedTo, &d.PublicDetails, &d.PubliclyKnown, &d.ExploitPublic,
		&d.ActivelyExploited, &d.Critical, &d.Disclosure.Date, &d.Disclosure.Zone, &disclosureAt, &d.Disclosure.Notes,
		&d.Contact.Name, &d.Contact.Organisation, &d.Contact.Email, &d.PGPKey, &d.ShareContact, &credit, &d.CreditName,
		&trackingIDs, &aiUse, &d.AIDetails, &status, &rm, &outcome, &resolution, &priority, &assignee, &duplicate,
		&r.SSVC.Outcome, &selections, &assessedAt, &r.ReceivedAt, &ackAt, &waitingSince, &paused, &closedAt, &r.UpdatedAt, &r.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return r, notFound()
	}
	if err != nil {
		return r, err
	}
	r.Channel, d.Credit, d.AIUse = Channel(channel), CreditWish(credit), AIUse(aiUse)
	r.Status, r.Outcome, r.Resolution, r.Priority = Status(status), Outcome(outcome), Reason(resolution), Priority(priority)
	if r.RM, err = protocol.ParseRMState(rm); err != nil {
		return r, err
	}
	if err := json.Unmarshal([]byte(trackingIDs), &d.TrackingIDs); err != nil {
		return r, err
	}
	r.ReporterUserID, r.AssigneeID, r.DuplicateOf = reporter.Int64, assignee.Int64, duplicate.Int64
	if selections != "" {
		r.SSVC.SelectionList = []byte(selections)
	}
	r.DisclosureAt, r.SSVC.AssessedAt, r.AcknowledgedAt = utc(disclosureAt), utc(assessedAt), utc(ackAt)
	r.WaitingSince, r.ClosedAt = utc(waitingSince), utc(closedAt)
	r.ReceivedAt, r.UpdatedAt = r.ReceivedAt.UTC(), r.UpdatedAt.UTC()
	r.Paused = time.Duration(paused) * time.Second
	return r, nil
}

func utc(t sql.NullTime) time.Time {
	if !t.Valid {
		return time.Time{}
	}
	return t.Time.UTC()
}

// getRow reads one report's row, without its lists.
func getRow(ctx context.Context, q store.Querier, id int64) (row, error) {
	return scanRow(q.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE id = $1`, id))
}

// rowByKey reads the report whose follow-up secret has key k (followUpKey).
func rowByKey(ctx context.Context, q store.Querier, k string) (row, error) {
	return scanRow(q.QueryRowContext(ctx, `SELECT `+reportColumns+` FROM reports WHERE followup_hash = $1`, k))
}

// load reads a whole report: its row, products, vendors and attachments.
func load(ctx context.Context, q store.Querier, id int64) (Report, error) {
	r, err := getRow(ctx, q, id)
	if err != nil {
		return Report{}, err
	}
	return withLists(ctx, q, r.Report)
}

func withLists(ctx context.Context, q store.Querier, r Report) (Report, error) {
	var err error
	if r.Products, err = products(ctx, q, r.ID); err != nil {
		return r, err
	}
	if r.Vendors, err = vendors(ctx, q, r.ID); err != nil {
		return r, err
	}
	r.Attachments, err = attachments(ctx, q, r.ID)
	return r, err
}

func products(ctx context.Context, q store.Querier, id int64) ([]Product, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, versions FROM report_products WHERE report_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Product
	for rows.Next() {
		var p Product
		var versions string
		if err := rows.Scan(&p.Name, &versions); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(versions), &p.Versions); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func vendors(ctx context.Context, q store.Querier, id int64) ([]Vendor, error) {
	rows, err := q.QueryContext(ctx, `SELECT name, org_id FROM report_vendors WHERE report_id = $1 ORDER BY position`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Vendor
	for rows.Next() {
		var v Vendor
		var org sql.NullInt64
		if err := rows.Scan(&v.Name, &org); err != nil {
			return nil, err
		}
		v.OrgID = org.Int64
		out = append(out, v)
	}
	return out, rows.Err()
}

// nameKey is what makes two product or vendor names the same name.
func nameKey(name string) string { return strings.ToLower(strings.Join(strings.Fields(name), " ")) }

// productsText is the products in one line, e.g. "Router X 1.0, 1.1; Hub".
func productsText(ps []Product) string {
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = strings.TrimSpace(p.Name + " " + strings.Join(p.Versions, ", "))
	}
	return strings.Join(parts, "; ")
}

func vendorsText(vs []Vendor) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Name
	}
	return strings.Join(parts, "; ")
}

func jsonText(v any) string {
	b, _ := json.Marshal(v) // string slices always marshal
	if string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// insertReport stores r's row and lists; r.ID is set by the caller from
// the returned ID.
func insertReport(ctx context.Context, tx *sql.Tx, r row, followUpKey string) (int64, error) {
	d := r.Details
	var id int64
	err := tx.QueryRowContext(ctx, `INSERT INTO reports (tracking_id, followup_hash, channel, reporter_user_id, reporter_key,
		title, description, proof_of_concept, impact, how_found, found_on, already_reported_to, public_details,
		publicly_known, exploit_public, actively_exploited, critical, disclosure_date, disclosure_zone, disclosure_at,
		disclosure_notes, contact_name, contact_org, contact_email, pgp_key, share_contact, credit, credit_name,
		tracking_ids, ai_use, ai_details, products_text, vendors_text, status, rm_state, received_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23,
		$24, $25, $26, $27, $28, $29, $30, $31, $32, $33, $34, $35, $36, $36) RETURNING id`,
		r.TrackingID, followUpKey, string(r.Channel), nullID(r.ReporterUserID), r.reporterKey,
		d.Title, d.Description, d.ProofOfConcept, d.Impact, d.HowFound, d.FoundOn, d.AlreadyReportedTo, d.PublicDetails,
		d.PubliclyKnown, d.ExploitPublic, d.ActivelyExploited, d.Critical, d.Disclosure.Date, d.Disclosure.Zone,
		nullTime(r.DisclosureAt), d.Disclosure.Notes, d.Contact.Name, d.Contact.Organisation, d.Contact.Email, d.PGPKey,
		d.ShareContact, string(d.Credit), d.CreditName, jsonText(d.TrackingIDs), string(d.AIUse), d.AIDetails,
		productsText(d.Products), vendorsText(d.Vendors), string(r.Status), r.RM.String(), r.ReceivedAt).Scan(&id)
	if err != nil {
		return 0, err
	}
	return id, insertLists(ctx, tx, id, d)
}

func insertLists(ctx context.Context, tx *sql.Tx, id int64, d Details) error {
	for i, p := range d.Products {
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_products (report_id, position, name, name_key, versions)
			VALUES ($1, $2, $3, $4, $5)`, id, i, p.Name, nameKey(p.Name), jsonText(p.Versions)); err != nil {
			return err
		}
	}
	for i, v := range d.Vendors {
		if v.OrgID != 0 {
			var n int
			// The directory is org's; reading whether an organisation
			// exists gives a clear error where the foreign key would not.
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organisations WHERE id = $1`, v.OrgID).Scan(&n); err != nil {
				return err
			}
			if n == 0 {
				return errs.Field("vendors["+strconv.Itoa(i)+"].org_id", "is not an organisation of the directory")
			}
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO report_vendors (report_id, position, name, name_key, org_id)
			VALUES ($1, $2, $3, $4, $5)`, id, i, v.Name, nameKey(v.Name), nullID(v.OrgID)); err != nil {
			return err
		}
	}
	return nil
}
