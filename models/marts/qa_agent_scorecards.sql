-- One row per agent and month in which the agent owned conversations or was
-- reviewed: the internal quality score (mean qa_score of the agent's
-- reviews), its auto-fail rate, beside the agent's operational metrics from
-- conversation_metrics (owner_agent; definitions of the catalogue: fcr_rate,
-- reopen_rate, csat_rate, first_response_s and reply_time_s medians) and the
-- same figures for the agent's team, for comparison. A rate or median over
-- fewer than 10 values (the catalogue's MIN_GROUP_SIZE; a test keeps the two
-- equal) is null, like metric_summary; its base stays.
-- Criterion averages per agent and month: qa_agent_criteria.
with roster as (
  select
    agent_id,
    agent_name,
    team
  from stg_agents
),

owned as (
  select *
  from conversation_metrics
  where owner_agent is not null
),

-- the agent's team: the roster's, else the team of most of their conversations
agent_teams as (
  select
    o.owner_agent as agent_id,
    coalesce(any_value(r.team), mode(o.team)) as team
  from owned as o
  left join roster as r
    on r.agent_id = o.owner_agent
  group by o.owner_agent
),

agent_ops as (
  select
    owner_agent as agent_id,
    month,
    count(*) as conversations,
    count(*) filter (where resolved) as resolved_conversations,
    count(*) filter (where resolved and fcr_window_closed) as fcr_rate_base,
    count(*) filter (where fcr) as fcr_count,
    count(*) filter (where resolved and reopens >= 1) as reopened_count,
    count(*) filter (where csat_score is not null) as csat_rate_base,
    count(*) filter (where csat_satisfied) as csat_satisfied_count,
    case when count(first_response_s) >= 10 then median(first_response_s) end as first_response_s_median,
    case when count(reply_time_s) >= 10 then median(reply_time_s) end as reply_time_s_median
  from owned
  group by owner_agent, month
),

team_ops as (
  select
    t.team,
    o.month,
    count(*) as conversations,
    count(*) filter (where o.resolved) as resolved_conversations,
    count(*) filter (where o.resolved and o.fcr_window_closed) as fcr_rate_base,
    count(*) filter (where o.fcr) as fcr_count,
    count(*) filter (where o.resolved and o.reopens >= 1) as reopened_count,
    count(*) filter (where o.csat_score is not null) as csat_rate_base,
    count(*) filter (where o.csat_satisfied) as csat_satisfied_count,
    case when count(o.first_response_s) >= 10 then median(o.first_response_s) end as first_response_s_median,
    case when count(o.reply_time_s) >= 10 then median(o.reply_time_s) end as reply_time_s_median
  from owned as o
  join agent_teams as t
    on t.agent_id = o.owner_agent
  group by t.team, o.month
),

agent_qa as (
  select
    agent_id,
    month,
    count(*) as reviews,
    count(qa_score) as scored_reviews,
    avg(qa_score) as internal_quality_score,
    avg(auto_failed::integer) as auto_fail_rate,
    sum(disputes) as disputes
  from qa_reviews_scored
  where agent_id is not null
    and month is not null
  group by agent_id, month
),

team_qa as (
  select
    t.team,
    q.month,
    count(q.qa_score) as scored_reviews,
    avg(q.qa_score) as internal_quality_score
  from qa_reviews_scored as q
  join agent_teams as t
    on t.agent_id = q.agent_id
  where q.month is not null
  group by t.team, q.month
),

agent_months as (
  select agent_id, month from agent_ops
  union
  select agent_id, month from agent_qa
),

joined as (
  select
    m.agent_id,
    r.agent_name,
    coalesce(t.team, r.team) as team,
    m.month,
    coalesce(q.reviews, 0) as reviews,
    q.internal_quality_score,
    q.auto_fail_rate,
    coalesce(q.disputes, 0) as disputes,
    coalesce(a.conversations, 0) as conversations,
    case when a.fcr_rate_base >= 10 then a.fcr_count / a.fcr_rate_base end as fcr_rate,
    coalesce(a.fcr_rate_base, 0) as fcr_rate_base,
    case when a.resolved_conversations >= 10 then a.reopened_count / a.resolved_conversations end as reopen_rate,
    coalesce(a.resolved_conversations, 0) as reopen_rate_base,
    case when a.csat_rate_base >= 10 then a.csat_satisfied_count / a.csat_rate_base end as csat_rate,
    coalesce(a.csat_rate_base, 0) as csat_rate_base,
    a.first_response_s_median,
    a.reply_time_s_median,
    tq.internal_quality_score as team_internal_quality_score,
    case when tp.fcr_rate_base >= 10 then tp.fcr_count / tp.fcr_rate_base end as team_fcr_rate,
    case when tp.resolved_conversations >= 10 then tp.reopened_count / tp.resolved_conversations end as team_reopen_rate,
    case when tp.csat_rate_base >= 10 then tp.csat_satisfied_count / tp.csat_rate_base end as team_csat_rate,
    tp.first_response_s_median as team_first_response_s_median,
    tp.reply_time_s_median as team_reply_time_s_median
  from agent_months as m
  left join roster as r
    on r.agent_id = m.agent_id
  left join agent_teams as t
    on t.agent_id = m.agent_id
  left join agent_qa as q
    on q.agent_id = m.agent_id
    and q.month = m.month
  left join agent_ops as a
    on a.agent_id = m.agent_id
    and a.month = m.month
  left join team_qa as tq
    on tq.team = coalesce(t.team, r.team)
    and tq.month = m.month
  left join team_ops as tp
    on tp.team = coalesce(t.team, r.team)
    and tp.month = m.month
)

select *
from joined
