package api

import (
	"net/http"
	"time"

	"github.com/parleycvd/parley/internal/auth"
	"github.com/parleycvd/parley/internal/errs"
	"github.com/parleycvd/parley/internal/webhooks"
)

// An organisation's signed webhooks and their delivery logs.
func (a *API) webhookRoutes() []Route {
	return []Route{
		{"GET", "/api/v1/orgs/{id}/webhooks", a.listWebhooks},
		{"POST", "/api/v1/orgs/{id}/webhooks", a.createWebhook},
		{"DELETE", "/api/v1/orgs/{id}/webhooks/{hook}", a.deleteWebhook},
		{"GET", "/api/v1/orgs/{id}/webhooks/{hook}/deliveries", a.webhookDeliveries},
		{"POST", "/api/v1/orgs/{id}/webhooks/{hook}/test", a.pingWebhook},
	}
}

// Webhook is an organisation's endpoint for case events. Secret is set
// only in the answer to its creation: it is never shown again.
type Webhook struct {
	ID        int64     `json:"id"`
	Org       int64     `json:"org"`
	URL       string    `json:"url"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	Secret    string    `json:"secret,omitempty"`
}

func webhookOut(h webhooks.Webhook) Webhook {
	return Webhook{ID: h.ID, Org: h.OrgID, URL: h.URL, Active: h.Active, CreatedAt: h.CreatedAt}
}

// WebhookInput creates a webhook.
type WebhookInput struct {
	URL string `json:"url"`
}

// WebhookDelivery is one entry of a webhook's delivery log.
type WebhookDelivery struct {
	ID          int64      `json:"id"`
	Event       string     `json:"event"`
	Seq         int64      `json:"seq"`
	Status      string     `json:"status"`
	Attempts    int        `json:"attempts"`
	StatusCode  int        `json:"last_status_code,omitempty"`
	LastError   string     `json:"last_error,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	DeliveredAt *time.Time `json:"delivered_at,omitempty"`
}

func deliveryOut(d webhooks.Delivery) WebhookDelivery {
	out := WebhookDelivery{ID: d.ID, Event: d.Event, Seq: d.Seq, Status: d.Status, Attempts: d.Attempts, StatusCode: d.StatusCode,
		LastError: d.LastError, CreatedAt: d.CreatedAt}
	if !d.DeliveredAt.IsZero() {
		at := d.DeliveredAt
		out.DeliveredAt = &at
	}
	return out
}

// hookIDs reads the organisation's and the webhook's IDs from the path.
func hookIDs(r *http.Request) (int64, int64, error) {
	orgID, err := pathID(r, "id")
	if err != nil {
		return 0, 0, err
	}
	id, err := pathID(r, "hook")
	if err != nil {
		return 0, 0, errs.E(errs.NotFound, "no such webhook")
	}
	return orgID, id, nil
}

func (a *API) listWebhooks(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	orgID, err := pathID(r, "id")
	var list []webhooks.Webhook
	if err == nil {
		list, err = a.Webhooks.List(r.Context(), p, orgID)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[Webhook]{Items: []Webhook{}}
	for _, h := range list {
		out.Items = append(out.Items, webhookOut(h))
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *API) createWebhook(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	orgID, err := pathID(r, "id")
	var in WebhookInput
	if err == nil {
		err = decode(w, r, &in)
	}
	var h webhooks.Webhook
	var secret string
	if err == nil {
		h, secret, err = a.Webhooks.Create(r.Context(), p, orgID, in.URL)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := webhookOut(h)
	out.Secret = secret
	writeJSON(w, http.StatusCreated, out)
}

func (a *API) deleteWebhook(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	orgID, id, err := hookIDs(r)
	if err == nil {
		err = a.Webhooks.Delete(r.Context(), p, orgID, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *API) webhookDeliveries(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	orgID, id, err := hookIDs(r)
	page, perr := pageOf(r)
	if err == nil {
		err = perr
	}
	var list []webhooks.Delivery
	if err == nil {
		list, err = a.Webhooks.Deliveries(r.Context(), p, orgID, id, page)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	out := List[WebhookDelivery]{Items: []WebhookDelivery{}}
	for _, d := range list {
		out.Items = append(out.Items, deliveryOut(d))
	}
	if len(list) > 0 {
		out.NextCursor = nextCursor(page, len(list), list[len(list)-1].ID)
	}
	writeJSON(w, http.StatusOK, out)
}

// pingWebhook queues a test delivery.
func (a *API) pingWebhook(w http.ResponseWriter, r *http.Request, p auth.Principal) {
	orgID, id, err := hookIDs(r)
	var d webhooks.Delivery
	if err == nil {
		d, err = a.Webhooks.Ping(r.Context(), p, orgID, id)
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.Wake()
	writeJSON(w, http.StatusAccepted, deliveryOut(d))
}
