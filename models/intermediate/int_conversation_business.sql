-- One row per conversation: the durations of metrics.md measured in business
-- time on the conversation's schedule (v2): business_first_response_s,
-- business_reply_time_s (the mean over answered turns of each turn's wait in
-- business time), business_first_resolution_s, business_full_resolution_s.
-- Each is null where its calendar-time metric is null, zero when the whole
-- wait lies outside business hours. Keyed by `conversation_key`.
with turns as (
  select
    conversation_key,
    turn_number,
    stopped_business_s - started_business_s as business_wait_s
  from int_business_moments
  -- the turns' moments: each turn's start and its next human reply
  where turn_number is not null and stopped_business_s is not null
),

replies as (
  select
    conversation_key,
    max(business_wait_s) filter (where turn_number = 1) as business_first_response_s,
    avg(business_wait_s) as business_reply_time_s
  from turns
  group by conversation_key
),

resolutions as (
  select
    conversation_key,
    stopped_business_s - started_business_s as business_first_resolution_s,
    final_business_s - started_business_s as business_full_resolution_s
  from int_business_moments
  -- the conversation's own moments: its start, first resolution (when resolved) and final resolution
  where turn_number is null and stopped_business_s is not null
)

select
  c.conversation_key,
  p.business_first_response_s,
  p.business_reply_time_s,
  r.business_first_resolution_s,
  r.business_full_resolution_s
from (select conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
left join replies p using (conversation_key)
left join resolutions r using (conversation_key)
