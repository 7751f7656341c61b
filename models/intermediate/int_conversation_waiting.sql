-- One row per conversation whose latest state is resolved (metrics.md v2 "Who
-- is waiting"): over created_at to the last resolution, the seconds in state
-- open (agent_work_s), open or snoozed (customer_wait_s) and pending
-- (pending_s). Items before created_at count from created_at.

-- the conversations whose latest state is resolved, with their last resolution
-- (int_conversation_resolutions' final_resolution_at: an inferred one has no states)
-- (keyed by `conversation_key`)
with resolved as (
  select
    r.conversation_key,
    r.final_resolution_at as last_resolution_at,
    c.created_at
  from int_conversation_resolutions r
  join (select conversation_key(source, conversation_id) as conversation_key, created_at from stg_conversations) c using (conversation_key)
  where r.final_resolution_at is not null and not r.inferred_resolution
),

items as materialized (
  select s.conversation_key, s.state, s.occurred_at, s.next_at, s.is_first, r.last_resolution_at, r.created_at
  from int_conversation_states s
  join resolved r using (conversation_key)
),

spans as (
  -- from created_at to the first item: open
  select conversation_key, 'open' as state, created_at as starts_at, occurred_at as ends_at, last_resolution_at
  from items
  where is_first
  union all
  select conversation_key, state, greatest(occurred_at, created_at), next_at, last_resolution_at
  from items
  where occurred_at < last_resolution_at
),

clipped as (
  select
    conversation_key,
    state,
    greatest(epoch(least(coalesce(ends_at, last_resolution_at), last_resolution_at)) - epoch(starts_at), 0) as seconds
  from spans
)

select
  conversation_key,
  coalesce(sum(seconds) filter (where state = 'open'), 0) as agent_work_s,
  coalesce(sum(seconds) filter (where state in ('open', 'snoozed')), 0) as customer_wait_s,
  coalesce(sum(seconds) filter (where state = 'pending'), 0) as pending_s
from clipped
group by conversation_key
