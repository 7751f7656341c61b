-- One row per rated or N/A criterion of a review that scores an agent: the
-- criterion's own 0–100 score, not zeroed by a critical failure elsewhere in
-- the review, so category averages and their trends stay visible (SCORING.md §3).
with reviews as (
  select
    review_id,
    agent_id,
    team,
    month,
    channel,
    reviewer_id,
    rubric_id,
    rubric_version,
    auto_failed
  from qa_reviews_scored
)

select
  r.review_id,
  r.agent_id,
  r.team,
  r.month,
  r.channel,
  r.reviewer_id,
  r.rubric_id,
  r.rubric_version,
  k.section_id,
  k.criterion_id,
  k.rating,
  k.points,
  k.score,
  k.na,
  k.weight,
  k.critical,
  k.failed,
  k.root_causes,
  k.autoqa_check,
  r.auto_failed as review_auto_failed
from reviews as r
join qa_review_criteria as k
  on k.review_id = r.review_id
