-- One row per review that scores an agent (kind 'review': calibration reviews
-- and benchmarks are left out, SCORING.md §3), with its conversation's month,
-- channel and intent, the agent's team (roster, else the conversation's), its
-- qa_score (metrics.md; changed only by disputes, the audit trail keeps the
-- rest), the score before the critical-failure rule, and its disputes.
with reviews as (
  select *
  from qa_reviews
  where kind = 'review'
),

conversations as (
  select
    source,
    conversation_id,
    created_at,
    month,
    channel,
    intent,
    team
  from conversation_metrics
),

agents as (
  select
    agent_id,
    agent_name,
    team
  from stg_agents
),

criteria as (
  select
    review_id,
    count(*) filter (where not na) as rated_criteria,
    count(*) filter (where na) as na_criteria,
    count(*) filter (where critical and failed) as critical_failures
  from qa_review_criteria
  group by review_id
),

disputes as (
  select
    review_id,
    count(*) as disputes,
    arg_max(status, filed_at) as last_dispute_status
  from qa_disputes
  group by review_id
)

select
  r.review_id,
  r.sample_id,
  r.source,
  r.conversation_id,
  r.agent_id,
  a.agent_name,
  coalesce(a.team, c.team) as team,
  c.created_at,
  c.month,
  c.channel,
  c.intent,
  r.reviewer_id,
  r.rubric_id,
  r.rubric_version,
  r.qa_score,
  r.score_before_auto_fail,
  r.auto_failed,
  coalesce(k.rated_criteria, 0) as rated_criteria,
  coalesce(k.na_criteria, 0) as na_criteria,
  coalesce(k.critical_failures, 0) as critical_failures,
  r.time_spent_s,
  r.created_at as reviewed_at,
  r.updated_at,
  coalesce(d.disputes, 0) as disputes,
  d.last_dispute_status
from reviews as r
left join conversations as c
  on c.source = r.source
  and c.conversation_id = r.conversation_id
left join agents as a
  on a.agent_id = r.agent_id
left join criteria as k
  on k.review_id = r.review_id
left join disputes as d
  on d.review_id = r.review_id
