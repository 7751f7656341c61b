-- One row per reviewer and month (of the review's created_at, UTC): reviews
-- given, their mean qa_score and time spent, how many were disputed and how
-- many of those disputes were accepted in full or in part (the reviewer's
-- grade changed), and the reviewer's mean distance from calibration
-- benchmarks (qa_calibration_reviewers).
with reviews as (
  select
    reviewer_id,
    strftime(reviewed_at, '%Y-%m') as review_month,
    qa_score,
    auto_failed,
    time_spent_s,
    review_id
  from qa_reviews_scored
),

disputes as (
  select
    d.review_id,
    count(*) as disputes,
    count(*) filter (where d.status in ('accepted', 'partly_accepted')) as upheld
  from qa_disputes as d
  group by d.review_id
),

calibration as (
  select
    reviewer_id,
    strftime(session_created_at, '%Y-%m') as review_month,
    avg(criterion_distance) as calibration_distance
  from qa_calibration_reviewers
  group by reviewer_id, strftime(session_created_at, '%Y-%m')
),

stats as (
  select
    r.reviewer_id,
    r.review_month,
    count(*) as reviews,
    avg(r.qa_score) as mean_qa_score,
    avg(r.auto_failed::integer) as auto_fail_rate,
    median(r.time_spent_s) as time_spent_s_median,
    sum(r.time_spent_s) as time_spent_s_total,
    count(d.review_id) as disputed_reviews,
    coalesce(sum(d.upheld), 0) as disputes_upheld
  from reviews as r
  left join disputes as d
    on d.review_id = r.review_id
  group by r.reviewer_id, r.review_month
)

select
  coalesce(s.reviewer_id, c.reviewer_id) as reviewer_id,
  coalesce(s.review_month, c.review_month) as review_month,
  coalesce(s.reviews, 0) as reviews,
  s.mean_qa_score,
  s.auto_fail_rate,
  s.time_spent_s_median,
  s.time_spent_s_total,
  coalesce(s.disputed_reviews, 0) as disputed_reviews,
  coalesce(s.disputes_upheld, 0) as disputes_upheld,
  c.calibration_distance
from stats as s
full join calibration as c
  on c.reviewer_id = s.reviewer_id
  and c.review_month = s.review_month
