package api

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/ssvc"
)

// SSVCTree describes a decision model.
type SSVCTree struct {
	ID             string              `json:"id"`
	Name           string              `json:"name"`
	Version        string              `json:"version"`
	Table          string              `json:"table"`
	DecisionPoints []SSVCDecisionPoint `json:"decision_points"`
	Outcome        SSVCDecisionPoint   `json:"outcome"`
}

// SSVCDecisionPoint is a decision point with its values.
type SSVCDecisionPoint struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

func dpOut(d ssvc.DecisionPoint) SSVCDecisionPoint {
	out := SSVCDecisionPoint{ID: d.ID(), Name: d.Name, Values: []string{}}
	for _, v := range d.Values {
		out.Values = append(out.Values, v.Name)
	}
	return out
}

func (a *API) ssvcTrees(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if p.Anonymous() {
		a.fail(w, r, errs.E(errs.Unauthenticated, "sign in first"))
		return
	}
	out := List[SSVCTree]{Items: []SSVCTree{}}
	for _, t := range a.SSVC.Trees() {
		st := SSVCTree{ID: t.ID, Name: t.Table.Name, Version: t.Table.Version, Table: t.Table.ID(), Outcome: dpOut(t.Table.Outcome)}
		for _, d := range t.DecisionPoints() {
			st.DecisionPoints = append(st.DecisionPoints, dpOut(d))
		}
		out.Items = append(out.Items, st)
	}
	writeJSON(w, http.StatusOK, out)
}

type ssvcInput struct {
	Values    map[string]string `json:"values"`
	TargetIDs []string          `json:"target_ids"`
}

// SSVCResult is an evaluation with its SSVC selection list.
type SSVCResult struct {
	Outcome       string          `json:"outcome"`
	SelectionList json.RawMessage `json:"selection_list"`
}

func (a *API) ssvcEvaluate(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	if p.Anonymous() {
		a.fail(w, r, errs.E(errs.Unauthenticated, "sign in first"))
		return
	}
	var in ssvcInput
	if err := decode(w, r, &in); err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.evaluate(r.PathValue("tree"), in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) evaluate(treeID string, in ssvcInput) (SSVCResult, error) {
	t, err := a.SSVC.Tree(treeID)
	if err != nil {
		return SSVCResult{}, errs.Wrap(errs.NotFound, err, "%s", err.Error())
	}
	ev, err := t.Evaluate(in.Values)
	if err != nil {
		var ie *ssvc.InputError
		if errors.As(err, &ie) {
			return SSVCResult{}, &errs.Error{Kind: errs.Invalid, Field: "values", Message: ie.Error()}
		}
		return SSVCResult{}, err
	}
	sl, err := ssvc.MarshalSelectionList(ssvc.Assessment{Evaluation: ev, TargetIDs: in.TargetIDs, Timestamp: a.Now()})
	if err != nil {
		return SSVCResult{}, errs.Wrap(errs.Invalid, err, "target_ids: %v", err)
	}
	return SSVCResult{Outcome: ev.Outcome.Name, SelectionList: sl}, nil
}
