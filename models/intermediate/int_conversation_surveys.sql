-- One row per conversation with a survey: the latest csat and ces answers
-- (latest by time, then by position in the array), rescaled to 0–100 over
-- their scales; csat_satisfied when the csat answer is in the top two points
-- of its scale (metrics.md csat_score, csat_rate, ces_score).
-- Keyed by `conversation_key`.
with ranked as (
  select
    conversation_key(source, conversation_id) as conversation_key,
    kind,
    score,
    scale_min,
    scale_max,
    answered_at,
    row_number() over (partition by conversation_key(source, conversation_id), kind order by answered_at desc, seq desc) as recency
  from stg_surveys
  where kind in ('csat', 'ces')
),

latest as (
  select
    *,
    100.0 * (score - scale_min) / (scale_max - scale_min) as scaled
  from ranked
  where recency = 1
)

select
  conversation_key,
  max(scaled) filter (where kind = 'csat') as csat_score,
  max(answered_at) filter (where kind = 'csat') as csat_answered_at,
  bool_or(score >= scale_max - 1) filter (where kind = 'csat') as csat_satisfied,
  max(scaled) filter (where kind = 'ces') as ces_score
from latest
group by conversation_key
