package cases

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/journal"
	"github.com/parleycvd/parley/internal/store"
)

// CountsFrom is the event a policy's days count from.
type CountsFrom string

// The events a default embargo counts from.
const (
	FromFirstContact CountsFrom = "first_contact" // the first attempt to contact a vendor in the case
	FromReport       CountsFrom = "report"        // the case's opening (its report reaching the coordinator)
	FromProposal     CountsFrom = "proposal"      // the moment the default is proposed
)

// Preset is a well-known disclosure policy to start from.
type Preset struct {
	Key           string
	Name          string
	Days          int
	CountsFrom    CountsFrom
	Justification string // for presets beyond 90 days
	Description   string
}

// Presets are the policies ../shared/DOMAIN.md names.
func Presets() []Preset {
	return []Preset{
		{Key: "cert-45", Name: "45 days from first contact (CERT/CC)", Days: 45, CountsFrom: FromFirstContact,
			Description: "Publication 45 days after the first attempt to contact the vendor; earlier if exploitation is evident."},
		{Key: "90-30", Name: "90 days, plus 30 for patch uptake", Days: 120, CountsFrom: FromFirstContact,
			Justification: "90 days to fix and 30 more for users to install the fix before details are published.",
			Description:   "Fix within 90 days of the report; details follow 30 days after the fix to let users patch."},
		{Key: "120", Name: "120 days", Days: 120, CountsFrom: FromFirstContact,
			Justification: "The coordinator's published policy gives vendors 120 days.",
			Description:   "Publication 120 days after the vendor was first contacted."},
		{Key: "list-14", Name: "Distribution list: at most 14 days", Days: 14, CountsFrom: FromReport,
			Description: "As on closed distribution lists: details become public at most 14 days after the report."},
		{Key: "max-7", Name: "At most 7 days", Days: 7, CountsFrom: FromProposal,
			Description: "For actively exploited issues: publication within a week."},
	}
}

// PresetByKey finds a preset.
func PresetByKey(key string) (Preset, bool) {
	for _, p := range Presets() {
		if p.Key == key {
			return p, true
		}
	}
	return Preset{}, false
}

// DefaultPreset is the policy of a coordinator that published none.
const DefaultPreset = "cert-45"

// Policy is an organisation's disclosure policy and default embargo.
type Policy struct {
	OrgID         int64
	Preset        string // a preset's key, or "custom"
	Days          int
	CountsFrom    CountsFrom
	Justification string
	Statement     string // the policy in the organisation's words (Markdown)
	Version       int
	UpdatedAt     time.Time
	Published     bool // false: the default, not set by the organisation
}

// PolicyFields is what SetPolicy changes. With Preset set, Days,
// CountsFrom and an empty Justification come from the preset.
type PolicyFields struct {
	Preset        string
	Days          int
	CountsFrom    CountsFrom
	Justification string
	Statement     string
	Version       int // the version read, 0 for a first policy
}

func (f PolicyFields) check() (PolicyFields, error) {
	f.Preset = strings.TrimSpace(f.Preset)
	if f.Preset != "" && f.Preset != "custom" {
		pr, ok := PresetByKey(f.Preset)
		if !ok {
			return f, errs.Field("preset", "is not a known preset")
		}
		f.Days, f.CountsFrom = pr.Days, pr.CountsFrom
		if strings.TrimSpace(f.Justification) == "" {
			f.Justification = pr.Justification
		}
	} else {
		f.Preset = "custom"
	}
	f.Justification, f.Statement = strings.TrimSpace(f.Justification), strings.TrimSpace(f.Statement)
	switch {
	case f.Days < 1 || f.Days > 365:
		return f, errs.Field("days", "must be between 1 and 365")
	case f.CountsFrom != FromFirstContact && f.CountsFrom != FromReport && f.CountsFrom != FromProposal:
		return f, errs.Field("counts_from", "must be first_contact, report or proposal")
	case f.Days > 90 && f.Justification == "":
		return f, errs.Field("justification", "is required for a default embargo longer than 90 days")
	case utf8.RuneCountInString(f.Justification) > maxJustify:
		return f, errs.Field("justification", "must be at most %d characters long", maxJustify)
	case utf8.RuneCountInString(f.Statement) > 20000:
		return f, errs.Field("statement", "must be at most 20000 characters long")
	}
	return f, nil
}

