package cases

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Case is one coordinated disclosure: its vulnerabilities, and its states
// in the Vultron model (the participants' own states are on Participant).
type Case struct {
	ID      int64
	Key     string // e.g. PAR-2026-0042
	Title   string
	Summary string
	EM      protocol.EMState
	// Global is the case-wide part of the CS state: P, X and A (the
	// vendors' V, F and D are on their participants).
	Global protocol.CSState
	// EmbargoEndsAt is when the embargo in force ends; zero when none is
	// set.
	EmbargoEndsAt time.Time
	Version       int
	CreatedBy     int64
	CreatedAt     time.Time
	UpdatedAt     time.Time
	// Vulnerabilities are filled in by Get and GetByKey, in the order they
	// were added; List leaves them empty.
	Vulnerabilities []Vulnerability
	// Restricted is set by Get and GetByKey when the viewer has not
	// accepted the embargo in force: they see the key, title, summary and
	// embargo, not the vulnerabilities (see Access.Restricted).
	Restricted bool
}

// NewCase is what Create needs.
type NewCase struct {
	Title           string
	Summary         string
	Vulnerabilities []VulnFields
	// CoordinatorOrgID is the coordinator organisation that leads the case
	// and joins it as its coordinator. Zero picks the creator's own
	// coordinator organisation (the one with the lowest ID, if it belongs to
	// several); a creator in none leaves the case without one.
	CoordinatorOrgID int64
	// From, if set, runs in the creating transaction once the case exists
	// (another domain links its records to the case, e.g. the reports it
	// comes from) and returns more participants to add, such as reporters.
	From func(ctx context.Context, tx *sql.Tx, c Case) ([]NewParticipant, error)
}

const (
	maxTitle   = 300
	maxSummary = 20000
)

func checkTitle(field, s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", errs.Field(field, "is required")
	case n > maxTitle:
		return "", errs.Field(field, "must be at most %d characters long", maxTitle)
	case strings.ContainsAny(s, "\r\n\x00"):
		return "", errs.Field(field, "must be one line")
	}
	return s, nil
}

func checkText(field, s string, max int) (string, error) {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) > max {
		return "", errs.Field(field, "must be at most %d characters long", max)
	}
	if strings.ContainsRune(s, 0) {
		return "", errs.Field(field, "must not contain NUL characters")
	}
	return s, nil
}

// check validates and normalises nc, naming the first bad field.
func (nc NewCase) check() (NewCase, []vulnRecord, error) {
	var err error
	if nc.Title, err = checkTitle("title", nc.Title); err != nil {
		return nc, nil, err
	}
	if nc.Summary, err = checkText("summary", nc.Summary, maxSummary); err != nil {
		return nc, nil, err
	}
	if len(nc.Vulnerabilities) > 100 {
		return nc, nil, errs.Field("vulnerabilities", "add at most 100 at once")
	}
	vulns := make([]vulnRecord, len(nc.Vulnerabilities))
	for i, f := range nc.Vulnerabilities {
		if vulns[i], err = f.check(fmt.Sprintf("vulnerabilities[%d].", i)); err != nil {
			return nc, nil, err
		}
	}
	return nc, vulns, nil
}

// Create opens a case (administrators and coordinator staff). The leading
// coordinator organisation (see NewCase) joins it with the coordinator role
// in RM Accepted: it has the report and has taken the case on.
func (s *Service) Create(ctx context.Context, p auth.Principal, nc NewCase) (Case, error) {
	if err := CanCreate(p); err != nil {
		return Case{}, err
	}
	nc, vulns, err := nc.check()
	if err != nil {
		return Case{}, err
	}
	now := s.clock()
	c := Case{Title: nc.Title, Summary: nc.Summary, EM: protocol.EMNone, Version: 1, CreatedBy: p.UserID, CreatedAt: now, UpdatedAt: now}
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		if c.Key, err = s.nextKey(ctx, tx, now); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO cases (key, title, summary, created_by, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, c.Key, c.Title, c.Summary, nullID(p.UserID), now).Scan(&c.ID)
		if err != nil {
			return err
		}
		if err := record(ctx, tx, now, p.Actor(), "case.created", c.ID, entry{Key: c.Key, Title: c.Title}); err != nil {
			return err
		}
		if err := s.joinLead(ctx, tx, now, p, c.ID, nc.CoordinatorOrgID); err != nil {
			return err
		}
		for _, v := range vulns {
			vv, err := addVuln(ctx, tx, now, p, c.ID, v)
			if err != nil {
				return err
			}
			c.Vulnerabilities = append(c.Vulnerabilities, vv)
		}
		return s.from(ctx, tx, now, p, c, nc.From)
	})
	if err != nil {
		return Case{}, err
	}
	return c, nil
}

// from runs NewCase.From and adds the participants it names.
func (s *Service) from(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, c Case, hook func(context.Context, *sql.Tx, Case) ([]NewParticipant, error)) error {
	if hook == nil {
		return nil
	}
	more, err := hook(ctx, tx, c)
	if err != nil || len(more) == 0 {
		return err
	}
	parts, err := checkNew(more)
	if err != nil {
		return err
	}
	return s.addParticipants(ctx, tx, now, p.Actor(), c.ID, parts, false)
}

// nextKey gives out the next case key of at's year.
func (s *Service) nextKey(ctx context.Context, tx *sql.Tx, at time.Time) (string, error) {
	if err := s.cfg.Validate(); err != nil {
		return "", fmt.Errorf("case key prefix %q is not valid: check the configuration", s.cfg.KeyPrefix)
	}
	var n int
	err := tx.QueryRowContext(ctx, `INSERT INTO case_counters (case_year, last_number) VALUES ($1, 1)
		ON CONFLICT (case_year) DO UPDATE SET last_number = case_counters.last_number + 1 RETURNING last_number`, at.Year()).Scan(&n)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%04d", s.cfg.KeyPrefix, at.Year(), n), nil
}

