-- One row per day (in the configured time zone), channel and team: backlog
-- (metrics.md) at the end of that day — conversations opened and not yet
-- resolved (no first resolution yet at that moment). Counted as opened so far
-- minus first-resolved so far, so one running sum per channel and team.
with settings as (
  select timezone from config_settings
),

opened as (
  select
    cast(timezone(s.timezone, m.created_at) as date) as day,
    m.channel,
    m.team,
    count(*) as n
  from conversation_metrics m
  cross join settings s
  group by all
),

resolved as (
  select
    cast(timezone(s.timezone, m.first_resolution_at) as date) as day,
    m.channel,
    m.team,
    count(*) as n
  from conversation_metrics m
  cross join settings s
  where m.first_resolution_at is not null
  group by all
),

groups as (
  select distinct channel, team from conversation_metrics
),

days as (
  select
    cast(unnest(generate_series(
      (select min(day) from opened),
      (select cast(timezone(s.timezone, horizon) as date) from int_data_horizon cross join settings s),
      interval 1 day
    )) as date) as day
),

daily as (
  select
    d.day,
    g.channel,
    g.team,
    coalesce(o.n, 0) as opened,
    coalesce(r.n, 0) as resolved
  from days d
  cross join groups g
  left join opened o on o.day = d.day and o.channel is not distinct from g.channel and o.team is not distinct from g.team
  left join resolved r on r.day = d.day and r.channel is not distinct from g.channel and r.team is not distinct from g.team
)

select
  day,
  channel,
  team,
  opened,
  resolved,
  -- a BIGINT, not the HUGEINT of a sum of integers: cheaper to read back (the backlog page sums its days)
  (sum(opened - resolved) over (partition by channel, team order by day))::bigint as backlog
from daily
