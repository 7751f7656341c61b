-- The webhook events `parley serve` has applied (service/webhooks.ts): one
-- row per event, keyed by the platform and the event's own id (Intercom's
-- notification id, Zendesk's event id) or, for an event without one
-- (Chatwoot), the SHA-256 of its body. A redelivered event finds its row and
-- changes nothing. `load_id` is the load_log row of the batch that applied
-- it (the incremental build reads changed conversations by load id).
create table webhook_events (
  platform varchar not null,
  event_id varchar not null,
  conversation_id varchar,
  received_at timestamptz not null,
  load_id integer not null,
  primary key (platform, event_id)
);
