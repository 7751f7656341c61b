-- One row per agent, month and criterion: the criterion's average score
-- (0–100) over the agent's reviews where it was rated — not zeroed by
-- auto-fails, N/A left out — its failures, and the team's average.
with scores as (
  select *
  from qa_criterion_scores
  where agent_id is not null
    and month is not null
),

agent_avg as (
  select
    agent_id,
    any_value(team) as team,
    month,
    rubric_id,
    criterion_id,
    count(*) filter (where not na) as rated,
    count(*) filter (where na) as na,
    count(*) filter (where failed) as failed,
    avg(score) filter (where not na) as criterion_score
  from scores
  group by agent_id, month, rubric_id, criterion_id
),

team_avg as (
  select
    team,
    month,
    rubric_id,
    criterion_id,
    avg(score) filter (where not na) as team_criterion_score
  from scores
  group by team, month, rubric_id, criterion_id
)

select
  a.*,
  t.team_criterion_score
from agent_avg as a
left join team_avg as t
  on t.team is not distinct from a.team
  and t.month = a.month
  and t.rubric_id = a.rubric_id
  and t.criterion_id = a.criterion_id
