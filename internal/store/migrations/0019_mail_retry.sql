-- Retrying stored mail that was not taken in (package mailin). A message
-- left "received" (the database failed, or the server stopped, between
-- storing it and filing it) is tried again by a periodic job: attempts
-- counts those tries, retry_at is when the next may start (none yet: some
-- minutes after received_at), and last_error says why the last one failed.
-- After the last attempt the message is quarantined with the reason.
ALTER TABLE inbound_mail ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_mail ADD COLUMN retry_at {{ts}};
ALTER TABLE inbound_mail ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
