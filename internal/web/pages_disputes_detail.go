package web

import (
	"html/template"
	"net/http"
	"time"

	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/disputes"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/markdown"
)

// disputePage is one dispute as the visitor may see it, with the forms
// open to it.
type disputePage struct {
	Layout
	disputeForms
	Case        cases.Case
	D           disputes.Detail
	Now         time.Time
	Speaks      []disputes.Party // the parties the visitor speaks for
	Mediates    bool
	CanPost     bool
	CanWithdraw bool
}

// MD renders Markdown written by people, sanitised.
func (p disputePage) MD(src string) template.HTML { return markdown.Render(src) }

// Age says how long the dispute has been open.
func (p disputePage) Age() string { return ageWords(p.D.Age(p.Now)) }

// When writes t as zone shows it.
func (p disputePage) When(t time.Time, zone string) string {
	return disputes.InZone(t, zone).Format("2006-01-02 15:04") + " " + zone
}

// Answers tells whether the visitor may still answer resolution r for a
// party: it is pending and one of the visitor's parties has not answered.
func (p disputePage) Answers(r disputes.Resolution) bool {
	if r.Status != disputes.Pending || !p.D.Open() {
		return false
	}
	for _, pt := range p.Speaks {
		if !r.Answered(pt.Participant) {
			return true
		}
	}
	return false
}

// Extension tells whether the dispute is a deadline extension request.
func (p disputePage) Extension() bool { return p.D.Topic == disputes.TopicExtension }

func (s *Web) loadDispute(r *http.Request, v *visitor) (disputePage, error) {
	ctx := r.Context()
	c, err := s.Cases.GetByKey(ctx, v.P, r.PathValue("key"))
	if err != nil {
		return disputePage{}, err
	}
	id, ok := pathID(r, "id")
	if !ok {
		return disputePage{}, errs.E(errs.NotFound, "no such dispute in this case")
	}
	d, err := s.Disputes.Get(ctx, v.P, c.ID, id)
	if err != nil {
		return disputePage{}, err
	}
	page := disputePage{Layout: s.layout(v, d.Title+" · "+c.Key, "cases"), Case: c, D: d, Now: s.Now()}
	if d.Open() {
		page.Mediates = disputes.CanMediate(v.P, d.Standing) == nil
		page.CanPost = disputes.CanPost(v.P, d.Standing) == nil
		page.CanWithdraw = disputes.CanWithdraw(v.P, d.Standing) == nil
		for _, pt := range d.Parties {
			if disputes.CanState(v.P, d.Standing, pt.Participant) == nil {
				page.Speaks = append(page.Speaks, pt)
			}
		}
	}
	return page, nil
}

func (s *Web) disputeDetail(w http.ResponseWriter, r *http.Request, v *visitor) {
	page, err := s.loadDispute(r, v)
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "dispute", page)
}

// disputeAction is one form of the dispute page: it makes the change and
// says what the next page's flash tells.
type disputeAction func(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error)

// disputeAct runs form name's action and goes back to the dispute, or
// shows the page again with the form's error.
func (s *Web) disputeAct(name string, do disputeAction) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *visitor) {
		c, err := s.Cases.GetByKey(r.Context(), v.P, r.PathValue("key"))
		if err != nil {
			s.fail(w, r, v, err)
			return
		}
		id, ok := pathID(r, "id")
		if !ok {
			s.fail(w, r, v, errs.E(errs.NotFound, "no such dispute in this case"))
			return
		}
		msg, err := do(s, r, v, c.ID, id)
		if err != nil {
			s.disputeAgain(w, r, v, name, err)
			return
		}
		s.Wake()
		redirect(w, r, "/cases/"+c.Key+"/disputes/"+itoa(id), msg)
	}
}

// disputeAgain shows the dispute with form name's error; refusals that no
// form can mend get the error page.
func (s *Web) disputeAgain(w http.ResponseWriter, r *http.Request, v *visitor, name string, err error) {
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	page, lerr := s.loadDispute(r, v)
	if lerr != nil {
		s.fail(w, r, v, lerr)
		return
	}
	page.refused(name, r, err)
	s.render(w, r, formStatus(err), "dispute", page)
}

func statePosition(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	as, err := formID(r, "as")
	if err == nil {
		_, err = s.Disputes.StatePosition(r.Context(), v.P, caseID, id, disputes.Position{As: as, Text: r.PostFormValue("text"),
			Visibility: disputes.Visibility(visibilityOf(r))})
	}
	return "Position stated.", err
}

func postMessage(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	as, err := formID(r, "as")
	if err == nil {
		_, err = s.Disputes.Post(r.Context(), v.P, caseID, id, as, r.PostFormValue("body"))
	}
	return "Message posted.", err
}

func proposeResolution(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	_, err := s.Disputes.Propose(r.Context(), v.P, caseID, id, r.PostFormValue("proposal"))
	return "Resolution proposed: the parties are asked to accept or reject it.", err
}

func answerResolution(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	rid, ok := pathID(r, "rid")
	if !ok {
		return "", errs.E(errs.NotFound, "no such proposal in this dispute")
	}
	as, err := formID(r, "as")
	var accept bool
	switch r.PostFormValue("answer") {
	case "accept":
		accept = true
	case "reject":
	default:
		err = errs.Field("answer", "choose accept or reject")
	}
	var res disputes.Resolution
	if err == nil {
		res, err = s.Disputes.Answer(r.Context(), v.P, caseID, id, rid, disputes.Reply{As: as, Accept: accept, Comment: r.PostFormValue("comment")})
	}
	switch res.Status {
	case disputes.Accepted:
		return "Every party accepted: the dispute is resolved.", err
	case disputes.Rejected:
		return "Proposal rejected: the mediator may propose another.", err
	}
	return "Proposal accepted; the other parties are still to answer.", err
}

func decideExtension(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	d := disputes.Decision{Answer: disputes.Answer(r.PostFormValue("answer")), Until: r.PostFormValue("until"),
		Zone: r.PostFormValue("zone"), Reasons: r.PostFormValue("reasons")}
	if d.Answer == disputes.Denied || d.Until == "" {
		d.Until, d.Zone = "", "" // the form's preset zone says nothing without a date
	}
	_, err := s.Disputes.Decide(r.Context(), v.P, caseID, id, d)
	return "Extension request answered.", err
}

func closeDispute(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	_, err := s.Disputes.Close(r.Context(), v.P, caseID, id, r.PostFormValue("reasons"))
	return "Dispute closed without agreement.", err
}

func withdrawDispute(s *Web, r *http.Request, v *visitor, caseID, id int64) (string, error) {
	_, err := s.Disputes.Withdraw(r.Context(), v.P, caseID, id, r.PostFormValue("reasons"))
	return "Dispute withdrawn.", err
}
