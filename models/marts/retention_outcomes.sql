-- One row per grouping and band: churn within 90 days after a resolved
-- conversation (churn_rate_90d of the catalogue), with a 95 % Wilson interval,
-- so that leadership sees whether how support went moves retention.
--
-- Counted per resolved conversation, not per customer: a conversation counts
-- when it is resolved and its 90-day window after its first resolution is
-- closed by the outcomes horizon (the latest outcome loaded for its source);
-- it churned when its customer has a `churned` outcome of the same source
-- with first_resolution_at < at <= first_resolution_at + 90 days. A customer
-- with three such conversations counts three times. Sources without any
-- outcome loaded have no rows.
--
-- Groupings: all; fcr (fcr / not fcr / fcr unknown); csat_band of csat_score (satisfied
-- >= 75, i.e. 4–5 of 5; neutral 50 to < 75; dissatisfied < 50; no answer);
-- effort_band of effort_index (low < 20, medium 20 to < 50, high >= 50).
-- sla: breached / met / no sla (sla_breached of metrics v2). A further grouping
-- is one more column of `banded` and one more name in the unpivot.
with outcome_horizons as (
  select
    source,
    max(occurred_at) as horizon
  from stg_customer_outcomes
  group by source
),

churns as (
  select
    source,
    customer_id,
    occurred_at
  from stg_customer_outcomes
  where event = 'churned'
),

resolved as (
  select
    m.source,
    m.conversation_id,
    m.customer_id,
    m.first_resolution_at,
    m.fcr,
    m.csat_score,
    m.effort_index,
    m.sla_breached
  from conversation_metrics m
  join outcome_horizons h using (source)
  where m.resolved
    and m.first_resolution_at + interval 90 day <= h.horizon
),

flagged as (
  select
    r.*,
    exists (
      select 1
      from churns c
      where c.source = r.source
        and c.customer_id = r.customer_id
        and c.occurred_at > r.first_resolution_at
        and c.occurred_at <= r.first_resolution_at + interval 90 day
    ) as churned_90d
  from resolved r
),

banded as (
  select
    churned_90d,
    'all' as "all",
    -- fcr is null while its 7-day window is open at the conversations' horizon
    case when fcr then 'fcr' when fcr is null then 'fcr unknown' else 'not fcr' end as fcr,
    case
      when csat_score is null then 'no answer'
      when csat_score >= 75 then 'satisfied'
      when csat_score >= 50 then 'neutral'
      else 'dissatisfied'
    end as csat_band,
    case
      when effort_index < 20 then 'low'
      when effort_index < 50 then 'medium'
      else 'high'
    end as effort_band,
    -- sla_breached is null without a matching policy, or while every target is open
    case when sla_breached then 'breached' when sla_breached = false then 'met' else 'no sla' end as sla
  from flagged
),

unpivoted as (
  unpivot banded
  on "all", fcr, csat_band, effort_band, sla
  into name "grouping" value band
),

counted as (
  select
    "grouping",
    band,
    count(*) as conversations,
    count(*) filter (where churned_90d) as churned
  from unpivoted
  group by "grouping", band
),

-- Wilson score interval at 95 % (z = 1.959964): centre (p + z²/2n) / (1 + z²/n),
-- half-width z / (1 + z²/n) · sqrt(p(1 − p)/n + z²/4n²)
wilson as (
  select
    *,
    churned / conversations as churn_rate_90d,
    1.959963984540054 as z
  from counted
)

select
  "grouping",
  band,
  conversations,
  churned,
  churn_rate_90d,
  greatest(0, ((churn_rate_90d + z * z / (2 * conversations)) - z * sqrt(churn_rate_90d * (1 - churn_rate_90d) / conversations + z * z / (4 * conversations * conversations))) / (1 + z * z / conversations)) as ci_low,
  least(1, ((churn_rate_90d + z * z / (2 * conversations)) + z * sqrt(churn_rate_90d * (1 - churn_rate_90d) / conversations + z * z / (4 * conversations * conversations))) / (1 + z * z / conversations)) as ci_high
from wilson
order by "grouping", band
