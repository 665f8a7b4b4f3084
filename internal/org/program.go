package org

import (
	"context"
	"database/sql"
	"errors"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/store"
)

// Program is an organisation's public vulnerability disclosure program:
// the page reporters read before they report (/programs/{slug}). Its
// texts are Markdown, rendered sanitised by the transports. The
// organisation's disclosure policy is not part of it (package cases keeps
// policies); the page shows both.
type Program struct {
	OrgID   int64
	OrgName string
	OrgKind Kind
	// Slug is the stable address of the page: lower-case letters, digits
	// and hyphens.
	Slug      string
	Published bool
	// ScopeIn and ScopeOut say which products, services and kinds of
	// finding the program takes, and which it does not.
	ScopeIn  string
	ScopeOut string
	// SafeHarbour are the terms under which the organisation will not
	// pursue good-faith research; a new program starts from
	// DefaultSafeHarbour.
	SafeHarbour string
	// AckDays is the acknowledgement target in business days; 0 leaves it
	// to the instance's reports policy, which the transports fill in.
	AckDays int
	// Notes are contact details and anything else reporters should know.
	Notes string
	// Version is 0 for a program not saved yet (a draft with defaults).
	Version   int
	CreatedAt time.Time
	UpdatedAt time.Time
}

// ProgramFields are what SaveProgram writes.
type ProgramFields struct {
	Slug        string
	Published   bool
	ScopeIn     string
	ScopeOut    string
	SafeHarbour string
	AckDays     int
	Notes       string
	// Version is the version read: 0 for an organisation's first program.
	Version int
}

// Limits of a program's texts.
const (
	MaxProgramText = 20000 // each Markdown text, in characters
	MaxAckDays     = 30
)

// DefaultSafeHarbour is the safe-harbour wording a new program starts
// from; the organisation edits it to its own terms.
const DefaultSafeHarbour = `We welcome research done in good faith to find and report security
problems in the products and services named in scope. When you follow
this program we consider your research authorised, and:

- we will not start or support legal action against you for it, and if
  someone else does, we will say that you acted under this program;
- we treat it as authorised under the anti-hacking laws that apply to us,
  and will not bring a claim for getting around technical measures that
  you needed to pass to show the problem;
- we waive the restrictions of our terms of use that would forbid the
  research, for it alone.

In return we ask you to:

- look at no more data than you need to show the problem, keep what you
  see confidential, and delete it once the report is handled;
- avoid harm: no denial of service, no social engineering, no physical
  attacks, nothing that degrades the service for others;
- stay in scope, stop and tell us as soon as you find a problem, and
  give us a reasonable time to fix it before you publish anything, as
  our disclosure policy describes.

These terms cannot bind anyone else. If you are unsure whether
something is allowed, ask us first through the report form.`

// slugPattern is a valid slug: 2 to 64 lower-case letters, digits and
// single hyphens, starting and ending with a letter or digit.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// SlugOf suggests a program's slug from an organisation's name: "Acme
// Routers, Inc." is "acme-routers-inc".
func SlugOf(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if b.Len() >= 60 {
			break
		}
		switch {
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		default:
			dash = true
		}
	}
	s := strings.Trim(b.String(), "-")
	if len(s) < 2 {
		s = "program-" + s
	}
	return strings.Trim(s, "-")
}

func (f ProgramFields) check() (ProgramFields, error) {
	f.Slug = strings.ToLower(strings.TrimSpace(f.Slug))
	switch {
	case len(f.Slug) < 2 || len(f.Slug) > 64 || !slugPattern.MatchString(f.Slug):
		return f, errs.Field("slug", "must be 2 to 64 lower-case letters, digits and single hyphens, like acme-routers")
	case f.AckDays < 0 || f.AckDays > MaxAckDays:
		return f, errs.Field("ack_days", "must be between 1 and %d business days, or 0 for the instance's target", MaxAckDays)
	case f.Version < 0:
		return f, errs.Field("version", "must be the version you read, or 0 for a first program")
	}
	for _, t := range []struct {
		field string
		text  *string
	}{{"scope_in", &f.ScopeIn}, {"scope_out", &f.ScopeOut}, {"safe_harbour", &f.SafeHarbour}, {"notes", &f.Notes}} {
		*t.text = strings.TrimSpace(strings.ReplaceAll(*t.text, "\r\n", "\n"))
		if utf8.RuneCountInString(*t.text) > MaxProgramText {
			return f, errs.Field(t.field, "must be at most %d characters long", MaxProgramText)
		}
	}
	if f.Published && f.ScopeIn == "" {
		return f, errs.Field("scope_in", "is required to publish: say what the program covers")
	}
	return f, nil
}

