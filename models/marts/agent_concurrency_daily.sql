-- One row per agent and day (configured time zone): concurrency (metrics.md)
-- — per agent and minute, the conversations the agent owns that are open
-- (from the first human reply to the first resolution, or the data horizon)
-- and had activity (any message or event) in the last 30 minutes; reported as
-- the mean over the agent's active minutes (minutes with at least one such
-- conversation) and the peak.
--
-- Minutes are whole epoch minutes. A message or event at t makes its
-- conversation count for the minutes m with t <= m < t + 30 min, inside the
-- open span. A conversation's windows are merged into islands of activity,
-- islands are cut at local midnight, and each agent-day's concurrency is the
-- running sum of island starts (+1) and ends (−1), weighted by how long each
-- level lasts.
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

activity as (
  select
    s.source,
    s.conversation_id,
    s.owner_agent,
    s.opens_minute,
    s.closes_minute,
    ceil(epoch(t.occurred_at) / 60)::bigint as minute
  from open_spans s
  join int_timeline t using (source, conversation_id)
),

-- every activity window is 30 minutes long, so in time order a new island of
-- activity starts exactly where the gap since the previous activity exceeds 30 minutes
numbered as (
  select
    *,
    sum(case when minute - previous_minute <= 30 then 0 else 1 end) over (
      partition by source, conversation_id order by minute
      rows between unbounded preceding and current row
    ) as island
  from (
    select
      *,
      lag(minute) over (partition by source, conversation_id order by minute) as previous_minute
    from activity
  )
),

islands as (
  select
    source,
    conversation_id,
    owner_agent,
    greatest(min(minute), any_value(opens_minute)) as starts_minute,
    least(max(minute) + 30, any_value(closes_minute)) as ends_minute
  from numbered
  group by source, conversation_id, owner_agent, island
  having greatest(min(minute), any_value(opens_minute)) < least(max(minute) + 30, any_value(closes_minute))
),

-- local days each island touches, with their boundaries in epoch minutes
island_days as (
  select
    i.*,
    cast(unnest(generate_series(
      cast(timezone(s.timezone, to_timestamp(i.starts_minute * 60)) as date),
      cast(timezone(s.timezone, to_timestamp((i.ends_minute - 1) * 60)) as date),
      interval 1 day
    )) as date) as day,
    s.timezone
  from islands i
  cross join settings s
),

pieces as (
  select
    owner_agent,
    day,
    greatest(starts_minute, (epoch(timezone(timezone, day::timestamp)) / 60)::bigint) as starts_minute,
    least(ends_minute, (epoch(timezone(timezone, (day + interval 1 day)::timestamp)) / 60)::bigint) as ends_minute
  from island_days
),

boundaries as (
  select owner_agent, day, starts_minute as minute, 1 as delta from pieces where starts_minute < ends_minute
  union all
  select owner_agent, day, ends_minute, -1 from pieces where starts_minute < ends_minute
),

changes as (
  select
    owner_agent,
    day,
    minute,
    sum(delta) as delta
  from boundaries
  group by all
),

levels as (
  select
    owner_agent,
    day,
    minute,
    sum(delta) over (partition by owner_agent, day order by minute) as level,
    lead(minute) over (partition by owner_agent, day order by minute) - minute as lasts
  from changes
)

select
  owner_agent as agent_id,
  day,
  sum(lasts) filter (where level > 0) as active_minutes,
  sum(level * lasts) filter (where level > 0) / sum(lasts) filter (where level > 0) as mean_concurrency,
  max(level) as peak_concurrency
from levels
group by owner_agent, day
