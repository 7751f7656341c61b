-- One row per conversation: message counts and responsiveness
-- (metrics.md: first_response_s, first_response_any_s, reply_time_s,
-- unanswered_turns, handoff_from_bot). The first customer turn starts at the
-- first public customer message, so its replies give the first responses.
-- Outbound conversations (no customer message) have no turns: their response
-- times stay null. `last_reply_ord`, `last_reply_at`: the last public agent or
-- bot message; `last_customer_ord`: the last public customer message (the
-- inferred resolution of int_conversation_resolutions). `customer_turns`,
-- `longest_wait_s`: the turns, and the longest wait for a human reply among the
-- answered ones (null without a turn), for qa_autoqa. Keyed by `conversation_key`.
with counts as (
  select
    conversation_key,
    count(*) filter (where is_public and author_role = 'customer') as customer_messages,
    count(*) filter (where is_public and author_role = 'agent') as human_replies,
    count(*) filter (where is_public and author_role = 'bot') as automated_replies,
    min(ord) filter (where is_public and author_role = 'bot') as first_automated_ord,
    max(ord) filter (where is_public and author_role = 'agent') as last_human_ord,
    max(ord) filter (where is_public and author_role in ('agent', 'bot')) as last_reply_ord,
    max(occurred_at) filter (where is_public and author_role in ('agent', 'bot')) as last_reply_at,
    max(ord) filter (where is_public and author_role = 'customer') as last_customer_ord
  from int_timeline
  where kind = 'message'
  group by conversation_key
),

turn_stats as (
  select
    conversation_key,
    min(turn_at) as first_customer_at,
    min(human_reply_at) filter (where turn_number = 1) as first_human_reply_at,
    min(any_reply_at) filter (where turn_number = 1) as first_any_reply_at,
    avg(epoch(human_reply_at) - epoch(turn_at)) filter (where human_reply_at is not null) as reply_time_s,
    count(*) filter (where any_reply_at is null) as unanswered_turns,
    count(*) as customer_turns,
    max(epoch(human_reply_at) - epoch(turn_at)) as longest_wait_s
  from int_conversation_turns
  group by conversation_key
)

select
  c.conversation_key,
  coalesce(n.customer_messages, 0) as customer_messages,
  coalesce(n.human_replies, 0) as human_replies,
  coalesce(n.automated_replies, 0) as automated_replies,
  t.first_customer_at,
  t.first_human_reply_at,
  t.first_any_reply_at,
  epoch(t.first_human_reply_at) - epoch(t.first_customer_at) as first_response_s,
  epoch(t.first_any_reply_at) - epoch(t.first_customer_at) as first_response_any_s,
  t.reply_time_s,
  coalesce(t.unanswered_turns, 0) as unanswered_turns,
  -- an automated reply, and later a human reply
  coalesce(n.first_automated_ord < n.last_human_ord, false) as handoff_from_bot,
  n.last_reply_ord,
  n.last_reply_at,
  n.last_customer_ord,
  -- for qa_autoqa's silence checks (null without a customer turn), from this grouping of the turns
  -- rather than a second one there
  t.customer_turns,
  t.longest_wait_s
from (select conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
left join counts n using (conversation_key)
left join turn_stats t using (conversation_key)
