package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Embargo negotiation under /api/v1/cases/{key}/embargo, disclosure
// policies under /api/v1/orgs/{id}/policy and a case's CRA clocks.
func (a *API) embargoRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/cases/{key}/embargo", a.getEmbargo},
		{"POST", "/api/v1/cases/{key}/embargo/proposals", caseAction(a, http.StatusCreated, a.proposeEmbargo)},
		{"POST", "/api/v1/cases/{key}/embargo/answers", caseAction(a, http.StatusOK, a.answerEmbargo)},
		{"POST", "/api/v1/cases/{key}/embargo/decision", caseAction(a, http.StatusOK, a.decideEmbargo)},
		{"POST", "/api/v1/cases/{key}/embargo/terminate", caseAction(a, http.StatusOK, a.terminateEmbargo)},
		{"PATCH", "/api/v1/cases/{key}/embargo/settings", caseAction(a, http.StatusOK, a.embargoSettings)},
		{"POST", "/api/v1/cases/{key}/participants/{id}/share", caseAction(a, http.StatusNoContent, a.shareDetails)},
		{"GET", "/api/v1/policies/presets", a.policyPresets},
		{"GET", "/api/v1/orgs/{id}/policy", a.getPolicy},
		{"PUT", "/api/v1/orgs/{id}/policy", a.setPolicy},
		{"GET", "/api/v1/cases/{key}/cra", a.getCRA},
		{"PUT", "/api/v1/cases/{key}/cra", caseAction(a, http.StatusOK, a.setCRA)},
		{"POST", "/api/v1/cases/{key}/cra/reports", caseAction(a, http.StatusOK, a.recordCRAReport)},
		{"GET", "/api/v1/cases/{key}/schedule", a.getSchedule},
		{"PUT", "/api/v1/cases/{key}/schedule", caseAction(a, http.StatusOK, a.setSchedule)},
	}
}

// caseAction makes the handler of a change to a case: find the case (404
// for one the caller may not see), decode the body into In, run do and
// write its answer with status (none for 204).
func caseAction[In, Out any](a *API, status int, do func(r *http.Request, p auth.Principal, caseID int64, in In) (Out, error)) func(http.ResponseWriter, *http.Request, auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		id, err := a.caseRef(r, p)
		var in In
		if err == nil {
			err = decode(w, r, &in)
		}
		var out Out
		if err == nil {
			out, err = do(r, p, id, in)
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.Wake() // notices to the participants are queued
		if status == http.StatusNoContent {
			w.WriteHeader(status)
			return
		}
		writeJSON(w, status, out)
	}
}

func (a *API) getEmbargo(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var e cases.Embargo
	if err == nil {
		e, err = a.Cases.Embargo(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, embargoOut(e))
}

func (a *API) proposeEmbargo(r *http.Request, p auth.Principal, id int64, in ProposalInput) (EmbargoProposal, error) {
	var pr cases.Proposal
	var err error
	if in.Default {
		if in.EndsAt != "" || in.Zone != "" {
			return EmbargoProposal{}, errs.Field("default", "takes its date from the disclosure policy: leave ends_at and zone empty")
		}
		pr, err = a.Cases.ProposeDefaultEmbargo(r.Context(), p, id, in.AsParticipant)
	} else {
		var t cases.Terms
		if t.EndsAt, t.Zone, err = cases.ParseEnd(in.EndsAt, in.Zone); err == nil {
			t.Justification = in.Justification
			pr, err = a.Cases.ProposeEmbargo(r.Context(), p, id, in.AsParticipant, t)
		}
	}
	return proposalOut(pr), errs.Renamed(err, "participant", "as_participant")
}

// yesNo reads accept or reject.
func yesNo(field, s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "accept":
		return true, nil
	case "reject":
		return false, nil
	}
	return false, errs.Field(field, "must be accept or reject")
}

func (a *API) answerEmbargo(r *http.Request, p auth.Principal, id int64, in AnswerInput) (EmbargoProposal, error) {
	yes, err := yesNo("answer", in.Answer)
	if err == nil && in.ParticipantID <= 0 {
		err = errs.Field("participant_id", "is required: the participant you answer for")
	}
	if err != nil {
		return EmbargoProposal{}, err
	}
	pr, err := a.Cases.AnswerEmbargo(r.Context(), p, id, in.ParticipantID, in.ProposalID, yes, in.Comment)
	return proposalOut(pr), err
}

