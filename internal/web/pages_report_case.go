package web

import (
	"context"
	"database/sql"
	"net/http"
	"strings"

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
		Vulnerabilities: []cases.VulnFields{{Title: rep.Title}}, From: s.fileReport(v, id)}
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

// fileReport is the cases hook that files report id in the case, in the
// case's transaction, and names its reporter to join.
func (s *Web) fileReport(v *visitor, id int64) func(ctx context.Context, tx *sql.Tx, c cases.Case) ([]cases.NewParticipant, error) {
	return func(ctx context.Context, tx *sql.Tx, c cases.Case) ([]cases.NewParticipant, error) {
		users, err := s.Reports.LinkCase(ctx, tx, v.P, []int64{id}, c.ID, c.Key)
		parts := make([]cases.NewParticipant, len(users))
		for i, u := range users {
			parts[i] = cases.NewParticipant{UserID: u, Roles: []cases.Role{cases.RoleReporter}}
		}
		return parts, err
	}
}

// reportToCase files a report in an existing case (a duplicate report of
// a coordinated issue, or a second finder): the report is accepted, its
// reporter joins unless it is in already.
func (s *Web) reportToCase(w http.ResponseWriter, r *http.Request, v *visitor) {
	id, ok := pathID(r, "id")
	if !ok {
		s.fail(w, r, v, errs.E(errs.NotFound, "no such report"))
		return
	}
	key := strings.TrimSpace(r.PostFormValue("case"))
	c, err := s.Cases.GetByKey(r.Context(), v.P, key)
	if err == nil {
		c, err = s.Cases.Attach(r.Context(), v.P, c.ID, s.fileReport(v, id))
	}
	if err != nil {
		if k := errs.KindOf(err); k == errs.Conflict || k == errs.Invalid || k == errs.NotFound {
			redirect(w, r, "/triage/"+itoa(id), "Not filed: "+errs.Public(err))
			return
		}
		s.fail(w, r, v, err)
		return
	}
	s.Wake()
	redirect(w, r, "/cases/"+c.Key, "The report is filed in "+c.Key+".")
}
