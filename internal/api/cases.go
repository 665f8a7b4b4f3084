package api

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/protocol"
	"github.com/parleycvd/parley/internal/store"
)

// Cases under /api/v1/cases/{key}: {key} is a case key (PAR-2026-0042, any
// case of letters) or the case's numeric ID. Every handler first finds the
// case as the caller sees it, so a case the caller may not see is not found
// whatever else the request holds.

// caseRef finds the case named by the {key} path value and returns its ID.
func (a *API) caseRef(r *http.Request, p auth.Principal) (int64, error) {
	c, err := a.caseOf(r, p)
	return c.ID, err
}

// caseOf returns the case named by the {key} path value, with its
// vulnerabilities.
func (a *API) caseOf(r *http.Request, p auth.Principal) (cases.Case, error) {
	v := r.PathValue("key")
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		if id <= 0 {
			return cases.Case{}, errs.E(errs.NotFound, "no such case")
		}
		return a.Cases.Get(r.Context(), p, id)
	}
	return a.Cases.GetByKey(r.Context(), p, v)
}

// subID reads the numeric path value name, naming what is missing.
func subID(r *http.Request, name, what string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errs.E(errs.NotFound, "no such %s in this case", what)
	}
	return n, nil
}

// queryBool reads an optional true/false query parameter.
func queryBool(r *http.Request, name string) (bool, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, errs.Field(name, "must be true or false")
	}
	return b, nil
}

// namedEvent is a protocol event with a letter and a name.
type namedEvent interface {
	comparable
	String() string
	Name() string
}

// parseEvent reads an event of machine given by its letter (any case) or
// its name (any case; "_" or "-" for spaces), as the body's field "event".
func parseEvent[E namedEvent](machine, s string, all []E) (E, error) {
	t := strings.TrimSpace(s)
	name := strings.ToLower(strings.NewReplacer("_", " ", "-", " ").Replace(t))
	want := make([]string, len(all))
	for i, e := range all {
		if strings.EqualFold(t, e.String()) || name == e.Name() {
			return e, nil
		}
		want[i] = fmt.Sprintf("%s (%s)", e.Name(), e.String())
	}
	var zero E
	if t == "" {
		return zero, errs.Field("event", "is required: use one of %s", strings.Join(want, ", "))
	}
	return zero, errs.Field("event", "%q is not one of the %s events: use one of %s", s, machine, strings.Join(want, ", "))
}

// consentEvents are the consent events participants take themselves.
var consentEvents = []protocol.ConsentEvent{protocol.ConsentInvite, protocol.ConsentAccept, protocol.ConsentDecline}

func parseConsentEvent(s string) (protocol.ConsentEvent, error) {
	t := strings.ToLower(strings.TrimSpace(s))
	for _, e := range consentEvents {
		if t == e.String() {
			return e, nil
		}
	}
	return 0, errs.Field("event", "%q is not a consent event: use invite, accept or decline", s)
}

