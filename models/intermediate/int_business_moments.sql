-- One row per moment that a business duration or an SLA clock of a
-- conversation starts or stops at (turn starts and their human replies, the
-- start of the resolution clock, the first and last resolutions), with
-- `business_s`: the business seconds of the conversation's schedule from the
-- calendar's start to that moment (int_business_windows). The business time
-- between two moments of a conversation is the difference of their business_s.
with moments as (
  select source, conversation_id, turn_at as at from int_conversation_turns
  union
  select source, conversation_id, human_reply_at from int_conversation_turns where human_reply_at is not null
  union
  select p.source, p.conversation_id, coalesce(p.first_customer_at, c.created_at)
  from int_conversation_responses p
  join stg_conversations c using (source, conversation_id)
  union
  select source, conversation_id, first_resolution_at from int_conversation_resolutions where first_resolution_at is not null
  union
  select source, conversation_id, final_resolution_at from int_conversation_resolutions where final_resolution_at is not null
),

scheduled as (
  select
    m.*,
    s.schedule
  from moments m
  join int_conversation_schedules s using (source, conversation_id)
)

select
  m.source,
  m.conversation_id,
  m.at,
  m.schedule,
  -- before the first window of the calendar: none yet
  coalesce(w.business_before_s + least(epoch(m.at) - epoch(w.starts_at), w.seconds), 0) as business_s
from scheduled m
asof left join int_business_windows w
  on w.schedule = m.schedule
  and m.at >= w.starts_at
