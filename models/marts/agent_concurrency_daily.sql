-- One row per agent and day (configured time zone): concurrency (metrics.md)
-- — per agent and minute, the conversations the agent owns that are open
-- (from the first human reply to the first resolution, or the data horizon)
-- and had activity (any message or event) in the last 30 minutes; reported as
-- the mean over the agent's active minutes (minutes with at least one such
-- conversation) and the peak.
--
-- Minutes are whole epoch minutes. A message or event at t makes its
-- conversation count for the minutes m with t <= m < t + 30 min, inside the
-- open span. A conversation's windows make islands of activity; an agent's
-- concurrency is the running sum of island starts (+1) and ends (−1), cut at
-- each local midnight, weighted by how long each level lasts.
with settings as (
  select timezone from config_settings
),

open_spans as (
  select
    m.source,
    m.conversation_id,
    m.owner_agent,
    ceil(epoch(p.first_human_reply_at) / 60)::bigint as opens_minute,
    ceil(epoch(coalesce(m.first_resolution_at, h.horizon)) / 60)::bigint as closes_minute
  from conversation_metrics m
  join int_conversation_responses p using (source, conversation_id)
  cross join int_data_horizon h
  where m.owner_agent is not null
    and p.first_human_reply_at is not null
),

-- activity whose 30-minute window reaches into the open span
activity as (
  select
    *
  from (
    select
      s.source,
      s.conversation_id,
      s.owner_agent,
      s.opens_minute,
      s.closes_minute,
      ceil(epoch(t.occurred_at) / 60)::bigint as minute
    from open_spans s
    join int_timeline t using (source, conversation_id)
  )
  where minute + 30 > opens_minute
    and minute < closes_minute
),

neighbours as (
  select
    *,
    lag(minute) over by_time as previous_minute,
    lead(minute) over by_time as next_minute
  from activity
  window by_time as (partition by source, conversation_id order by minute)
),

-- every window is 30 minutes long, so an island of activity starts where the gap
-- since the previous activity exceeds 30 minutes and ends 30 minutes after an
-- activity with none in the 30 that follow; each island is clipped to the open span
island_edges as (
  select owner_agent, greatest(minute, opens_minute) as minute, 1 as delta
  from neighbours
  where previous_minute is null or minute - previous_minute > 30
  union all
  select owner_agent, least(minute + 30, closes_minute), -1
  from neighbours
  where next_minute is null or next_minute - minute > 30
),

-- each local midnight of the agent's days, so that no stretch of time crosses a day
agent_days as (
  select
    e.owner_agent,
    cast(unnest(generate_series(
      cast(timezone(s.timezone, to_timestamp(min(e.minute) * 60)) as date),
      cast(timezone(s.timezone, to_timestamp(max(e.minute) * 60)) as date),
      interval 1 day
    )) as date) as day,
    any_value(s.timezone) as timezone
  from island_edges e
  cross join settings s
  group by e.owner_agent, s.timezone
),

midnights as (
  select
    owner_agent,
    (epoch(timezone(timezone, day::timestamp)) / 60)::bigint as minute,
    0 as delta,
    day
  from agent_days
),

changes as (
  select
    owner_agent,
    minute,
    sum(delta) as delta,
    max(day) as day
  from (
    select owner_agent, minute, delta, null::date as day from island_edges
    union all
    select owner_agent, minute, delta, day from midnights
  )
  group by owner_agent, minute
),

levels as (
  select
    owner_agent,
    last_value(day ignore nulls) over by_time as day,
    sum(delta) over by_time as level,
    lead(minute) over (partition by owner_agent order by minute) - minute as lasts
  from changes
  window by_time as (partition by owner_agent order by minute rows between unbounded preceding and current row)
)

select
  owner_agent as agent_id,
  day,
  sum(lasts) filter (where level > 0) as active_minutes,
  sum(level * lasts) filter (where level > 0) / sum(lasts) filter (where level > 0) as mean_concurrency,
  max(level) as peak_concurrency
from levels
group by owner_agent, day
having sum(lasts) filter (where level > 0) > 0
