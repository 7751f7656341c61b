-- The replies of reply_metrics (those given: replied_at set) rolled up per UTC
-- day of their conversation's creation (the day the dashboard's date range
-- compares), reply agent, reply team and channel, for the agent scorecard's
-- figures credited by reply (dashboard/lib/server/agent-scorecard.ts, via
-- models/reply-daily.ts): every reply time of the group as a list, so that a
-- date range's exact median and p90 are the quantiles of the lists' values
-- (the same values the reply summary reads: models/summary.ts replySummarySql),
-- and the next-response SLA's measured and met turns (after the first) as
-- counts, which add up over days. A range then reads a few hundred rows of
-- this mart instead of joining every reply to its conversation (in day order:
-- the range's rows are together, and the scan skips the lists of the others).
select
  timezone('UTC', c.created_at)::date as day,
  r.reply_agent,
  r.reply_team,
  c.channel,
  list(r.reply_time_s order by r.reply_time_s) filter (where r.reply_time_s is not null) as reply_times,
  count(*) filter (where not r.first_turn and r.sla_met is not null) as sla_next_response_measured,
  count(*) filter (where not r.first_turn and r.sla_met) as sla_next_response_met
from reply_metrics r
join conversation_metrics c using (source, conversation_id)
where r.replied_at is not null
group by all
order by day, reply_team, reply_agent
