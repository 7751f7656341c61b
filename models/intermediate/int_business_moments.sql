-- The business seconds of a conversation's schedule (int_business_days), from
-- the calendar's start, at the moments that business durations and SLA clocks
-- start or stop at: one row per customer turn (`turn_number`), at the turn's
-- start and at its next human reply (null without one), and one row per
-- conversation (`turn_number` null), at its start (the first customer message,
-- else created_at) and at its first and final resolutions (null when none).
-- The business time between two moments of a conversation is the difference of
-- their business seconds. A moment before the calendar, or on a schedule without
-- business hours, has none (0). Keyed by `conversation_key`.
with moments as (
  select conversation_key, turn_number, turn_at as started_at, human_reply_at as stopped_at, null::timestamptz as final_at
  from int_conversation_turns
  union all
  select p.conversation_key, null, coalesce(p.first_customer_at, c.created_at), r.first_resolution_at, r.final_resolution_at
  from int_conversation_responses p
  join (select conversation_key(source, conversation_id) as conversation_key, created_at from stg_conversations) c using (conversation_key)
  join int_conversation_resolutions r using (conversation_key)
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
),

scheduled as (
  select m.*, s.schedule
  from moments m
  join int_conversation_schedules s using (conversation_key)
)

-- at each moment, the business seconds before its local day, and those of the day's spans up to
-- the moment; a moment with no day found (before the calendar, no business hours) has none
select
  m.conversation_key,
  m.turn_number,
  coalesce(a.before_s + list_sum(list_transform(a.spans, w -> greatest(least(epoch(m.started_at) - w.opens_s, w.seconds), 0))), a.before_s, 0) as started_business_s,
  case when m.stopped_at is not null then
    coalesce(b.before_s + list_sum(list_transform(b.spans, w -> greatest(least(epoch(m.stopped_at) - w.opens_s, w.seconds), 0))), b.before_s, 0)
  end as stopped_business_s,
  case when m.final_at is not null then
    coalesce(f.before_s + list_sum(list_transform(f.spans, w -> greatest(least(epoch(m.final_at) - w.opens_s, w.seconds), 0))), f.before_s, 0)
  end as final_business_s
from scheduled m
left join day_keys a
  on a.schedule = m.schedule and a.utc_day = cast(floor(epoch(m.started_at) / 86400) as bigint) and m.started_at >= a.starts_at and m.started_at < a.ends_at
left join day_keys b
  on b.schedule = m.schedule and b.utc_day = cast(floor(epoch(m.stopped_at) / 86400) as bigint) and m.stopped_at >= b.starts_at and m.stopped_at < b.ends_at
left join day_keys f
  on f.schedule = m.schedule and f.utc_day = cast(floor(epoch(m.final_at) / 86400) as bigint) and m.final_at >= f.starts_at and m.final_at < f.ends_at
