package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// capacityRoutes: the reporter's choice of who follows up with the
// vendors (reporter capacity). The reporter chooses with their token, or
// without one by the report's follow-up secret; coordinator staff read
// the choice.
func (a *API) capacityRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/reports/{id}/capacity", a.getCapacity},
		{"POST", "/api/v1/reports/{id}/capacity", a.setCapacity},
	}
}

// ReportCapacity is who follows up with the vendors: "coordinator" (the
// reporter handed it over), "reporter" (the reporter coordinates, with the
// coordinator's advice) or "" (not chosen yet).
type ReportCapacity struct {
	ReportID   int64      `json:"report_id"`
	TrackingID string     `json:"tracking_id"`
	Capacity   string     `json:"capacity"`
	Text       string     `json:"text"`
	ChosenAt   *time.Time `json:"chosen_at,omitempty"`
}

// ReportCapacityInput is the reporter's choice; FollowUpSecret proves an
// anonymous reporter (then the {id} must name the same report).
type ReportCapacityInput struct {
	Capacity       string `json:"capacity"`
	Note           string `json:"note"`
	FollowUpSecret string `json:"follow_up_secret"`
}

func capacityOut(c reports.CapacityChoice) ReportCapacity {
	return ReportCapacity{ReportID: c.ReportID, TrackingID: c.TrackingID, Capacity: string(c.Capacity), Text: c.Capacity.Text(),
		ChosenAt: optTime(c.ChosenAt)}
}

func (a *API) getCapacity(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.reportID(r, p)
	var c reports.CapacityChoice
	if err == nil {
		c, err = a.Reports.CapacityOf(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, capacityOut(c))
}

func (a *API) setCapacity(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in ReportCapacityInput
	err := decode(w, r, &in)
	var who reports.Reporter
	if err == nil {
		who, err = a.capacityReporter(r, p, in.FollowUpSecret)
	}
	var c reports.CapacityChoice
	if err == nil {
		c, err = a.Reports.SetCapacity(r.Context(), who, reports.Capacity(in.Capacity), in.Note)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake() // the coordinators are told
	writeJSON(w, http.StatusOK, capacityOut(c))
}

// capacityReporter is the reporter of the report {id}: the holder of its
// follow-up secret (the secret's report must be the one the path names),
// else the signed-in account that submitted it.
func (a *API) capacityReporter(r *http.Request, p auth.Principal, secret string) (reports.Reporter, error) {
	if secret == "" {
		id, err := a.reportID(r, p)
		return reports.ByAccount(p, id), err
	}
	v, err := a.Reports.View(r.Context(), reports.BySecret(secret))
	if err != nil {
		return reports.Reporter{}, err
	}
	ref := r.PathValue("id")
	if ref != strconv.FormatInt(v.ID, 10) && !strings.EqualFold(ref, v.TrackingID) {
		return reports.Reporter{}, errs.E(errs.NotFound, "no such report")
	}
	return reports.BySecret(secret), nil
}
