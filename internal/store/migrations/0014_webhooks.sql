-- Signed webhooks per organisation (package webhooks): case events as the
-- organisation's participant sees them, POSTed to its own tracker.

-- secret is kept in clear: the HMAC of every delivery needs it. It is shown
-- once, when the webhook is created, and never again. last_cursor is the
-- journal seq up to which events have been turned into deliveries.
CREATE TABLE webhooks (
	id {{id}},
	org_id BIGINT NOT NULL REFERENCES organisations(id) ON DELETE CASCADE,
	url TEXT NOT NULL,
	secret TEXT NOT NULL,
	active BOOLEAN NOT NULL DEFAULT TRUE,
	created_by BIGINT REFERENCES users(id),
	created_at {{ts}} NOT NULL,
	last_cursor BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX webhooks_org ON webhooks(org_id, id);

-- One delivery per event and webhook (seq 0: a test ping). payload is the
-- body as it was composed at dispatch, so that every retry sends the same.
CREATE TABLE webhook_deliveries (
	id {{id}},
	webhook_id BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
	seq BIGINT NOT NULL DEFAULT 0,
	case_id BIGINT REFERENCES cases(id) ON DELETE CASCADE,
	event TEXT NOT NULL,
	payload TEXT NOT NULL,
	status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
	attempts INTEGER NOT NULL DEFAULT 0,
	last_status_code INTEGER NOT NULL DEFAULT 0,
	last_error TEXT NOT NULL DEFAULT '',
	created_at {{ts}} NOT NULL,
	delivered_at {{ts}}
);
CREATE INDEX webhook_deliveries_hook ON webhook_deliveries(webhook_id, id);
CREATE UNIQUE INDEX webhook_deliveries_event ON webhook_deliveries(webhook_id, seq) WHERE seq > 0;