func (a *API) listCases(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	page, err := pageOf(r)
	var mine bool
	if err == nil {
		mine, err = queryBool(r, "mine")
	}
	var list []cases.Case
	if err == nil {
		q := r.URL.Query()
		list, err = a.Cases.List(r.Context(), p, cases.Filter{Query: q.Get("q"), EMState: q.Get("em"), Mine: mine, Page: page})
		err = errs.Renamed(err, "em_state", "em")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Case]{Items: []Case{}}
	for _, c := range list {
		out.Items = append(out.Items, caseOut(c))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createCase(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	var in CaseInput
	err := decode(w, r, &in)
	var c cases.Case
	if err == nil {
		c, err = a.Cases.Create(r.Context(), p, in.newCase())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, caseDetailOut(c))
}

// getCase answers with the case, its vulnerabilities and what the caller
// may do. Reading it is also looking at it: the first look of a
// participant's member is recorded (and, for a vendor, V with it).
func (a *API) getCase(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	c, err := a.caseOf(r, p)
	if err == nil {
		err = a.Cases.MarkViewed(r.Context(), p, c.ID)
	}
	var acc cases.Access
	if err == nil {
		acc, err = a.Cases.Access(r.Context(), p, c.ID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := caseDetailOut(c)
	out.Access = caseAccessOut(p, acc)
	writeJSON(w, http.StatusOK, out)
}

func (a *API) addCaseVulnerability(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in CaseVulnerabilityInput
	if err == nil {
		err = decode(w, r, &in)
	}
	if err == nil && in.Version != 0 {
		err = errs.Field("version", "is not part of a new vulnerability")
	}
	var v cases.Vulnerability
	if err == nil {
		v, err = a.Cases.AddVulnerability(r.Context(), p, id, in.fields())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, vulnOut(v))
}

func (a *API) updateCaseVulnerability(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var vulnID int64
	if err == nil {
		vulnID, err = subID(r, "id", "vulnerability")
	}
	var in CaseVulnerabilityInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var v cases.Vulnerability
	if err == nil {
		v, err = a.Cases.UpdateVulnerability(r.Context(), p, id, vulnID, in.fields(), in.Version)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, vulnOut(v))
}

func (a *API) listCaseParticipants(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var page store.Page
	if err == nil {
		page, err = pageOf(r)
	}
	var silent, unresponsive bool
	if err == nil {
		silent, err = queryBool(r, "silent")
	}
	if err == nil {
		unresponsive, err = queryBool(r, "unresponsive")
	}
	var list []cases.Participant
	if err == nil {
		q := r.URL.Query()
		list, err = a.Cases.Participants(r.Context(), p, id, cases.ParticipantFilter{Role: cases.Role(q.Get("role")), RM: q.Get("rm"),
			Silent: silent, Unresponsive: unresponsive, Sort: cases.Sort(q.Get("sort")), Page: page})
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[CaseParticipant]{Items: []CaseParticipant{}}
	for _, pt := range list {
		out.Items = append(out.Items, participantOut(pt))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) addCaseParticipants(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in CaseParticipantsInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var list []cases.Participant
	if err == nil {
		list, err = a.Cases.AddParticipants(r.Context(), p, id, in.list())
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake() // vendors are told by a queued job
	out := List[CaseParticipant]{Items: make([]CaseParticipant, 0, len(list))}
	for _, pt := range list {
		out.Items = append(out.Items, participantOut(pt))
	}
	writeJSON(w, http.StatusCreated, out)
}

func (a *API) stepCaseRM(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var pid int64
	if err == nil {
		pid, err = subID(r, "id", "participant")
	}
	var in rmInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var e protocol.RMEvent
	if err == nil {
		e, err = parseEvent("RM", in.Event, protocol.RMEvents())
	}
	var pt cases.Participant
	if err == nil {
		pt, err = a.Cases.StepRM(r.Context(), p, id, pid, e, in.OverrideReason)
		err = errs.Renamed(err, "override", "override_reason")
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, participantOut(pt))
}

func (a *API) stepCaseConsent(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var pid int64
	if err == nil {
		pid, err = subID(r, "id", "participant")
	}
	var in eventInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var e protocol.ConsentEvent
	if err == nil {
		e, err = parseConsentEvent(in.Event)
	}
	var pt cases.Participant
	if err == nil {
		pt, err = a.Cases.StepConsent(r.Context(), p, id, pid, e)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, participantOut(pt))
}

func (a *API) recordCaseCS(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in csInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var ce protocol.CaseEvent
	if err == nil {
		ce.Event, err = parseEvent("CS", in.Event, protocol.CSEvents())
	}
	if err == nil && in.Vendor != 0 {
		ce.Vendor = strconv.FormatInt(in.Vendor, 10)
	}
	var changes []protocol.Change
	if err == nil {
		changes, err = a.Cases.RecordCS(r.Context(), p, id, ce)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, changesOut(changes))
}

func (a *API) sendCaseReport(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var in sendInput
	if err == nil {
		err = decode(w, r, &in)
	}
	switch {
	case err != nil:
	case in.From <= 0:
		err = errs.Field("from", "is required: the ID of the participant that sent the report")
	case in.To <= 0:
		err = errs.Field("to", "is required: the ID of the participant that received the report")
	}
	var pt cases.Participant
	if err == nil {
		pt, err = a.Cases.SendReport(r.Context(), p, id, in.From, in.To)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, participantOut(pt))
}

func (a *API) caseTimeline(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	id, err := a.caseRef(r, p)
	var page store.Page
	if err == nil {
		page, err = pageOf(r)
	}
	var list []cases.Event
	if err == nil {
		list, err = a.Cases.Timeline(r.Context(), p, id, page)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[CaseTimelineEntry]{Items: []CaseTimelineEntry{}}
	for _, e := range list {
		out.Items = append(out.Items, timelineOut(e))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].Seq)
	}
	writeJSON(w, http.StatusOK, out)
}
