-- One row per SLA clock of every conversation that a policy applies to
-- (metrics.md v2 "Service-level agreements"; the policy: int_conversation_policies). Clocks:
--   first_response: first customer message → first human reply after it;
--   next_response: each customer turn that starts after the first human reply
--     → its next human reply, or a resolution first (then not measured);
--   resolution: first customer message (else created_at) → first resolution.
-- Bot replies stop no clock and no status pauses one. Elapsed time is calendar
-- time, or business time on the conversation's schedule for a business-hours
-- policy; the due moment is when elapsed time reaches the target. `result`:
-- met, breached (stopped late, or not stopped and due at or before the data
-- horizon), open (not stopped, due after the horizon, or never due), or null
-- for a turn closed by a resolution. Keyed by `conversation_key` (the as-of join too).
-- every resolution moment, explicit or inferred: a next-response turn that one reaches before a reply is not measured
with resolutions as (
  select conversation_key, ord, occurred_at from int_conversation_states where is_resolution
  union all
  select conversation_key, first_resolution_ord, first_resolution_at from int_conversation_resolutions where inferred_resolution
),

first_replies as (
  select conversation_key, turn_at as first_customer_at, human_reply_ord as first_human_reply_ord, human_reply_at as first_human_reply_at
  from int_conversation_turns
  where turn_number = 1
),

-- each turn that starts after the first human reply, with the first resolution after its start:
-- the nearest later one, found by an as-of join (joining every later resolution of the
-- conversation and keeping the first cost more, on 1M messages)
next_turns as (
  select
    t.conversation_key,
    t.turn_number,
    t.turn_at,
    t.human_reply_at,
    r.occurred_at as resolution_at
  from (
    select t.*
    from int_conversation_turns t
    join first_replies f using (conversation_key)
    where t.ord > f.first_human_reply_ord
  ) t
  asof left join resolutions r
    on r.conversation_key = t.conversation_key
    and r.ord > t.ord
),

-- the clocks of every policy; the business seconds at their starts and stops are looked up below
-- for the business-hours policies only (a calendar-time clock needs none)
clocks as (
  select
    g.conversation_key, g.sla_policy, g.business_hours, g.schedule, 'first_response' as target, 1 as turn_number,
    g.first_response_s as target_s, f.first_customer_at as started_at, f.first_human_reply_at as stopped_at, true as measured
  from int_conversation_policies g
  join first_replies f using (conversation_key)
  where g.first_response_s is not null
  union all
  select
    g.conversation_key, g.sla_policy, g.business_hours, g.schedule, 'next_response', n.turn_number,
    g.next_response_s, n.turn_at,
    case when n.resolution_at is null or n.resolution_at >= n.human_reply_at then n.human_reply_at end,
    -- a turn closed by a resolution before any reply is not measured
    not (n.resolution_at is not null and (n.human_reply_at is null or n.resolution_at < n.human_reply_at))
  from int_conversation_policies g
  join next_turns n using (conversation_key)
  where g.next_response_s is not null
  union all
  select
    g.conversation_key, g.sla_policy, g.business_hours, g.schedule, 'resolution', null,
    g.resolution_s, coalesce(f.first_customer_at, g.created_at), r.first_resolution_at, true
  from int_conversation_policies g
  join int_conversation_resolutions r using (conversation_key)
  left join first_replies f using (conversation_key)
  where g.resolution_s is not null
),

business_clocks as (
  -- the turn's own moments: its start and its next human reply
  select c.*, b.started_business_s, b.stopped_business_s
  from clocks c
  join int_business_moments b on b.conversation_key = c.conversation_key and b.turn_number = c.turn_number
  where c.business_hours and c.target <> 'resolution'
  union all
  -- the conversation's own moments: its start (the first customer message, else created_at), its first resolution
  select c.*, m.started_business_s, m.stopped_business_s
  from clocks c
  join int_business_moments m on m.conversation_key = c.conversation_key and m.turn_number is null
  where c.business_hours and c.target = 'resolution'
),

timed as (
  select
    *,
    started_business_s + target_s as due_business_s,
    -- a turn stopped by a resolution is not measured: its elapsed time is not needed
    case when stopped_at is not null then stopped_business_s - started_business_s end as business_elapsed_s
  from business_clocks
),

-- each window of business time under the hours (of business seconds since the calendar's start)
-- it reaches, so that a due moment finds its window by an equal key and a range
window_hours as (
  select
    schedule,
    starts_at,
    seconds,
    business_before_s,
    unnest(range(
      cast(floor(business_before_s / 3600) as bigint),
      cast(floor((business_before_s + seconds) / 3600) as bigint) + 1
    )) as business_hour
  from int_business_windows
  where seconds > 0
),

-- the due moment: target seconds after the start in calendar time; on business hours, in the
-- window in which the schedule's business seconds reach due_business_s (strictly after the
-- windows before it; none beyond the calendar, or on a schedule without business hours).
-- The windows of a schedule follow each other in business seconds, so at most one holds it.
due as (
  select
    *,
    started_at + to_seconds(target_s) as due_at,
    epoch(stopped_at) - epoch(started_at) as elapsed_s
  from clocks
  where not business_hours
  union all by name
  select
    t.*,
    case
      when t.target_s = 0 then t.started_at
      when w.schedule is not null then greatest(
        t.started_at,
        w.starts_at + to_microseconds(cast(round((t.due_business_s - w.business_before_s) * 1000000) as bigint))
      )
    end as due_at,
    t.business_elapsed_s as elapsed_s
  from timed t
  left join window_hours w
    on w.schedule = t.schedule
    and w.business_hour = cast(floor(t.due_business_s / 3600) as bigint)
    and t.due_business_s > w.business_before_s
    and t.due_business_s <= w.business_before_s + w.seconds
)

select
  d.conversation_key,
  d.sla_policy,
  d.target,
  d.turn_number,
  d.target_s,
  d.started_at,
  d.stopped_at,
  d.elapsed_s,
  d.due_at,
  case
    when not d.measured then null
    when d.stopped_at is not null then case when d.elapsed_s <= d.target_s then 'met' else 'breached' end
    when d.due_at is not null and d.due_at <= h.horizon then 'breached'
    else 'open'
  end as result
from due d
cross join int_data_horizon h
