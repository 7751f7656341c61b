-- One row per (source, customer_id) (metrics.md v2 "Customer-level mart"),
-- from conversation_metrics alone (so an incremental build recomputes it
-- whole): segment and account of the latest conversation, how many
-- conversations and when, the distinct months with one, resolved
-- conversations, fcr_rate and recontact_rate over the resolved conversations
-- whose 7-day window is closed, the csat_score of the latest answered survey,
-- the mean effort_index, and the conversations that breached their SLA.
select
  source,
  customer_id,
  arg_max_null(customer_segment, created_at) as segment,
  arg_max_null(customer_account, created_at) as account,
  count(*) as conversations,
  min(created_at) as first_contact_at,
  max(created_at) as last_contact_at,
  count(distinct month) as active_months,
  count(*) filter (where resolved) as resolved_conversations,
  (count(*) filter (where resolved and fcr_window_closed and fcr))::double
    / nullif(count(*) filter (where resolved and fcr_window_closed), 0) as fcr_rate,
  (count(*) filter (where resolved and fcr_window_closed and recontact_7d))::double
    / nullif(count(*) filter (where resolved and fcr_window_closed), 0) as recontact_rate,
  arg_max(csat_score, csat_answered_at) filter (where csat_score is not null) as csat_latest,
  avg(effort_index) as effort_index_mean,
  count(*) filter (where sla_breached) as sla_breaches
from conversation_metrics
group by source, customer_id
