package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/credits"
	"github.com/parleycvd/parley/internal/errs"
)

// Credits under /api/v1/cases/{key}/credits, and the caller's own credits
// under /api/v1/me/credits.
func (a *API) creditRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/cases/{key}/credits", a.listCredits},
		{"POST", "/api/v1/cases/{key}/credits", a.proposeCredit},
		{"PATCH", "/api/v1/cases/{key}/credits/{id}", a.editCredit},
		{"DELETE", "/api/v1/cases/{key}/credits/{id}", a.withdrawCredit},
		{"GET", "/api/v1/me/credits", a.myCredits},
		{"POST", "/api/v1/me/credits/{id}/answer", a.answerCredit},
	}
}

// Credit is a credit as the caller sees it. A redacted one (a participant
// who neither manages the case nor is credited) carries what is printed:
// type, vulnerability, organisation and printed name.
type Credit struct {
	ID              int64     `json:"id"`
	CaseKey         string    `json:"case_key"`
	CaseTitle       string    `json:"case_title,omitempty"`
	Type            string    `json:"type"`
	TypeLabel       string    `json:"type_label"`
	UserID          int64     `json:"user_id,omitempty"`
	UserName        string    `json:"user_name,omitempty"`
	Name            string    `json:"name,omitempty"`
	Email           string    `json:"email,omitempty"`
	Organisation    string    `json:"organisation,omitempty"`
	VulnerabilityID int64     `json:"vulnerability_id,omitempty"`
	Status          string    `json:"status"` // proposed, accepted, declined
	Anonymous       bool      `json:"anonymous"`
	PrintedName     string    `json:"printed_name,omitempty"`
	Printed         string    `json:"printed"`
	Reason          string    `json:"reason,omitempty"`
	Redacted        bool      `json:"redacted,omitempty"`
	Version         int       `json:"version"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

// CreditInput proposes a credit: a type and either user_id or name.
type CreditInput struct {
	Type            string `json:"type"`
	UserID          int64  `json:"user_id"`
	Name            string `json:"name"`
	Email           string `json:"email"`
	Organisation    string `json:"organisation"`
	VulnerabilityID int64  `json:"vulnerability_id"`
}

// CreditPatch edits a credit at version; absent fields stay. status,
// anonymous and printed_name answer for a credit without an account, with
// a reason.
type CreditPatch struct {
	Version         int     `json:"version"`
	Type            *string `json:"type"`
	Name            *string `json:"name"`
	Email           *string `json:"email"`
	Organisation    *string `json:"organisation"`
	VulnerabilityID *int64  `json:"vulnerability_id"`
	Status          *string `json:"status"`
	Anonymous       *bool   `json:"anonymous"`
	PrintedName     *string `json:"printed_name"`
	Reason          string  `json:"reason"`
}

// CreditAnswer is the credited's answer: accept or decline.
type CreditAnswer struct {
	Answer      string `json:"answer"`
	Anonymous   bool   `json:"anonymous"`
	PrintedName string `json:"printed_name"`
	Version     int    `json:"version"`
}

func creditOut(c credits.Credit) Credit {
	return Credit{ID: c.ID, CaseKey: c.CaseKey, CaseTitle: c.CaseTitle, Type: string(c.Type), TypeLabel: c.Type.Label(),
		UserID: c.UserID, UserName: c.UserName, Name: c.Name, Email: c.Email, Organisation: c.Organisation,
		VulnerabilityID: c.VulnerabilityID, Status: string(c.Status), Anonymous: c.Anonymous, PrintedName: c.PrintedName,
		Printed: c.Printed, Reason: c.Reason, Redacted: c.Redacted, Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt}
}

func creditsOut(list []credits.Credit) List[Credit] {
	out := List[Credit]{Items: []Credit{}}
	for _, c := range list {
		out.Items = append(out.Items, creditOut(c))
	}
	return out
}

func (a *API) listCredits(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var list []credits.Credit
	if err == nil {
		list, err = a.Credits.List(r.Context(), p, caseID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, creditsOut(list))
}

func (a *API) proposeCredit(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var in CreditInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var c credits.Credit
	if err == nil {
		c, err = a.Credits.Propose(r.Context(), p, caseID, credits.NewCredit{Type: credits.Type(in.Type), UserID: in.UserID,
			Name: in.Name, Email: in.Email, Organisation: in.Organisation, VulnerabilityID: in.VulnerabilityID})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, creditOut(c))
}

func (a *API) editCredit(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var id int64
	if err == nil {
		id, err = subID(r, "id", "credit")
	}
	var in CreditPatch
	if err == nil {
		err = decode(w, r, &in)
	}
	var c credits.Credit
	if err == nil {
		c, err = a.Credits.Edit(r.Context(), p, caseID, id, in.patch())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, creditOut(c))
}

func (in CreditPatch) patch() credits.Patch {
	pt := credits.Patch{Version: in.Version, Name: in.Name, Email: in.Email, Organisation: in.Organisation,
		VulnerabilityID: in.VulnerabilityID, Anonymous: in.Anonymous, PrintedName: in.PrintedName, Reason: in.Reason}
	if in.Type != nil {
		t := credits.Type(*in.Type)
		pt.Type = &t
	}
	if in.Status != nil {
		s := credits.Status(*in.Status)
		pt.Status = &s
	}
	return pt
}

// withdrawCredit takes the version the withdrawal is based on from
// ?version=.
func (a *API) withdrawCredit(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	caseID, err := a.caseRef(r, p)
	var id int64
	if err == nil {
		id, err = subID(r, "id", "credit")
	}
	var version int
	if err == nil {
		version, err = versionOf(r)
	}
	if err == nil {
		err = a.Credits.Withdraw(r.Context(), p, caseID, id, version)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// versionOf reads the required ?version= of a withdrawal.
func versionOf(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.URL.Query().Get("version"))
	if err != nil || n <= 0 {
		return 0, errs.Field("version", "give the version of the credit the withdrawal is based on")
	}
	return n, nil
}

func (a *API) myCredits(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	list, err := a.Credits.Mine(r.Context(), p)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, creditsOut(list))
}

func (a *API) answerCredit(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := subID(r, "id", "credit")
	var in CreditAnswer
	if err == nil {
		err = decode(w, r, &in)
	}
	var accept bool
	if err == nil {
		switch in.Answer {
		case "accept":
			accept = true
		case "decline":
		default:
			err = errs.Field("answer", "must be accept or decline")
		}
	}
	var c credits.Credit
	if err == nil {
		c, err = a.Credits.Answer(r.Context(), p, id, credits.Answer{Accept: accept, Anonymous: in.Anonymous, PrintedName: in.PrintedName, Version: in.Version})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, creditOut(c))
}
