-- One row: the data horizon, the latest timestamp anywhere in the loaded data
-- (metrics.md "data horizon"). Windows that reach past it are open.
with stamps as (
  select max(created_at) as occurred_at from stg_conversations
  union all
  select max(sent_at) from stg_messages
  union all
  select max(event_at) from stg_events
  union all
  select max(answered_at) from stg_surveys
)

select
  max(occurred_at) as horizon
from stamps
