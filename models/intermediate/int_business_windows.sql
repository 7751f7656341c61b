-- One row per stretch of business time of each schedule, as UTC instants: the
-- schedule's weekly hours on each day of its calendar (int_business_days) in
-- its own time zone, holidays left out. Daylight-saving changes are handled by
-- converting each local opening and closing time on its day.
-- `business_before_s`: the schedule's business seconds before the window
-- since the calendar's start, so that a due moment is one look-up back
-- (int_sla_clocks) and the business seconds up to a moment a look-up of its
-- day (int_business_moments).
with windows as (
  select
    d.schedule,
    d.day,
    d.before_s,
    to_timestamp(w.opens_s) as starts_at,
    to_timestamp(w.opens_s + w.seconds) as ends_at
  from int_business_days d, unnest(d.spans) as u(w)
)

select
  schedule,
  day,
  starts_at,
  ends_at,
  epoch(ends_at) - epoch(starts_at) as seconds,
  before_s + coalesce(sum(epoch(ends_at) - epoch(starts_at)) over (
    partition by schedule, day order by starts_at rows between unbounded preceding and 1 preceding
  ), 0) as business_before_s
from windows
