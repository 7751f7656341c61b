-- internal_quality_score (metrics.md): the mean qa_score of reviews in a
-- period and group. One row per month × group of each grouping: 'month',
-- 'month,agent', 'month,team', 'month,channel' (`grouping` names the
-- dimensions). Reviews without a score (all criteria N/A) are left out.
with reviews as (
  select
    month,
    agent_id as agent,
    team,
    channel,
    qa_score,
    auto_failed
  from qa_reviews_scored
  where qa_score is not null
    and month is not null
)

select
  case
    when grouping(agent) = 0 then 'month,agent'
    when grouping(team) = 0 then 'month,team'
    when grouping(channel) = 0 then 'month,channel'
    else 'month'
  end as "grouping",
  month,
  agent,
  team,
  channel,
  count(*) as reviews,
  avg(qa_score) as internal_quality_score,
  avg(auto_failed::integer) as auto_fail_rate
from reviews
group by grouping sets ((month), (month, agent), (month, team), (month, channel))
