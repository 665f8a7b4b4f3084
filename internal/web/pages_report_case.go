package web

import (
	"context"
	"database/sql"
	"net/http"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// caseKeyOf is the key of the case report id is filed in, "" if none.
func (s *Web) caseKeyOf(ctx context.Context, v *visitor, id int64) (string, error) {
	caseID, err := s.Reports.CaseOf(ctx, v.P, id)
	if err != nil || caseID == 0 {
		return "", err
	}
	c, err := s.Cases.Get(ctx, v.P, caseID)
	return c.Key, err
}

// caseFromReport opens a case from a report in one transaction: the case,
// its first vulnerability named after the report, the report filed in it
// (accepted if it was only valid) and its reporter as a participant.
func (s *Web) caseFromReport(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such report"))
		return
	}
	rep, err := s.Reports.Get(r.Context(), v.P, id)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	nc := cases.NewCase{Title: rep.Title, Summary: "Opened from report " + rep.TrackingID + ".",
		Vulnerabilities: []cases.VulnFields{{Title: rep.Title}},
		From: func(ctx context.Context, tx *sql.Tx, c cases.Case) ([]cases.NewParticipant, error) {
			users, err := s.Reports.LinkCase(ctx, tx, v.P, []int64{id}, c.ID, c.Key)
			parts := make([]cases.NewParticipant, len(users))
			for i, u := range users {
				parts[i] = cases.NewParticipant{UserID: u, Roles: []cases.Role{cases.RoleReporter}}
			}
			return parts, err
		}}
	c, err := s.Cases.Create(r.Context(), v.P, nc)
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict || k == errs.Invalid {
			redirect(w, r, "/triage/"+itoa(id), "No case opened: "+errs.Public(err))
			return
		}
		s.fail(w, r, v, err)
		return
	}
	s.Wake()
	redirect(w, r, "/cases/"+c.Key, "Case "+c.Key+" opened from "+rep.TrackingID+". Add the vendors next.")
}
