package api

import (
	"net/http"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// CRAClock is one CRA report's deadline.
type CRAClock struct {
	Report    string     `json:"report"`
	Name      string     `json:"name"`
	DueAt     *time.Time `json:"due_at,omitempty"`
	MadeAt    *time.Time `json:"made_at,omitempty"`
	Reference string     `json:"reference,omitempty"`
	State     string     `json:"state"` // waiting, due, overdue, made, late
}

// CRA is a case's EU Cyber Resilience Act clocks.
type CRA struct {
	Manufacturer     int64      `json:"manufacturer_id"`
	ManufacturerName string     `json:"manufacturer"`
	AwareAt          time.Time  `json:"aware_at"`
	FixAvailableAt   *time.Time `json:"fix_available_at,omitempty"`
	Clocks           []CRAClock `json:"clocks"`
	Version          int        `json:"version"`
}

func craOut(c cases.CRA, now time.Time) CRA {
	out := CRA{Manufacturer: c.Manufacturer, ManufacturerName: c.ManufacturerName, AwareAt: c.AwareAt, FixAvailableAt: optTime(c.FixAvailableAt),
		Version: c.Version, Clocks: []CRAClock{}}
	for _, cl := range c.Clocks {
		out.Clocks = append(out.Clocks, CRAClock{Report: cl.Report, Name: cl.Name, DueAt: optTime(cl.DueAt), MadeAt: optTime(cl.MadeAt),
			Reference: cl.Reference, State: cl.State(now)})
	}
	return out
}

// CRAInput marks a case for the CRA or moves its clocks.
type CRAInput struct {
	Manufacturer   int64      `json:"manufacturer_id"`
	AwareAt        time.Time  `json:"aware_at"`
	FixAvailableAt *time.Time `json:"fix_available_at"`
	Version        int        `json:"version"`
}

// CRAReportInput records a CRA report made.
type CRAReportInput struct {
	Report    string     `json:"report"`
	At        *time.Time `json:"at"`
	Reference string     `json:"reference"`
}

func (a *API) getCRA(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var c cases.CRA
	var ok bool
	if err == nil {
		c, ok, err = a.Cases.CRAOf(r.Context(), p, id)
	}
	if err == nil && !ok {
		err = errs.E(errs.NotFound, "the case is not marked for the EU CRA")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, craOut(c, a.Now()))
}

func (a *API) setCRA(r *http.Request, p auth.Principal, id int64, in CRAInput) (CRA, error) {
	f := cases.CRAFields{Manufacturer: in.Manufacturer, AwareAt: in.AwareAt, Version: in.Version}
	if in.FixAvailableAt != nil {
		f.FixAvailableAt = *in.FixAvailableAt
	}
	c, err := a.Cases.SetCRA(r.Context(), p, id, f)
	return craOut(c, a.Now()), errs.Renamed(err, "manufacturer", "manufacturer_id")
}

func (a *API) recordCRAReport(r *http.Request, p auth.Principal, id int64, in CRAReportInput) (CRA, error) {
	var at time.Time
	if in.At != nil {
		at = *in.At
	}
	c, err := a.Cases.RecordCRAReport(r.Context(), p, id, in.Report, at, in.Reference)
	return craOut(c, a.Now()), err
}
