-- One row per conversation whose latest state is resolved (metrics.md v2 "Who
-- is waiting"): over created_at to the last resolution, the seconds in state
-- open (agent_work_s), open or snoozed (customer_wait_s) and pending
-- (pending_s). Items before created_at count from created_at.

-- the conversations whose latest state is resolved, with their last resolution
-- (int_conversation_resolutions' final_resolution_at: an inferred one has no states)
with resolved as (
  select
    r.source,
    r.conversation_id,
    r.final_resolution_at as last_resolution_at,
    c.created_at
  from int_conversation_resolutions r
  join stg_conversations c using (source, conversation_id)
  where r.final_resolution_at is not null and not r.inferred_resolution
),

items as materialized (
  select s.source, s.conversation_id, s.state, s.occurred_at, s.next_at, s.is_first, r.last_resolution_at, r.created_at
  from int_conversation_states s
  join resolved r using (source, conversation_id)
),

spans as (
  -- from created_at to the first item: open
  select source, conversation_id, 'open' as state, created_at as starts_at, occurred_at as ends_at, last_resolution_at
  from items
  where is_first
  union all
  select source, conversation_id, state, greatest(occurred_at, created_at), next_at, last_resolution_at
  from items
  where occurred_at < last_resolution_at
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
