-- One row per conversation: its resolutions and reopens (metrics.md
-- "resolution", "inferred resolution", reopens).
--
-- The resolved state moves only on status events and public customer
-- messages (int_conversation_states, one row per such item of every
-- conversation with a status event, marks the items that enter the resolved
-- state): a resolution is a resolved/closed status whose previous item was not
-- one (resolved → closed, or resolved twice, is not a second resolution); a
-- reopen is a status to open/pending/snoozed, or a public customer message,
-- whose previous item was a resolution. Each resolution is left at most once,
-- by the item after its run of resolved/closed statuses, so the reopens are the
-- resolutions less one when the last item leaves the conversation resolved.
-- `latest_state`: the state after the last item (null without status events).
-- A conversation with no status events at all is resolved, inferred, at its
-- last public agent or bot message when the customer has not written after it
-- and the data reach 24 h past it. Keyed by `conversation_key` (models/build.ts
-- defineConversationKey), as every per-conversation intermediate.
with explicit as (
  select
    conversation_key,
    true as has_status_events,
    min(ord) filter (where is_resolution) as first_resolution_ord,
    min(occurred_at) filter (where is_resolution) as first_resolution_at,
    max(occurred_at) filter (where is_resolution) as last_resolution_at,
    count(*) filter (where is_resolution) - (arg_max(state, ord) = 'resolved')::integer as reopens,
    arg_max(state, ord) = 'resolved' as ends_resolved,
    arg_max(state, ord) as latest_state
  from int_conversation_states
  group by conversation_key
),

inferred as (
  select
    r.conversation_key,
    r.last_reply_ord,
    r.last_reply_at
  from int_conversation_responses r
  cross join int_data_horizon h
  left join explicit e using (conversation_key)
  where not coalesce(e.has_status_events, false)
    and r.last_reply_ord is not null
    and coalesce(r.last_customer_ord, 0) < r.last_reply_ord
    and h.horizon >= r.last_reply_at + interval 24 hours
)

select
  c.conversation_key,
  i.conversation_key is not null as inferred_resolution,
  coalesce(e.first_resolution_ord, i.last_reply_ord) as first_resolution_ord,
  coalesce(e.first_resolution_at, i.last_reply_at) as first_resolution_at,
  -- the last resolution counts only while the conversation is still resolved
  case
    when i.conversation_key is not null then i.last_reply_at
    when e.ends_resolved then e.last_resolution_at
  end as final_resolution_at,
  coalesce(e.reopens, 0) as reopens,
  -- the state after the conversation's last status event or public customer message (null without
  -- status events): conversation_metrics' status, from this grouping rather than a second scan of the states
  e.latest_state
from (select conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
left join explicit e using (conversation_key)
left join inferred i using (conversation_key)
