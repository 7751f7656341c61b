-- One row per day of each schedule's calendar (its local dates): when it
-- starts and ends (UTC instants of its local midnights), its business hours
-- as `spans` (UTC epoch seconds of each opening, and its length), the business
-- seconds of the day and `before_s`, the business seconds of the schedule
-- before the day since the calendar's start. The calendar covers every day
-- the data touch and reaches beyond the horizon far enough for the longest
-- business-hours SLA target to fall due (a week, plus the weeks the target
-- needs at the schedule's weekly hours, plus a week per holiday). A schedule
-- without business hours has no days: its business time is always zero.
with bounds as (
  select
    (select min(created_at) from stg_conversations) as first_at,
    (select horizon from int_data_horizon) as last_at,
    (select coalesce(max(greatest(first_response_s, next_response_s, resolution_s)), 0) from config_sla_policies where business_hours) as longest_target_s
),

weekly as (
  select
    s.schedule,
    s.timezone,
    coalesce(sum(h.closes_minute - h.opens_minute) * 60, 0) as weekly_s,
    (select count(*) from config_holidays d where d.schedule = s.schedule) as holidays
  from config_schedules s
  left join config_business_hours h using (schedule)
  group by s.schedule, s.timezone
),

days as (
  select
    w.schedule,
    w.timezone,
    cast(unnest(generate_series(
      cast(timezone(w.timezone, b.first_at) as date) - interval 1 day,
      cast(timezone(w.timezone, b.last_at) as date)
        + interval 8 day
        + to_days(cast(7 * (ceil(b.longest_target_s / greatest(w.weekly_s, 1)) + w.holidays) as integer)),
      interval 1 day
    )) as date) as day
  from bounds b
  cross join weekly w
  where b.first_at is not null and w.weekly_s > 0
),

-- each local opening and closing time converted on its own day: daylight-saving changes fall out
spans as (
  select
    d.schedule,
    d.day,
    epoch(timezone(d.timezone, d.day + h.opens_minute * interval 1 minute)) as opens_s,
    epoch(timezone(d.timezone, d.day + h.closes_minute * interval 1 minute)) as closes_s
  from days d
  join config_business_hours h on h.schedule = d.schedule and h.iso_weekday = isodow(d.day)
  where not exists (select 1 from config_holidays x where x.schedule = d.schedule and x.day = d.day)
),

day_seconds as (
  select
    schedule,
    day,
    sum(closes_s - opens_s) as seconds,
    list({'opens_s': opens_s, 'seconds': closes_s - opens_s} order by opens_s) as spans
  from spans
  group by schedule, day
)

select
  d.schedule,
  d.timezone,
  d.day,
  timezone(d.timezone, d.day::timestamp) as starts_at,
  timezone(d.timezone, (d.day + 1)::timestamp) as ends_at,
  coalesce(s.spans, []) as spans,
  coalesce(s.seconds, 0) as seconds,
  coalesce(sum(coalesce(s.seconds, 0)) over (partition by d.schedule order by d.day rows between unbounded preceding and 1 preceding), 0) as before_s
from days d
left join day_seconds s using (schedule, day)
