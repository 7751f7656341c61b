-- One row per survey answer, with its scale (defaults applied at load).
select
  source,
  conversation_id,
  seq,
  answered_at,
  kind,
  score,
  scale_min,
  scale_max,
  comment
from raw_surveys