func (a *API) decideEmbargo(r *http.Request, p auth.Principal, id int64, in DecisionInput) (EmbargoProposal, error) {
	yes, err := yesNo("decision", in.Decision)
	if err != nil {
		return EmbargoProposal{}, err
	}
	pr, err := a.Cases.DecideEmbargo(r.Context(), p, id, in.ProposalID, yes, in.Reason)
	return proposalOut(pr), err
}

func (a *API) terminateEmbargo(r *http.Request, p auth.Principal, id int64, in ReasonInput) (Case, error) {
	c, err := a.Cases.TerminateEmbargo(r.Context(), p, id, in.Reason)
	return caseOut(c), err
}

func (a *API) embargoSettings(r *http.Request, p auth.Principal, id int64, in EmbargoSettingsInput) (Embargo, error) {
	if err := a.Cases.SetEmbargoProposers(r.Context(), p, id, in.Proposers); err != nil {
		return Embargo{}, err
	}
	e, err := a.Cases.Embargo(r.Context(), p, id)
	return embargoOut(e), err
}

func (a *API) shareDetails(r *http.Request, p auth.Principal, id int64, in ReasonInput) (struct{}, error) {
	pid, err := subID(r, "id", "participant")
	if err == nil {
		err = a.Cases.ShareDetails(r.Context(), p, id, pid, in.Reason)
	}
	return struct{}{}, err
}

func (a *API) policyPresets(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	out := []PolicyPreset{}
	for _, pr := range cases.Presets() {
		out = append(out, PolicyPreset{Key: pr.Key, Name: pr.Name, Days: pr.Days, CountsFrom: string(pr.CountsFrom),
			Justification: pr.Justification, Description: pr.Description})
	}
	writeJSON(w, http.StatusOK, out)
}

func orgIDOf(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errs.E(errs.NotFound, "no such organisation")
	}
	return id, nil
}

// getPolicy: published disclosure policies are public, as a program page
// shows them; the default of one never published only to those signed in.
func (a *API) getPolicy(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := orgIDOf(r)
	var pol cases.Policy
	if err == nil {
		pol, err = a.Cases.PolicyOf(r.Context(), id)
	}
	if err == nil && p.Anonymous() && !pol.Published {
		err = errs.E(errs.NotFound, "this organisation has published no disclosure policy")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, policyOut(pol))
}

func (a *API) setPolicy(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := orgIDOf(r)
	var in PolicyInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var pol cases.Policy
	if err == nil {
		pol, err = a.Cases.SetPolicy(r.Context(), p, id, cases.PolicyFields{Preset: in.Preset, Days: in.Days,
			CountsFrom: cases.CountsFrom(in.CountsFrom), Justification: in.Justification, Statement: in.Statement, Version: in.Version})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, policyOut(pol))
}

// ScheduleBody is a case's reminder schedule for silent vendors, in days
// from the first contact.
type ScheduleBody struct {
	RemindAfterDays    int `json:"remind_after_days"`
	AlternateAfterDays int `json:"alternate_after_days"`
	FlagAfterDays      int `json:"flag_after_days"`
}

const apiDay = 24 * time.Hour

func scheduleOut(s cases.Schedule) ScheduleBody {
	return ScheduleBody{RemindAfterDays: int(s.RemindAfter / apiDay), AlternateAfterDays: int(s.AlternateAfter / apiDay), FlagAfterDays: int(s.FlagAfter / apiDay)}
}

func (a *API) getSchedule(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var s cases.Schedule
	if err == nil {
		s, err = a.Cases.ScheduleOf(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, scheduleOut(s))
}

func (a *API) setSchedule(r *http.Request, p auth.Principal, id int64, in ScheduleBody) (ScheduleBody, error) {
	s := cases.Schedule{RemindAfter: time.Duration(in.RemindAfterDays) * apiDay, AlternateAfter: time.Duration(in.AlternateAfterDays) * apiDay,
		FlagAfter: time.Duration(in.FlagAfterDays) * apiDay}
	if err := a.Cases.SetSchedule(r.Context(), p, id, s); err != nil {
		return ScheduleBody{}, err
	}
	s, err := a.Cases.ScheduleOf(r.Context(), p, id)
	return scheduleOut(s), err
}
