package cases

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
)

// Involvement is how a principal takes part in one case: the participants
// it acts for (its organisations' and its own as a person) and whether one
// of them coordinates the case.
type Involvement struct {
	CaseID       int64
	Key          string
	Title        string
	Participants []int64
	Coordinator  bool
}

// Involvement returns every case p takes part in, through an organisation
// or in person, in order of case ID: what the domains built on cases
// (deadlines) need to gather a person's obligations across cases. Staff
// and administrators get only their own involvement here, not every case
// they could see.
func (s *Service) Involvement(ctx context.Context, p auth.Principal) ([]Involvement, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	cond, args := actsFor(p, 1)
	rows, err := s.db.Read().QueryContext(ctx, `SELECT c.id, c.key, c.title, p.id, p.roles
		FROM case_participants p JOIN cases c ON c.id = p.case_id WHERE `+"("+cond+")"+` ORDER BY c.id, p.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Involvement
	for rows.Next() {
		var in Involvement
		var participant int64
		var roles string
		if err := rows.Scan(&in.CaseID, &in.Key, &in.Title, &participant, &roles); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].CaseID != in.CaseID {
			out = append(out, in)
		}
		last := &out[len(out)-1]
		last.Participants = append(last.Participants, participant)
		last.Coordinator = last.Coordinator || parseRoles(roles).Has(RoleCoordinator)
	}
	return out, rows.Err()
}
