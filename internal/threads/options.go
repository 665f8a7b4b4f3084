package threads

import (
	"context"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
)

// Options are the choices a form to start a thread offers p.
type Options struct {
	Manages  bool // p starts threads with any audience
	Settings Settings
	// As are the participants p may start a thread as (empty for staff
	// acting for none); Invitable whom it may name.
	As        []Named
	Invitable []Named
}

// Options returns what p may choose when starting a thread in case
// caseID. A vendor learns the names of the case's other vendors only when
// the case lets vendors invite vendors.
func (s *Service) Options(ctx context.Context, p auth.Principal, caseID int64) (Options, error) {
	a, err := s.cases.Access(ctx, p, caseID)
	if err != nil {
		return Options{}, err
	}
	q := s.db.Read()
	out := Options{Manages: cases.Manages(p, a)}
	if out.Settings, err = settingsOf(ctx, q, caseID); err != nil {
		return out, err
	}
	all, err := caseMembers(ctx, q, caseID)
	if err != nil {
		return out, err
	}
	for _, m := range all {
		if a.Acts(m.ID) {
			out.As = append(out.As, m.Named)
		}
	}
	for _, m := range all {
		if m.Coordinator {
			continue // in every thread
		}
		for _, as := range append(out.As, Named{}) {
			if Invitable(p, a, as, out.Settings.VendorsInviteVendors, m.Named) && m.ID != as.ID {
				out.Invitable = append(out.Invitable, m.Named)
				break
			}
		}
	}
	return out, nil
}