// CanEditProgram: administrators and the organisation's admins write its
// program, with a credential that allows changes.
func CanEditProgram(p auth.Principal, orgID int64) error {
	if err := auth.Writable(p); err != nil {
		return err
	}
	if r, ok := p.InOrg(orgID); p.Admin || (ok && r == auth.OrgAdmin) {
		return nil
	}
	return errs.E(errs.Forbidden, "only the organisation's admins and administrators edit its disclosure program")
}

// seesDraft reports whether p sees an organisation's unpublished program:
// those who may edit it (a read-only token included).
func seesDraft(p auth.Principal, orgID int64) bool {
	if p.Anonymous() {
		return false
	}
	r, ok := p.InOrg(orgID)
	return p.Admin || (ok && r == auth.OrgAdmin)
}

const programColumns = `o.id, o.name, o.kind, g.slug, g.published, g.scope_in, g.scope_out, g.safe_harbour, g.ack_days, g.notes,
	g.version, g.created_at, g.updated_at`

const programFrom = ` FROM programs g JOIN organisations o ON o.id = g.org_id`

func scanProgram(row interface{ Scan(...any) error }) (Program, error) {
	var g Program
	var kind string
	err := row.Scan(&g.OrgID, &g.OrgName, &kind, &g.Slug, &g.Published, &g.ScopeIn, &g.ScopeOut, &g.SafeHarbour, &g.AckDays,
		&g.Notes, &g.Version, &g.CreatedAt, &g.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return g, errs.E(errs.NotFound, "no such program")
	}
	g.OrgKind, g.CreatedAt, g.UpdatedAt = Kind(kind), g.CreatedAt.UTC(), g.UpdatedAt.UTC()
	return g, err
}

// programOf reads an organisation's program, or a draft with the defaults
// (Version 0) when it has none.
func programOf(ctx context.Context, q store.Querier, orgID int64) (Program, error) {
	g, err := scanProgram(q.QueryRowContext(ctx, `SELECT `+programColumns+programFrom+` WHERE g.org_id = $1`, orgID))
	if !errs.Is(err, errs.NotFound) {
		return g, err
	}
	o, err := get(ctx, q, orgID)
	if err != nil {
		return Program{}, err
	}
	return Program{OrgID: o.ID, OrgName: o.Name, OrgKind: o.Kind, Slug: SlugOf(o.Name), SafeHarbour: DefaultSafeHarbour}, nil
}

// Program returns organisation orgID's program for those who edit it,
// published or not; an organisation without one gets a draft with the
// defaults (Version 0).
func (s *Service) Program(ctx context.Context, p auth.Principal, orgID int64) (Program, error) {
	if p.Anonymous() {
		return Program{}, errs.E(errs.Unauthenticated, "sign in first")
	}
	if !seesDraft(p, orgID) {
		return Program{}, errs.E(errs.Forbidden, "only the organisation's admins and administrators edit its disclosure program")
	}
	return programOf(ctx, s.db.Read(), orgID)
}

// ProgramBySlug returns the program at slug: a published one to anyone,
// signed in or not; an unpublished one only to those who edit it (a
// preview), and to anyone else it does not exist.
func (s *Service) ProgramBySlug(ctx context.Context, p auth.Principal, slug string) (Program, error) {
	g, err := scanProgram(s.db.Read().QueryRowContext(ctx, `SELECT `+programColumns+programFrom+` WHERE g.slug = $1`,
		strings.ToLower(strings.TrimSpace(slug))))
	if err != nil {
		return Program{}, err
	}
	if !g.Published && !seesDraft(p, g.OrgID) {
		return Program{}, errs.E(errs.NotFound, "no such program")
	}
	return g, nil
}

