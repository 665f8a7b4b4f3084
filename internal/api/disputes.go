package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
)

// Disputes under /api/v1/cases/{key}/disputes, and the open disputes
// across cases under /api/v1/disputes.
func (a *API) disputeRoutes() []Route {
	const one = "/api/v1/cases/{key}/disputes/{id}"
	return []Route{
		{"GET", "/api/v1/disputes", a.listOpenDisputes},
		{"GET", "/api/v1/cases/{key}/disputes", a.listCaseDisputes},
		{"POST", "/api/v1/cases/{key}/disputes", a.createDispute},
		{"GET", one, a.getDispute},
		{"POST", one + "/positions", a.statePosition},
		{"POST", one + "/messages", a.postDisputeMessage},
		{"POST", one + "/resolutions", a.proposeResolution},
		{"POST", one + "/resolutions/{rid}/answer", a.answerResolution},
		{"POST", one + "/decision", a.decideExtension},
		{"POST", one + "/close", a.endDispute((*disputes.Service).Close)},
		{"POST", one + "/withdraw", a.endDispute((*disputes.Service).Withdraw)},
		{"GET", "/api/v1/cases/{key}/mediator", a.getMediator},
		{"POST", "/api/v1/cases/{key}/mediator", a.handOver},
	}
}

// disputeRef finds the case named by {key} and the dispute ID {id}.
func (a *API) disputeRef(r *http.Request, p auth.Principal) (caseID, id int64, err error) {
	if caseID, err = a.caseRef(r, p); err != nil {
		return 0, 0, err
	}
	id, err = subID(r, "id", "dispute")
	return caseID, id, err
}

func (a *API) listOpenDisputes(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	var mine bool
	if err == nil {
		mine, err = queryBool(r, "mine")
	}
	var list []disputes.Detail
	if err == nil {
		list, err = a.Disputes.Open(r.Context(), p, disputes.OpenFilter{Topic: disputes.Topic(r.URL.Query().Get("topic")), Mine: mine, Page: page})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Now()
	out := List[Dispute]{Items: []Dispute{}}
	for _, d := range list {
		out.Items = append(out.Items, disputeOut(d, now))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) listCaseDisputes(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var list []disputes.Detail
	if err == nil {
		list, err = a.Disputes.List(r.Context(), p, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	now := a.Now()
	out := List[Dispute]{Items: []Dispute{}}
	for _, d := range list {
		out.Items = append(out.Items, disputeOut(d, now))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createDispute(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var in DisputeInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var d disputes.Dispute
	if err == nil {
		d, err = a.Disputes.Create(r.Context(), p, caseID, in.newDispute())
	}
	a.answerDetail(w, r, p, caseID, d.ID, http.StatusCreated, err)
}

func (a *API) getDispute(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.disputeRef(r, p)
	a.answerDetail(w, r, p, caseID, id, http.StatusOK, err)
}

// answerDetail answers with the dispute as p sees it after a change
// (err, if any, is the change's).
func (a *API) answerDetail(w http.ResponseWriter, r *http.Request, p auth.Principal, caseID, id int64, status int, err error) {
	var d disputes.Detail
	if err == nil {
		d, err = a.Disputes.Get(r.Context(), p, caseID, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	if r.Method == http.MethodPost {
		a.Wake() // the notices are queued
	}
	writeJSON(w, status, disputeDetailOut(p, d, a.Now()))
}

func (a *API) statePosition(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.disputeRef(r, p)
	var in DisputePositionInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		_, err = a.Disputes.StatePosition(r.Context(), p, caseID, id, disputes.Position{As: in.As, Text: in.Text, Visibility: disputes.Visibility(in.Visibility)})
	}
	a.answerDetail(w, r, p, caseID, id, http.StatusOK, err)
}

func (a *API) postDisputeMessage(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.disputeRef(r, p)
	var in DisputeMessageInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		_, err = a.Disputes.Post(r.Context(), p, caseID, id, in.As, in.Body)
	}
	a.answerDetail(w, r, p, caseID, id, http.StatusCreated, err)
}

func (a *API) proposeResolution(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.disputeRef(r, p)
	var in DisputeProposalInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		_, err = a.Disputes.Propose(r.Context(), p, caseID, id, in.Proposal)
	}
	a.answerDetail(w, r, p, caseID, id, http.StatusCreated, err)
}

func (a *API) answerResolution(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.disputeRef(r, p)
	var rid int64
	if err == nil {
		rid, err = subID(r, "rid", "proposal")
	}
	var in DisputeAnswerInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var accept bool
	if err == nil {
		accept, err = parseDisputeAnswer(in.Answer)
	}
	if err == nil {
		_, err = a.Disputes.Answer(r.Context(), p, caseID, id, rid, disputes.Reply{As: in.As, Accept: accept, Comment: in.Comment})
	}
	a.answerDetail(w, r, p, caseID, id, http.StatusOK, err)
}

func parseDisputeAnswer(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "accept":
		return true, nil
	case "reject":
		return false, nil
	}
	return false, errs.Field("answer", "must be accept or reject")
}

func (a *API) decideExtension(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, id, err := a.disputeRef(r, p)
	var in DisputeDecisionInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil {
		_, err = a.Disputes.Decide(r.Context(), p, caseID, id, disputes.Decision{Answer: disputes.Answer(in.Answer), Until: in.Until,
			Zone: in.Zone, Reasons: in.Reasons})
	}
	a.answerDetail(w, r, p, caseID, id, http.StatusOK, err)
}

// endDispute closes a dispute unresolved or withdraws it.
func (a *API) endDispute(end func(*disputes.Service, context.Context, auth.Principal, int64, int64, string) (disputes.Dispute, error)) func(http.ResponseWriter, *http.Request, auth.Principal) {
	return func(w http.ResponseWriter, r *http.Request, p auth.Principal) {
		caseID, id, err := a.disputeRef(r, p)
		var in DisputeReasonsInput
		if err == nil {
			err = decode(w, r, &in)
		}
		if err == nil {
			_, err = end(a.Disputes, r.Context(), p, caseID, id, in.Reasons)
		}
		a.answerDetail(w, r, p, caseID, id, http.StatusOK, err)
	}
}

func (a *API) getMediator(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var m disputes.Mediation
	if err == nil {
		m, err = a.Disputes.Mediator(r.Context(), p, caseID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, disputeMediationOut(m))
}

func (a *API) handOver(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var in DisputeMediatorInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var m disputes.Mediation
	if err == nil {
		m, err = a.Disputes.HandOver(r.Context(), p, caseID, in.ParticipantID, in.Reason)
		err = errs.Renamed(err, "participant", "participant_id")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusOK, disputeMediationOut(m))
}
