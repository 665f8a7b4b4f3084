package api

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
)

// Embargo negotiation under /api/v1/cases/{key}/embargo and disclosure
// policies under /api/v1/orgs/{id}/policy.
func (a *API) embargoRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/cases/{key}/embargo", a.getEmbargo},
		{"POST", "/api/v1/cases/{key}/embargo/proposals", a.proposeEmbargo},
		{"POST", "/api/v1/cases/{key}/embargo/answers", a.answerEmbargo},
		{"POST", "/api/v1/cases/{key}/embargo/decision", a.decideEmbargo},
		{"POST", "/api/v1/cases/{key}/embargo/terminate", a.terminateEmbargo},
		{"PATCH", "/api/v1/cases/{key}/embargo/settings", a.embargoSettings},
		{"POST", "/api/v1/cases/{key}/participants/{id}/share", a.shareDetails},
		{"GET", "/api/v1/policies/presets", a.policyPresets},
		{"GET", "/api/v1/orgs/{id}/policy", a.getPolicy},
		{"PUT", "/api/v1/orgs/{id}/policy", a.setPolicy},
		{"GET", "/api/v1/cases/{key}/cra", a.getCRA},
		{"PUT", "/api/v1/cases/{key}/cra", a.setCRA},
		{"POST", "/api/v1/cases/{key}/cra/reports", a.recordCRAReport},
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

func (a *API) proposeEmbargo(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in ProposalInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var pr cases.Proposal
	switch {
	case err != nil:
	case in.Default:
		if in.EndsAt != "" || in.Zone != "" {
			err = errs.Field("default", "takes its date from the disclosure policy: leave ends_at and zone empty")
			break
		}
		pr, err = a.Cases.ProposeDefaultEmbargo(r.Context(), p, id, in.AsParticipant)
	default:
		var t cases.Terms
		t.EndsAt, t.Zone, err = cases.ParseEnd(in.EndsAt, in.Zone)
		if err == nil {
			t.Justification = in.Justification
			pr, err = a.Cases.ProposeEmbargo(r.Context(), p, id, in.AsParticipant, t)
		}
	}
	if err != nil {
		a.fail(w, r, errs.Renamed(err, "participant", "as_participant"))
		return
	}
	writeJSON(w, http.StatusCreated, proposalOut(pr))
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

func (a *API) answerEmbargo(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in AnswerInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var yes bool
	if err == nil {
		yes, err = yesNo("answer", in.Answer)
	}
	if err == nil && in.ParticipantID <= 0 {
		err = errs.Field("participant_id", "is required: the participant you answer for")
	}
	var pr cases.Proposal
	if err == nil {
		pr, err = a.Cases.AnswerEmbargo(r.Context(), p, id, in.ParticipantID, in.ProposalID, yes, in.Comment)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusOK, proposalOut(pr))
}

func (a *API) decideEmbargo(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in DecisionInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var yes bool
	if err == nil {
		yes, err = yesNo("decision", in.Decision)
	}
	var pr cases.Proposal
	if err == nil {
		pr, err = a.Cases.DecideEmbargo(r.Context(), p, id, in.ProposalID, yes, in.Reason)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusOK, proposalOut(pr))
}

func (a *API) terminateEmbargo(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in ReasonInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var c cases.Case
	if err == nil {
		c, err = a.Cases.TerminateEmbargo(r.Context(), p, id, in.Reason)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusOK, caseOut(c))
}

func (a *API) embargoSettings(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in EmbargoSettingsInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Cases.SetEmbargoProposers(r.Context(), p, id, in.Proposers)
	}
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

func (a *API) shareDetails(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var pid int64
	if err == nil {
		pid, err = subID(r, "id", "participant")
	}
	var in ReasonInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		err = a.Cases.ShareDetails(r.Context(), p, id, pid, in.Reason)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
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

// getPolicy: disclosure policies are public, as a program page shows them.
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
