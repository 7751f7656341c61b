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

-- each day under the UTC day numbers it touches (two, or three for a 25-hour day), so that a
-- moment finds its local day by an equal key and a range, without a time-zone conversion per moment
day_keys as (
  select
    *,
    unnest(range(
      cast(floor(epoch(starts_at) / 86400) as bigint),
      cast(floor((epoch(ends_at) - 0.000001) / 86400) as bigint) + 1
    )) as utc_day
  from int_business_days
)

-- the business seconds before the moment's local day, and those of the day's spans up to the moment
-- (a moment before the calendar, or on a schedule without business hours: none)
select
  m.source,
  m.conversation_id,
  m.at,
  s.schedule,
  coalesce(
    d.before_s + list_sum(list_transform(d.spans, w -> greatest(least(epoch(m.at) - w.opens_s, w.seconds), 0))),
    d.before_s,
    0
  ) as business_s
from moments m
join int_conversation_schedules s using (source, conversation_id)
left join day_keys d
  on d.schedule = s.schedule
  and d.utc_day = cast(floor(epoch(m.at) / 86400) as bigint)
  and m.at >= d.starts_at
  and m.at < d.ends_at
