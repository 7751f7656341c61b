-- One row per calibration session and reviewer: conversations graded, and the
-- distance from the session's benchmark (the facilitator's grades): mean
-- absolute difference of criterion scores (0–100, criteria both rated) and
-- of qa_score (SCORING.md §4). Same arithmetic as calibrationResults().
with sessions as (
  select
    session_id,
    name as session_name,
    created_at as session_created_at
  from qa_calibration_sessions
),

graded as (
  select *
  from qa_reviews
  where kind = 'calibration'
),

benchmarks as (
  select *
  from qa_reviews
  where kind = 'benchmark'
),

criterion_gaps as (
  select
    g.session_id,
    g.reviewer_id,
    abs(gk.score - bk.score) as gap
  from graded as g
  join benchmarks as b
    on b.session_id = g.session_id
    and b.source = g.source
    and b.conversation_id = g.conversation_id
  join qa_review_criteria as gk
    on gk.review_id = g.review_id
  join qa_review_criteria as bk
    on bk.review_id = b.review_id
    and bk.criterion_id = gk.criterion_id
  where not gk.na
    and not bk.na
),

score_gaps as (
  select
    g.session_id,
    g.reviewer_id,
    count(*) as conversations,
    avg(abs(g.qa_score - b.qa_score)) as score_distance
  from graded as g
  left join benchmarks as b
    on b.session_id = g.session_id
    and b.source = g.source
    and b.conversation_id = g.conversation_id
  group by g.session_id, g.reviewer_id
)

select
  s.session_id,
  n.session_name,
  n.session_created_at,
  s.reviewer_id,
  s.conversations,
  (
    select avg(c.gap)
    from criterion_gaps as c
    where c.session_id = s.session_id
      and c.reviewer_id = s.reviewer_id
  ) as criterion_distance,
  s.score_distance
from score_gaps as s
join sessions as n
  on n.session_id = s.session_id
