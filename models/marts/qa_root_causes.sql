-- One row per agent, month and criterion root cause: how often reviewers
-- chose that root cause for the criterion in the agent's reviews (reviews
-- that score an agent, calibration left out), and how often the agent's team
-- saw it that month — so a coach sees why points were lost, not only that
-- they were (issue 18: "root causes per criterion counted by agent, team and
-- month").
with causes as (
  select
    s.agent_id,
    s.team,
    s.month,
    s.rubric_id,
    s.criterion_id,
    c.root_cause,
    s.review_id
  from qa_criterion_scores as s,
    unnest(s.root_causes) as c(root_cause)
  where s.agent_id is not null
    and s.month is not null
),

agent_counts as (
  select
    agent_id,
    any_value(team) as team,
    month,
    rubric_id,
    criterion_id,
    root_cause,
    count(distinct review_id) as reviews
  from causes
  group by agent_id, month, rubric_id, criterion_id, root_cause
),

team_counts as (
  select
    team,
    month,
    rubric_id,
    criterion_id,
    root_cause,
    count(distinct review_id) as team_reviews
  from causes
  group by team, month, rubric_id, criterion_id, root_cause
)

select
  a.agent_id,
  a.team,
  a.month,
  a.rubric_id,
  a.criterion_id,
  a.root_cause,
  a.reviews,
  coalesce(t.team_reviews, a.reviews) as team_reviews
from agent_counts as a
left join team_counts as t
  on t.team is not distinct from a.team
  and t.month = a.month
  and t.rubric_id = a.rubric_id
  and t.criterion_id = a.criterion_id
  and t.root_cause = a.root_cause
