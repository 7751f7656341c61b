-- One row per agent and day (configured time zone): concurrency (metrics.md)
-- — per agent and minute, the conversations the agent owns that are open
-- (from the first human reply to the first resolution, or the data horizon)
-- and had activity (any message or event) in the last 30 minutes; reported as
-- the mean over the agent's active minutes (minutes with at least one such
-- conversation) and the peak.
--
-- The islands of activity of each conversation: agent_concurrency_edges. An agent's
-- concurrency is the running sum of island starts (+1) and ends (−1), cut at
-- each local midnight, weighted by how long each level lasts.
with settings as (
  select timezone from config_settings
),

island_edges as (
  select owner_agent, minute, delta
  from agent_concurrency_edges
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

-- one window over all agents, ordered by agent and minute, not partitioned by agent: a
-- window partitioned into a few dozen agents cost about a third more. It gives each
-- agent's own levels because each conversation's edges add up to 0 (every island has one
-- start and one end), so the running sum enters each agent at 0; the day is the last
-- midnight's only when that midnight is the same agent's, and the lead across two agents
-- belongs to a level of 0, which the sums below leave out.
levels as (
  select
    owner_agent,
    case
      when (last_value(case when day is not null then {'agent': owner_agent, 'day': day} end ignore nulls) over by_time).agent = owner_agent
        then (last_value(case when day is not null then {'agent': owner_agent, 'day': day} end ignore nulls) over by_time).day
    end as day,
    sum(delta) over by_time as level,
    lead(minute) over by_time - minute as lasts
  from changes
  window by_time as (order by owner_agent, minute rows between unbounded preceding and current row)
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
