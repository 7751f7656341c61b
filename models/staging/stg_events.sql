-- One row per status, assign or escalate event.
select
  source,
  conversation_id,
  seq,
  event_at,
  type as event_type,
  status,
  agent_id,
  team,
  reason
from raw_events
