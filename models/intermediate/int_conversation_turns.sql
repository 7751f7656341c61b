-- One row per customer turn (metrics.md "customer turn"): a public customer
-- message that follows the conversation's start or a public agent/bot message.
-- Internal notes and system notices neither start nor end a turn.
-- Each turn carries its next human reply and its next reply of any kind
-- (human or automated), found with ASOF joins on the timeline order.
with public_messages as (
  select
    source,
    conversation_id,
    ord,
    occurred_at,
    author_role
  from int_timeline
  where kind = 'message'
    and is_public
    and author_role in ('customer', 'agent', 'bot')
),

with_previous as (
  select
    *,
    lag(author_role) over (partition by source, conversation_id order by ord) as previous_role
  from public_messages
),

turns as (
  select
    source,
    conversation_id,
    ord,
    occurred_at as turn_at
  from with_previous
  where author_role = 'customer'
    and coalesce(previous_role, '') <> 'customer'
),

human_replies as (
  select source, conversation_id, ord, occurred_at from public_messages where author_role = 'agent'
),

any_replies as (
  select source, conversation_id, ord, occurred_at from public_messages where author_role in ('agent', 'bot')
),

with_human as (
  select
    t.*,
    h.occurred_at as human_reply_at
  from turns t
  asof left join human_replies h
    on t.source = h.source
    and t.conversation_id = h.conversation_id
    and h.ord > t.ord
)

select
  w.source,
  w.conversation_id,
  w.ord,
  w.turn_at,
  w.human_reply_at,
  a.occurred_at as any_reply_at,
  row_number() over (partition by w.source, w.conversation_id order by w.ord) as turn_number
from with_human w
asof left join any_replies a
  on w.source = a.source
  and w.conversation_id = a.conversation_id
  and a.ord > w.ord
