package web

import (
	"net/http"

	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/org"
	"github.com/parleycvd/parley/internal/store"
	"github.com/parleycvd/parley/internal/webhooks"
)

// An organisation's signed webhooks and their delivery logs.
func (s *Web) webhookRoutes() []route {
	return []route{
		{"GET /orgs/{id}/webhooks", signedIn, s.webhookList},
		{"POST /orgs/{id}/webhooks", signedIn, s.webhookCreate},
		{"GET /orgs/{id}/webhooks/{hook}", signedIn, s.webhookLog},
		{"POST /orgs/{id}/webhooks/{hook}/delete", signedIn, s.webhookDelete},
		{"POST /orgs/{id}/webhooks/{hook}/test", signedIn, s.webhookTest},
	}
}

type webhooksPage struct {
	Layout
	Org        org.Org
	Hooks      []webhooks.Webhook
	Form       Form
	URL        string            // the address typed into the add form
	New        *webhooks.Webhook // the webhook just created, with...
	NewSecret  string            // ...its secret, shown this once
	Hook       *webhooks.Webhook // the webhook whose log is shown
	Deliveries []webhooks.Delivery
}

// webhooksPage reads the organisation's webhooks; the list checks who may
// see them before the organisation is read.
func (s *Web) webhooksPage(r *http.Request, v *visitor, orgID int64) (webhooksPage, error) {
	hooks, err := s.Webhooks.List(r.Context(), v.P, orgID)
	if err != nil {
		return webhooksPage{}, err
	}
	o, err := s.Orgs.Get(r.Context(), v.P, orgID)
	if err != nil {
		return webhooksPage{}, err
	}
	return webhooksPage{Layout: s.layout(v, "Webhooks of "+o.Name, "orgs"), Org: o, Hooks: hooks}, nil
}

func orgAndHook(r *http.Request) (int64, int64, error) {
	orgID, ok := pathID(r, "id")
	if !ok {
		return 0, 0, errs.E(errs.NotFound, "no such organisation")
	}
	if r.PathValue("hook") == "" {
		return orgID, 0, nil
	}
	id, ok := pathID(r, "hook")
	if !ok {
		return 0, 0, errs.E(errs.NotFound, "no such webhook")
	}
	return orgID, id, nil
}

func (s *Web) webhookList(w http.ResponseWriter, r *http.Request, v *visitor) {
	orgID, _, err := orgAndHook(r)
	var page webhooksPage
	if err == nil {
		page, err = s.webhooksPage(r, v, orgID)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.render(w, r, http.StatusOK, "webhooks", page)
}

func (s *Web) webhookCreate(w http.ResponseWriter, r *http.Request, v *visitor) {
	orgID, _, err := orgAndHook(r)
	var page webhooksPage
	if err == nil {
		page, err = s.webhooksPage(r, v, orgID)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	h, secret, err := s.Webhooks.Create(r.Context(), v.P, orgID, r.PostFormValue("url"))
	if err != nil {
		if k := errs.KindOf(err); k != errs.Invalid {
			s.fail(w, r, v, err)
			return
		}
		page.Form, page.URL = formOf(err), r.PostFormValue("url")
		s.render(w, r, formStatus(err), "webhooks", page)
		return
	}
	page.Hooks = append(page.Hooks, h)
	page.New, page.NewSecret = &h, secret
	page.Flash = "Webhook added. Copy its secret now: it is not shown again."
	s.render(w, r, http.StatusCreated, "webhooks", page)
}

func (s *Web) webhookLog(w http.ResponseWriter, r *http.Request, v *visitor) {
	orgID, id, err := orgAndHook(r)
	var page webhooksPage
	if err == nil {
		page, err = s.webhooksPage(r, v, orgID)
	}
	var h webhooks.Webhook
	if err == nil {
		h, err = s.Webhooks.Get(r.Context(), v.P, orgID, id)
	}
	if err == nil {
		page.Deliveries, err = s.Webhooks.Deliveries(r.Context(), v.P, orgID, id, store.Page{Limit: store.MaxPageSize})
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	page.Hook = &h
	s.render(w, r, http.StatusOK, "webhooks", page)
}

func (s *Web) webhookDelete(w http.ResponseWriter, r *http.Request, v *visitor) {
	orgID, id, err := orgAndHook(r)
	if err == nil {
		err = s.Webhooks.Delete(r.Context(), v.P, orgID, id)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	redirect(w, r, "/orgs/"+itoa(orgID)+"/webhooks", "Webhook deleted.")
}

func (s *Web) webhookTest(w http.ResponseWriter, r *http.Request, v *visitor) {
	orgID, id, err := orgAndHook(r)
	if err == nil {
		_, err = s.Webhooks.Ping(r.Context(), v.P, orgID, id)
	}
	if err != nil {
		s.fail(w, r, v, err)
		return
	}
	s.Wake()
	redirect(w, r, "/orgs/"+itoa(orgID)+"/webhooks/"+itoa(id), "A test delivery is queued.")
}