// PublishedProgramOf returns organisation orgID's program if it is
// published, for anyone; NotFound otherwise.
func (s *Service) PublishedProgramOf(ctx context.Context, orgID int64) (Program, error) {
	return scanProgram(s.db.Read().QueryRowContext(ctx, `SELECT `+programColumns+programFrom+` WHERE g.org_id = $1 AND g.published`, orgID))
}

// Programs lists the published programs in order of organisation ID, for
// anyone; a page continues after the organisation page.After.
func (s *Service) Programs(ctx context.Context, page store.Page) ([]Program, error) {
	rows, err := s.db.Read().QueryContext(ctx, `SELECT `+programColumns+programFrom+` WHERE g.published AND g.org_id > $1
		ORDER BY g.org_id LIMIT $2`, page.After, page.Size())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Program
	for rows.Next() {
		g, err := scanProgram(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, rows.Err()
}

// SaveProgram writes organisation orgID's program in one transaction with
// its journal entry: f.Version is the version read (0 for a first
// program); a stale one, or a slug another program has, is a conflict.
func (s *Service) SaveProgram(ctx context.Context, p auth.Principal, orgID int64, f ProgramFields) (Program, error) {
	if err := CanEditProgram(p, orgID); err != nil {
		return Program{}, err
	}
	f, err := f.check()
	if err != nil {
		return Program{}, err
	}
	now := s.clock()
	var out Program
	err = s.db.Tx(ctx, func(tx *sql.Tx) error {
		cur, err := programOf(ctx, tx, orgID)
		if err != nil {
			return err
		}
		if cur.Version != f.Version {
			return errs.E(errs.Conflict, "the program changed meanwhile (version %d, you sent %d): reload and try again", cur.Version, f.Version)
		}
		var other int64
		err = tx.QueryRowContext(ctx, `SELECT org_id FROM programs WHERE slug = $1`, f.Slug).Scan(&other)
		if err == nil && other != orgID {
			return &errs.Error{Kind: errs.Conflict, Field: "slug", Message: "another program has this address: choose another"}
		}
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err := writeProgram(ctx, tx, now, p, orgID, f); err != nil {
			return err
		}
		if out, err = programOf(ctx, tx, orgID); err != nil {
			return err
		}
		return record(ctx, tx, now, p, "org.program_saved", orgID, map[string]any{"slug": f.Slug, "published": f.Published,
			"was_published": cur.Published, "version": out.Version})
	})
	return out, err
}

// writeProgram inserts a first program or updates the one read at
// f.Version (guarded, so that a concurrent save cannot be lost).
func writeProgram(ctx context.Context, tx *sql.Tx, now time.Time, p auth.Principal, orgID int64, f ProgramFields) error {
	if f.Version == 0 {
		res, err := tx.ExecContext(ctx, `INSERT INTO programs (org_id, slug, published, scope_in, scope_out, safe_harbour, ack_days, notes,
			updated_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT DO NOTHING`,
			orgID, f.Slug, f.Published, f.ScopeIn, f.ScopeOut, f.SafeHarbour, f.AckDays, f.Notes, nullUser(p.UserID), now)
		if n, err := rowsAffected(res, err); err != nil || n == 0 {
			if err == nil {
				err = errs.E(errs.Conflict, "the program was saved by someone else meanwhile: reload and try again")
			}
			return err
		}
		return nil
	}
	res, err := tx.ExecContext(ctx, `UPDATE programs SET slug = $1, published = $2, scope_in = $3, scope_out = $4, safe_harbour = $5,
		ack_days = $6, notes = $7, updated_by = $8, updated_at = $9, version = version + 1 WHERE org_id = $10 AND version = $11`,
		f.Slug, f.Published, f.ScopeIn, f.ScopeOut, f.SafeHarbour, f.AckDays, f.Notes, nullUser(p.UserID), now, orgID, f.Version)
	if n, err := rowsAffected(res, err); err != nil || n == 0 {
		if err == nil {
			err = errs.E(errs.Conflict, "the program changed meanwhile: reload and try again")
		}
		return err
	}
	return nil
}
