-- One row per customer turn (metrics.md "customer turn"): a public customer
-- message that follows the conversation's start or a public agent/bot message.
-- Internal notes and system notices neither start nor end a turn.
-- Each turn carries its next human reply and its next reply of any kind
-- (human or automated) in timeline order, and the next human reply's position
-- (`human_reply_ord`) and author (`reply_agent`). Keyed by `conversation_key`
-- (int_timeline): the windows sort numbers, not the two strings.
with public_messages as (
  select
    conversation_key,
    ord,
    occurred_at,
    author_role,
    author_id
  from int_timeline
  where kind = 'message'
    and is_public
    and author_role in ('customer', 'agent', 'bot')
),

with_neighbours as (
  select
    *,
    lag(author_role) over by_order as previous_role,
    -- the first human reply after this message, and the first reply of any kind
    first_value(case when author_role = 'agent' then {'at': occurred_at, 'ord': ord, 'agent': author_id} end ignore nulls) over later as next_human_reply,
    first_value(case when author_role in ('agent', 'bot') then occurred_at end ignore nulls) over later as next_any_reply_at
  from public_messages
  window
    by_order as (partition by conversation_key order by ord),
    later as (
      partition by conversation_key order by ord
      rows between 1 following and unbounded following
    )
)

select
  conversation_key,
  ord,
  occurred_at as turn_at,
  next_human_reply.at as human_reply_at,
  next_human_reply.ord as human_reply_ord,
  next_human_reply.agent as reply_agent,
  next_any_reply_at as any_reply_at,
  row_number() over (partition by conversation_key order by ord) as turn_number
from with_neighbours
where author_role = 'customer'
  and coalesce(previous_role, '') <> 'customer'
