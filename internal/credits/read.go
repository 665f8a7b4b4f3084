package credits

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// List returns the credits of case caseID that p sees, oldest first; those
// p sees only as printed are redacted.
func (s *Service) List(ctx context.Context, p auth.Principal, caseID int64) ([]Credit, error) {
	a, err := s.access(ctx, p, caseID)
	if err != nil {
		return nil, err
	}
	all, err := queryCredits(ctx, s.db.Read(), `c.case_id = $1`, caseID)
	if err != nil {
		return nil, err
	}
	out := []Credit{}
	for _, c := range all {
		if c, ok := shown(p, a, c); ok {
			out = append(out, c)
		}
	}
	return out, nil
}

// Get returns credit id of case caseID as p sees it.
func (s *Service) Get(ctx context.Context, p auth.Principal, caseID, id int64) (Credit, error) {
	a, err := s.access(ctx, p, caseID)
	if err != nil {
		return Credit{}, err
	}
	c, err := getCredit(ctx, s.db.Read(), caseID, id)
	if err != nil {
		return Credit{}, err
	}
	c, ok := shown(p, a, c)
	if !ok {
		return Credit{}, notFound()
	}
	return c, nil
}

// Mine returns the credits of p's account in every case, newest first,
// whether or not p takes part in their cases (of which they name the key
// and title alone).
func (s *Service) Mine(ctx context.Context, p auth.Principal) ([]Credit, error) {
	if p.Anonymous() {
		return nil, errs.E(errs.Unauthenticated, "sign in first")
	}
	list, err := queryCredits(ctx, s.db.Read(), `c.user_id = $1`, p.UserID)
	if err != nil {
		return nil, err
	}
	out := make([]Credit, 0, len(list))
	for i := len(list) - 1; i >= 0; i-- {
		out = append(out, list[i])
	}
	return out, nil
}

// Manages reports whether p manages case caseID's credits (for transports
// that offer the managers' forms).
func (s *Service) Manages(ctx context.Context, p auth.Principal, caseID int64) bool {
	a, err := s.access(ctx, p, caseID)
	return err == nil && CanManage(p, a) == nil
}

func (s *Service) access(ctx context.Context, p auth.Principal, caseID int64) (cases.Access, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return a, err
	}
	return a, cases.CanView(p, a)
}

// shown is c as p sees it, and whether p sees it at all.
func shown(p auth.Principal, a cases.Access, c Credit) (Credit, bool) {
	switch ViewOf(p, a, c) {
	case Whole:
		return c, true
	case AsPrinted:
		return Credit{ID: c.ID, CaseID: c.CaseID, CaseKey: c.CaseKey, CaseTitle: c.CaseTitle, Type: c.Type,
			Organisation: orgShown(c), VulnerabilityID: c.VulnerabilityID, Status: c.Status, Anonymous: c.Anonymous,
			Printed: c.Printed, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Version: c.Version, Redacted: true}, true
	}
	return Credit{}, false
}

// orgShown: an anonymous credit names no organisation either.
func orgShown(c Credit) string {
	if c.Anonymous {
		return ""
	}
	return c.Organisation
}
