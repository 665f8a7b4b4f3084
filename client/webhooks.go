package client

import (
	"context"
	"net/url"
	"strconv"
	"time"
)

// Webhook is an organisation's endpoint for case events. Secret is set
// only in the answer to CreateWebhook.
type Webhook struct {
	ID        int64     `json:"id"`
	Org       int64     `json:"org"`
	URL       string    `json:"url"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
	Secret    string    `json:"secret,omitempty"`
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

func webhookPath(org int64, rest ...string) string {
	p := "/api/v1/orgs/" + strconv.FormatInt(org, 10) + "/webhooks"
	for _, r := range rest {
		p += "/" + url.PathEscape(r)
	}
	return p
}

// Webhooks lists an organisation's webhooks.
func (c *Client) Webhooks(ctx context.Context, org int64) ([]Webhook, error) {
	var l List[Webhook]
	err := c.Do(ctx, "GET", webhookPath(org), nil, &l)
	return l.Items, err
}

// CreateWebhook adds a webhook; the answer holds its secret, shown this once.
func (c *Client) CreateWebhook(ctx context.Context, org int64, u string) (Webhook, error) {
	var out Webhook
	err := c.Do(ctx, "POST", webhookPath(org), map[string]string{"url": u}, &out)
	return out, err
}

// DeleteWebhook deletes a webhook and its delivery log.
func (c *Client) DeleteWebhook(ctx context.Context, org, id int64) error {
	return c.Do(ctx, "DELETE", webhookPath(org, strconv.FormatInt(id, 10)), nil, nil)
}

// WebhookDeliveries reads a page of a webhook's delivery log, newest first.
func (c *Client) WebhookDeliveries(ctx context.Context, org, id int64, cursor string, limit int) (List[WebhookDelivery], error) {
	q := url.Values{}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	p := webhookPath(org, strconv.FormatInt(id, 10), "deliveries")
	if len(q) > 0 {
		p += "?" + q.Encode()
	}
	var out List[WebhookDelivery]
	err := c.Do(ctx, "GET", p, nil, &out)
	return out, err
}

// TestWebhook queues a test delivery (event ping).
func (c *Client) TestWebhook(ctx context.Context, org, id int64) (WebhookDelivery, error) {
	var out WebhookDelivery
	err := c.Do(ctx, "POST", webhookPath(org, strconv.FormatInt(id, 10), "test"), nil, &out)
	return out, err
}
