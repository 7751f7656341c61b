-- One row per conversation with a first human reply: business_first_response_s,
-- the part of first_response_s that falls inside business hours
-- (zero when the whole wait lies outside them).
with waits as (
  select
    source,
    conversation_id,
    first_customer_at,
    first_human_reply_at
  from int_conversation_responses
  where first_human_reply_at is not null
),

overlap_seconds as (
  select
    w.source,
    w.conversation_id,
    sum(epoch(least(w.first_human_reply_at, b.ends_at)) - epoch(greatest(w.first_customer_at, b.starts_at))) as seconds
  from waits w
  join int_business_windows b
    on b.starts_at < w.first_human_reply_at
    and b.ends_at > w.first_customer_at
  group by w.source, w.conversation_id
)

select
  w.source,
  w.conversation_id,
  coalesce(o.seconds, 0) as business_first_response_s
from waits w
left join overlap_seconds o using (source, conversation_id)
