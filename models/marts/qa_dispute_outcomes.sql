-- One row per month (of filing, UTC) and team: disputes filed, their
-- outcomes, the mean time to an answer, and the mean change of qa_score that
-- accepted disputes made (from the audit trail).
with disputes as (
  select
    d.dispute_id,
    d.review_id,
    d.status,
    d.filed_at,
    d.resolved_at,
    strftime(d.filed_at, '%Y-%m') as filed_month,
    r.team
  from qa_disputes as d
  left join qa_reviews_scored as r
    on r.review_id = d.review_id
),

score_changes as (
  select
    dispute_id,
    sum(cast(json_extract(after_value, '$.qa_score') as double) - cast(json_extract(before_value, '$.qa_score') as double)) as score_change
  from qa_audit
  where field = 'qa_score'
  group by dispute_id
)

select
  d.filed_month,
  d.team,
  count(*) as disputes,
  count(*) filter (where d.status = 'open') as open,
  count(*) filter (where d.status = 'accepted') as accepted,
  count(*) filter (where d.status = 'partly_accepted') as partly_accepted,
  count(*) filter (where d.status = 'rejected') as rejected,
  count(*) filter (where d.status in ('accepted', 'partly_accepted'))
    / nullif(count(*) filter (where d.status <> 'open'), 0) as upheld_rate,
  avg(epoch(d.resolved_at) - epoch(d.filed_at)) as answer_time_s_mean,
  avg(coalesce(c.score_change, 0)) filter (where d.status in ('accepted', 'partly_accepted')) as qa_score_change_mean
from disputes as d
left join score_changes as c
  on c.dispute_id = d.dispute_id
group by d.filed_month, d.team
