-- One row per conversation whose latest state is resolved (metrics.md v2 "Who
-- is waiting"): over created_at to the last resolution, the seconds in state
-- open (agent_work_s), open or snoozed (customer_wait_s) and pending
-- (pending_s). Items before created_at count from created_at.
with last_resolutions as (
  select
    source,
    conversation_id,
    max(occurred_at) filter (where is_resolution) as last_resolution_at,
    arg_max(state, ord) as latest_state,
    min(occurred_at) as first_item_at
  from int_conversation_states
  group by source, conversation_id
),

spans as (
  -- from created_at to the first item: open
  select
    l.source,
    l.conversation_id,
    'open' as state,
    c.created_at as starts_at,
    l.first_item_at as ends_at,
    l.last_resolution_at
  from last_resolutions l
  join stg_conversations c using (source, conversation_id)
  where l.latest_state = 'resolved'
  union all
  select
    s.source,
    s.conversation_id,
    s.state,
    greatest(s.occurred_at, c.created_at),
    s.next_at,
    l.last_resolution_at
  from int_conversation_states s
  join last_resolutions l using (source, conversation_id)
  join stg_conversations c using (source, conversation_id)
  where l.latest_state = 'resolved' and s.occurred_at < l.last_resolution_at
),

clipped as (
  select
    source,
    conversation_id,
    state,
    greatest(epoch(least(coalesce(ends_at, last_resolution_at), last_resolution_at)) - epoch(starts_at), 0) as seconds
  from spans
)

select
  source,
  conversation_id,
  coalesce(sum(seconds) filter (where state = 'open'), 0) as agent_work_s,
  coalesce(sum(seconds) filter (where state in ('open', 'snoozed')), 0) as customer_wait_s,
  coalesce(sum(seconds) filter (where state = 'pending'), 0) as pending_s
from clipped
group by source, conversation_id
