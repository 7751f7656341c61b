-- One row per message or event of a conversation, numbered in the order of
-- conversation-format.md: by timestamp; on equal timestamps messages stand
-- before events (an exporter that keeps only minutes writes the customer's
-- last message and the agent's "solved" in the same minute), and each keeps
-- the order of its own array. Bodies stay in stg_messages (joined by seq
-- where text is needed), so the timeline stays narrow.
with messages as (
  select
    source,
    conversation_id,
    sent_at as occurred_at,
    0 as kind_rank,
    seq,
    'message' as kind,
    author_role,
    author_id,
    is_public,
    channel
  from stg_messages
),

events as (
  select
    source,
    conversation_id,
    event_at as occurred_at,
    1 as kind_rank,
    seq,
    'event' as kind,
    event_type,
    status,
    agent_id,
    team
  from stg_events
),

unioned as (
  select * from messages
  union all by name
  select * from events
)

select
  *,
  row_number() over (partition by source, conversation_id order by occurred_at, kind_rank, seq) as ord
from unioned
