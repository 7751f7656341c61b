-- One row per stretch of business time, as UTC instants: the configured
-- weekly schedule in the configured time zone, holidays left out, for every
-- day the data touch (and a week beyond the horizon). Daylight-saving changes
-- are handled by converting each local opening and closing time on its day.
with bounds as (
  select
    (select min(created_at) from stg_conversations) as first_at,
    (select horizon from int_data_horizon) as last_at
),

days as (
  select
    cast(unnest(generate_series(
      cast(timezone(s.timezone, b.first_at) as date) - interval 1 day,
      cast(timezone(s.timezone, b.last_at) as date) + interval 8 day,
      interval 1 day
    )) as date) as day,
    s.timezone
  from bounds b
  cross join config_settings s
  where b.first_at is not null
)

select
  timezone(d.timezone, d.day + h.opens_minute * interval 1 minute) as starts_at,
  timezone(d.timezone, d.day + h.closes_minute * interval 1 minute) as ends_at
from days d
join config_business_hours h on h.iso_weekday = isodow(d.day)
where d.day not in (select day from config_holidays)
