package cases

import (
	"context"
	"database/sql"
	"time"

	"github.com/parleycvd/parley/internal/protocol"
)

// Milestones are the dates of a case that its reporters may know even where
// they may not see the case itself (an anonymous reporter takes part in no
// case; a reporter never sees who the vendors are): when it opened, when
// the first vendor was contacted, whether the embargo holds and until when,
// whether the case is public, and which organisations coordinate it (for
// their disclosure policy). Nothing else: no titles, no names, no details.
type Milestones struct {
	Key           string
	OpenedAt      time.Time
	FirstVendorAt time.Time // zero until a vendor is contacted
	EmbargoEndsAt time.Time // zero unless an embargo is in force
	Public        bool
	Coordinators  []Coordinator // the coordinating organisations, at most ten
}

// Coordinator is an organisation coordinating a case.
type Coordinator struct {
	OrgID int64
	Name  string
}

// MilestonesOf reads case id's milestones. It checks no principal: the
// caller has tied its reader to the case already (reports checks that the
// reader is the reporter of a report filed in it, by account or by the
// follow-up secret), and the result names nobody.
func (s *Service) MilestonesOf(ctx context.Context, id int64) (Milestones, error) {
	q := s.db.Read()
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseColumns+` FROM cases c WHERE c.id = $1`, id))
	if err != nil {
		return Milestones{}, err
	}
	m := Milestones{Key: c.Key, OpenedAt: c.CreatedAt, Public: c.Global.Has(protocol.PublicAware)}
	if c.EM.Active() {
		m.EmbargoEndsAt = c.EmbargoEndsAt
	}
	// ORDER BY rather than MIN: SQLite's MIN of a time column is text.
	var first sql.NullTime
	err = q.QueryRowContext(ctx, `SELECT first_contact_at FROM case_participants
		WHERE case_id = $1 AND first_contact_at IS NOT NULL AND (',' || roles || ',') LIKE '%,vendor,%'
		ORDER BY first_contact_at LIMIT 1`, id).Scan(&first)
	if err != nil && err != sql.ErrNoRows {
		return Milestones{}, err
	}
	m.FirstVendorAt = nullTime(first)
	rows, err := q.QueryContext(ctx, `SELECT p.org_id, o.name FROM case_participants p JOIN organisations o ON o.id = p.org_id
		WHERE p.case_id = $1 AND (',' || p.roles || ',') LIKE '%,coordinator,%' ORDER BY p.id LIMIT 10`, id)
	if err != nil {
		return Milestones{}, err
	}
	defer rows.Close()
	for rows.Next() {
		var c Coordinator
		if err := rows.Scan(&c.OrgID, &c.Name); err != nil {
			return Milestones{}, err
		}
		m.Coordinators = append(m.Coordinators, c)
	}
	return m, rows.Err()
}

// KeyOf is the key of case id, for pages that name a case to someone who
// may not open it (a reporter's list of reports).
func (s *Service) KeyOf(ctx context.Context, id int64) (string, error) {
	var key string
	err := s.db.Read().QueryRowContext(ctx, `SELECT key FROM cases WHERE id = $1`, id).Scan(&key)
	if err == sql.ErrNoRows {
		return "", notFound()
	}
	return key, err
}
