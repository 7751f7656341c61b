-- One row per stretch of business time of each schedule, as UTC instants: the
-- schedule's weekly hours in its own time zone, its holidays left out, for
-- every day the data touch and beyond the horizon far enough for the longest
-- business-hours SLA target to fall due (a week, plus the weeks the target
-- needs at the schedule's weekly hours, plus a week per holiday). Daylight-
-- saving changes are handled by converting each local opening and closing time
-- on its day. `business_before_s`: the business seconds of the schedule before
-- the window since the calendar's start, so that the business time between two
-- moments is a difference of two look-ups (int_business_moments) and a due
-- moment one look-up back (int_conversation_sla).
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

windows as (
  select
    d.schedule,
    timezone(d.timezone, d.day + h.opens_minute * interval 1 minute) as starts_at,
    timezone(d.timezone, d.day + h.closes_minute * interval 1 minute) as ends_at
  from days d
  join config_business_hours h on h.schedule = d.schedule and h.iso_weekday = isodow(d.day)
  where not exists (select 1 from config_holidays x where x.schedule = d.schedule and x.day = d.day)
)

select
  schedule,
  starts_at,
  ends_at,
  epoch(ends_at) - epoch(starts_at) as seconds,
  coalesce(sum(epoch(ends_at) - epoch(starts_at)) over (
    partition by schedule order by starts_at rows between unbounded preceding and 1 preceding
  ), 0) as business_before_s
from windows
