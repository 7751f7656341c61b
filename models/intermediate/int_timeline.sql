-- One row per message or event of a conversation, with `ord`, a key that
-- sorts them in the order of conversation-format.md: by timestamp; on equal
-- timestamps messages stand before events (an exporter that keeps only
-- minutes writes the customer's last message and the agent's "solved" in the
-- same minute), and each keeps the order of its own array. `ord` compares
-- within a conversation only; it is not a count (no window sort is needed to
-- make it). Bodies stay in stg_messages (joined by seq where text is
-- needed), so the timeline stays narrow. `conversation_key`: the build's integer
-- key of the conversation (models/build.ts defineConversationKey), for the
-- readers' windows, groupings and joins (source and conversation_id are read
-- only by a reader that names them).
with messages as (
  select
    source,
    conversation_id,
    conversation_key(source, conversation_id) as conversation_key,
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
    conversation_key(source, conversation_id) as conversation_key,
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
  -- (epoch_us * 2 + kind_rank) * 1000000 + seq, with one multiplication of a hugeint, not two
  epoch_us(occurred_at)::hugeint * 2000000 + (kind_rank * 1000000 + seq::bigint) as ord
from unioned