// defaultPolicy is the policy of an organisation that set none.
func defaultPolicy(orgID int64) Policy {
	pr, _ := PresetByKey(DefaultPreset)
	return Policy{OrgID: orgID, Preset: pr.Key, Days: pr.Days, CountsFrom: pr.CountsFrom, Statement: pr.Description}
}

// PolicyOf returns organisation orgID's disclosure policy, or the default
// (Published false) when it has none. Policies are public.
func (s *Service) PolicyOf(ctx context.Context, orgID int64) (Policy, error) {
	return policyOf(ctx, s.db.Read(), orgID)
}

func policyOf(ctx context.Context, q store.Querier, orgID int64) (Policy, error) {
	pol := Policy{OrgID: orgID, Published: true}
	var counts string
	err := q.QueryRowContext(ctx, `SELECT preset, days, counts_from, justification, statement, version, updated_at
		FROM disclosure_policies WHERE org_id = $1`, orgID).
		Scan(&pol.Preset, &pol.Days, &counts, &pol.Justification, &pol.Statement, &pol.Version, &pol.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		var one int
		if err := q.QueryRowContext(ctx, `SELECT 1 FROM organisations WHERE id = $1`, orgID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
			return Policy{}, errs.E(errs.NotFound, "no such organisation")
		} else if err != nil {
			return Policy{}, err
		}
		return defaultPolicy(orgID), nil
	}
	pol.CountsFrom, pol.UpdatedAt = CountsFrom(counts), pol.UpdatedAt.UTC()
	return pol, err
}

// CanSetPolicy: administrators, and the admins of the organisation.
func CanSetPolicy(p auth.Principal, orgID int64) error {
	if err := auth.Writable(p); err != nil {
		return err
	}
	if r, ok := p.InOrg(orgID); p.Admin || (ok && r == auth.OrgAdmin) {
		return nil
	}
	return errs.E(errs.Forbidden, "only the organisation's admins set its disclosure policy")
}

// SetPolicy publishes organisation orgID's disclosure policy; f.Version
// must be the version read (0 when it had none).
func (s *Service) SetPolicy(ctx context.Context, p auth.Principal, orgID int64, f PolicyFields) (Policy, error) {
	if err := CanSetPolicy(p, orgID); err != nil {
		return Policy{}, err
	}
	f, err := f.check()
	if err != nil {
		return Policy{}, err
	}
	now := s.clock()
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := policyOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if cur.Version != f.Version {
			return errs.E(errs.Conflict, "the policy changed meanwhile (version %d, not %d): reload and try again", cur.Version, f.Version)
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO disclosure_policies (org_id, preset, days, counts_from, justification, statement, version, updated_by, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, 1, $7, $8)
			ON CONFLICT (org_id) DO UPDATE SET preset = $2, days = $3, counts_from = $4, justification = $5, statement = $6,
				version = disclosure_policies.version + 1, updated_by = $7, updated_at = $8`,
			orgID, f.Preset, f.Days, string(f.CountsFrom), f.Justification, f.Statement, nullID(p.UserID), now)
		if err != nil {
			return err
		}
		_, err = journal.Append(ctx, tx, journal.Change{At: now, Actor: p.Actor(), Action: "org.disclosure_policy", ObjectType: "organisation",
			ObjectID: itoa(int(orgID)), Data: map[string]any{"preset": f.Preset, "days": f.Days, "counts_from": f.CountsFrom}})
		return err
	})
	if err != nil {
		return Policy{}, err
	}
	return s.PolicyOf(ctx, orgID)
}

// DefaultEnd is when an embargo under policy pol ends in a case opened at
// opened whose first vendor contact was at firstContact (zero: none yet,
// counted from now).
func DefaultEnd(pol Policy, opened, firstContact, now time.Time) time.Time {
	from := now
	switch pol.CountsFrom {
	case FromFirstContact:
		if !firstContact.IsZero() {
			from = firstContact
		}
	case FromReport:
		from = opened
	}
	return from.UTC().Add(time.Duration(pol.Days) * 24 * time.Hour).Truncate(time.Minute)
}
