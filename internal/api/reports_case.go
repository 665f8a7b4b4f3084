package api

import (
	"context"
	"database/sql"
	"net/http"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
)

// ReportCaseInput files a report in a case: an existing one by key, or a
// new one named after the report when Case is empty.
type ReportCaseInput struct {
	Case string `json:"case"`
}

// reportToCase opens a case from a report, or files it in an existing
// one: one transaction holding the case change and the report's (accepted
// if only valid); its reporter joins unless in already.
func (a *API) reportToCase(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var in ReportCaseInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var c cases.Case
	status := http.StatusOK
	if err == nil && strings.TrimSpace(in.Case) != "" {
		if c, err = a.Cases.GetByKey(r.Context(), p, in.Case); err == nil {
			c, err = a.Cases.Attach(r.Context(), p, c.ID, a.fileReport(p, id))
		}
	} else if err == nil {
		rep, gerr := a.Reports.Get(r.Context(), p, id)
		err = gerr
		if err == nil {
			status = http.StatusCreated
			c, err = a.Cases.Create(r.Context(), p, cases.NewCase{Title: rep.Title, Summary: "Opened from report " + rep.TrackingID + ".",
				Vulnerabilities: []cases.VulnFields{{Title: rep.Title}}, From: a.fileReport(p, id)})
		}
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, status, caseOut(c))
}

// fileReport is the cases hook that files report id in the case being
// changed, in its transaction, and names the reporter to join.
func (a *API) fileReport(p auth.Principal, id int64) func(ctx context.Context, tx *sql.Tx, c cases.Case) ([]cases.NewParticipant, error) {
	return func(ctx context.Context, tx *sql.Tx, c cases.Case) ([]cases.NewParticipant, error) {
		users, err := a.Reports.LinkCase(ctx, tx, p, []int64{id}, c.ID, c.Key)
		parts := make([]cases.NewParticipant, len(users))
		for i, u := range users {
			parts[i] = cases.NewParticipant{UserID: u, Roles: []cases.Role{cases.RoleReporter}}
		}
		return parts, err
	}
}
