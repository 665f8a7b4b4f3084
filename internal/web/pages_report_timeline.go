package web

import (
	"context"
	"net/http"
	"net/url"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/cases"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/reports"
)

// The reporter's portal: the expected timeline of a report, the case it
// is part of, and the reporter's choice of who follows up with the
// vendors (reporter capacity).

// caseRef is the case a report is filed in, as its reporter's pages name
// it: Link is set when the visitor may open the case's page.
type caseRef struct {
	Key  string
	Link bool
}

// reportProgress is what the reporter's pages show beyond the report.
type reportProgress struct {
	Steps []reports.Step
	Case  caseRef
}

// progressOf computes the expected timeline of the report v shows to its
// reporter (visitor p: signed in, or anonymous with the follow-up secret).
func (s *Web) progressOf(ctx context.Context, p auth.Principal, v reports.ReporterView) (reportProgress, error) {
	var out reportProgress
	var facts *reports.CaseFacts
	pol, err := s.programPolicy(ctx, v)
	if err != nil {
		return out, err
	}
	if v.CaseID != 0 {
		var casePol *reports.PublicationPolicy
		if facts, casePol, err = s.caseFacts(ctx, v.CaseID); err != nil {
			return out, err
		}
		if casePol != nil {
			pol = *casePol
		}
		out.Case.Key = facts.Key
		if !p.Anonymous() {
			_, aerr := s.Cases.Access(ctx, p, v.CaseID)
			out.Case.Link = aerr == nil
		}
	}
	out.Steps = s.Reports.TimelineOf(v, facts, pol, s.Now())
	return out, nil
}

// publicationPolicy turns a disclosure policy into the timeline's terms;
// owner names it when the organisation published it.
func publicationPolicy(pol cases.Policy, owner string) reports.PublicationPolicy {
	if !pol.Published {
		owner = ""
	}
	return reports.PublicationPolicy{Owner: owner, Days: pol.Days, CountsFrom: string(pol.CountsFrom)}
}

// programPolicy is the disclosure policy a report not yet in a case is
// expected under: that of the program it was sent through (the first
// vendor of the directory with a published program), else the default.
func (s *Web) programPolicy(ctx context.Context, v reports.ReporterView) (reports.PublicationPolicy, error) {
	for _, vd := range v.Details.Vendors {
		if vd.OrgID == 0 {
			continue
		}
		g, err := s.Orgs.PublishedProgramOf(ctx, vd.OrgID)
		if errs.Is(err, errs.NotFound) {
			continue
		}
		if err != nil {
			return reports.PublicationPolicy{}, err
		}
		pol, err := s.Cases.PolicyOf(ctx, g.OrgID)
		if err != nil {
			return reports.PublicationPolicy{}, err
		}
		return publicationPolicy(pol, g.OrgName), nil
	}
	pr, _ := cases.PresetByKey(cases.DefaultPreset)
	return reports.PublicationPolicy{Days: pr.Days, CountsFrom: string(pr.CountsFrom)}, nil
}

// caseFacts reads what the timeline needs of case id, and the disclosure
// policy of its coordinator (nil when it has no coordinator organisation).
// The reporter proved who they are to reports, which named the case; the
// milestones name nobody, so an anonymous reporter may read them too.
func (s *Web) caseFacts(ctx context.Context, id int64) (*reports.CaseFacts, *reports.PublicationPolicy, error) {
	m, err := s.Cases.MilestonesOf(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	f := &reports.CaseFacts{Key: m.Key, OpenedAt: m.OpenedAt, Public: m.Public, EmbargoEndsAt: m.EmbargoEndsAt, VendorsNotifiedAt: m.FirstVendorAt}
	if len(m.Coordinators) == 0 {
		return f, nil, nil
	}
	c := m.Coordinators[0] // the first to coordinate sets the expectation
	pol, err := s.Cases.PolicyOf(ctx, c.OrgID)
	if err != nil {
		return nil, nil, err
	}
	pp := publicationPolicy(pol, c.Name)
	return f, &pp, nil
}

// capacitySave records the signed-in reporter's choice of who follows up
// with the vendors.
func (s *Web) capacitySave(w http.ResponseWriter, r *http.Request, v *visitor) {
	view, ok := s.myView(w, r, v)
	if !ok {
		return
	}
	s.saveCapacity(w, r, v, reports.ByAccount(v.P, view.ID), "/reports/"+itoa(view.ID))
}

// followUpCapacity records the choice of the reporter holding the
// follow-up secret.
func (s *Web) followUpCapacity(w http.ResponseWriter, r *http.Request, v *visitor) {
	noReferrer(w)
	secret := r.PostFormValue("secret")
	s.saveCapacity(w, r, v, reports.BySecret(secret), "/report/follow-up?"+url.Values{"secret": {secret}}.Encode())
}

func (s *Web) saveCapacity(w http.ResponseWriter, r *http.Request, v *visitor, who reports.Reporter, back string) {
	c := reports.Capacity(r.PostFormValue("capacity"))
	_, err := s.Reports.SetCapacity(r.Context(), who, c, r.PostFormValue("note"))
	if err == nil {
		s.Wake() // the coordinators are told
		msg := "Recorded: the coordinators carry the follow-up with the vendors, and keep you informed here."
		if c == reports.CapacityReporter {
			msg = "Recorded: you coordinate with the vendors yourself, and the coordinators advise you here."
		}
		redirect(w, r, back, msg)
		return
	}
	if k := errs.KindOf(err); k != errs.Invalid && k != errs.Conflict {
		s.fail(w, r, v, err)
		return
	}
	view, verr := s.Reports.View(r.Context(), who)
	if verr != nil {
		s.fail(w, r, v, verr)
		return
	}
	page, perr := s.followUpPageOf(r.Context(), v, view, who.Secret)
	if perr != nil {
		s.fail(w, r, v, perr)
		return
	}
	page.CapacityForm, page.Note = formOf(err), r.PostFormValue("note")
	s.render(w, r, formStatus(err), "report_followup", page)
}

// StepMark is the sign of a step's state, for people who do not read the
// word.
func (p followUpPage) StepMark(st reports.StepState) string {
	switch st {
	case reports.StepDone:
		return "✓"
	case reports.StepLate:
		return "!"
	case reports.StepSkipped:
		return "–"
	}
	return "…"
}

// StepWord says a step's state in words.
func (p followUpPage) StepWord(st reports.StepState) string {
	switch st {
	case reports.StepDone:
		return "done"
	case reports.StepLate:
		return "overdue"
	case reports.StepSkipped:
		return "not needed"
	}
	return "expected"
}