// joinLead adds the leading coordinator organisation to a new case.
func (s *Service) joinLead(ctx context.Context, tx *sql.Tx, at time.Time, p auth.Principal, caseID, orgID int64) error {
	if orgID != 0 {
		var kind string
		err := tx.QueryRowContext(ctx, `SELECT kind FROM organisations WHERE id = $1`, orgID).Scan(&kind)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && kind != "coordinator") {
			return errs.Field("coordinator_org_id", "must be a coordinator organisation")
		}
		if err != nil {
			return err
		}
	} else if len(p.Orgs) > 0 {
		orgs := slices.Sorted(maps.Keys(p.Orgs))
		args := make([]any, len(orgs))
		for i, o := range orgs {
			args[i] = o
		}
		err := tx.QueryRowContext(ctx, `SELECT id FROM organisations WHERE kind = 'coordinator' AND id IN (`+
			placeholders(1, len(orgs))+`) ORDER BY id LIMIT 1`, args...).Scan(&orgID)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	if orgID == 0 {
		return nil
	}
	lead := []Participant{{OrgID: orgID, Roles: Roles{RoleCoordinator}}}
	return s.addParticipants(ctx, tx, at, p.Actor(), caseID, lead, true)
}

const caseColumns = `c.id, c.key, c.title, c.summary, c.em_state, c.cs_global, c.embargo_ends_at, c.version,
	COALESCE(c.created_by, 0), c.created_at, c.updated_at`

func scanCase(row interface{ Scan(...any) error }) (Case, error) {
	var c Case
	var em, global string
	var ends sql.NullTime
	err := row.Scan(&c.ID, &c.Key, &c.Title, &c.Summary, &em, &global, &ends, &c.Version, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, notFound()
	}
	if err != nil {
		return c, err
	}
	c.EmbargoEndsAt, c.CreatedAt, c.UpdatedAt = nullTime(ends), c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	if c.EM, err = protocol.ParseEMState(em); err != nil {
		return c, err
	}
	c.Global, err = protocol.ParseCSState(global)
	return c, err
}

// Access reports how p takes part in case id; a case p may not see is not
// found. Transports use it to offer only what p may do.
func (s *Service) Access(ctx context.Context, p auth.Principal, id int64) (Access, error) {
	a, err := access(ctx, s.db.Read(), p, id)
	if err != nil {
		return a, err
	}
	if err := CanView(p, a); err != nil {
		return a, err
	}
	if _, err := scanCase(s.db.Read().QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, id)); err != nil {
		return a, err
	}
	return a, nil
}

// Get returns a case with its vulnerabilities.
func (s *Service) Get(ctx context.Context, p auth.Principal, id int64) (Case, error) {
	q := s.db.Read()
	a, err := access(ctx, q, p, id)
	if err != nil {
		return Case{}, err
	}
	if err := CanView(p, a); err != nil {
		return Case{}, err
	}
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, id))
	if err != nil {
		return Case{}, err
	}
	if a.Restricted {
		c.Restricted = true
		return c, nil
	}
	c.Vulnerabilities, err = listVulns(ctx, q, id)
	return c, err
}

// GetByKey returns the case with key (any case of letters) and its
// vulnerabilities.
func (s *Service) GetByKey(ctx context.Context, p auth.Principal, key string) (Case, error) {
	if p.Anonymous() {
		return Case{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	var id int64
	err := s.db.Read().QueryRowContext(ctx, `SELECT id FROM cases WHERE key = $1`, strings.ToUpper(strings.TrimSpace(key))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return Case{}, notFound()
	}
	if err != nil {
		return Case{}, err
	}
	return s.Get(ctx, p, id)
}

// Filter narrows List.
type Filter struct {
	Query   string // part of the title or key
	EMState string // an EM state letter (N P A R X); "" for any
	// Mine keeps the cases the principal takes part in (through an
	// organisation or in person) or opened; for anyone but administrators
	// and staff that is every case they see anyway.
	Mine bool
	Page store.Page
}

// List returns a page of the cases p may see, in order of ID.
func (s *Service) List(ctx context.Context, p auth.Principal, f Filter) ([]Case, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	args := []any{f.Page.After}
	where := []string{"c.id > $1"}
	if !staff(p) || f.Mine {
		n := len(args) + 1
		cond, a := actsFor(p, n)
		args = append(args, a...)
		mine := "c.id IN (SELECT case_id FROM case_participants WHERE " + cond + ")"
		if staff(p) {
			mine = "(" + mine + " OR c.created_by = $" + itoa(n) + ")"
		}
		where = append(where, mine)
	}
	if f.EMState != "" {
		em, err := protocol.ParseEMState(f.EMState)
		if err != nil {
			return nil, errs.Field("em_state", "must be one of N, P, A, R, X")
		}
		args = append(args, em.String())
		where = append(where, "c.em_state = $"+itoa(len(args)))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		args = append(args, "%"+likeEscape.Replace(strings.ToLower(q))+"%")
		n := itoa(len(args))
		where = append(where, `(LOWER(c.title) LIKE $`+n+` ESCAPE '\' OR LOWER(c.key) LIKE $`+n+` ESCAPE '\')`)
	}
	args = append(args, f.Page.Size())
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE `+strings.Join(where, " AND ")+
		` ORDER BY c.id LIMIT $`+itoa(len(args)), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
