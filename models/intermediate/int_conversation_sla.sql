-- One row per conversation: its SLA policy and the sla_* columns of metrics.md
-- v2, from its clocks (int_sla_clocks); null everywhere when no policy
-- matches. A conversation without a customer message has no first- or
-- next-response target: those columns stay null. `sla_open_until`: the earliest due moment of a clock still open
-- (not a metric; an incremental build re-reads the conversation once the
-- horizon passes it).
-- Keyed by `conversation_key`.
with per_conversation as (
  select
    conversation_key,
    max(result) filter (where target = 'first_response') as first_response,
    max(due_at) filter (where target = 'first_response') as first_response_due_at,
    count(*) filter (where target = 'next_response' and result in ('met', 'breached')) as next_turns,
    count(*) filter (where target = 'next_response' and result = 'breached') as next_breaches,
    count(*) filter (where target = 'next_response' and result = 'open') as next_open,
    max(result) filter (where target = 'resolution') as resolution,
    max(due_at) filter (where target = 'resolution') as resolution_due_at,
    min(due_at) filter (where result = 'breached') as first_breach_at,
    min(due_at) filter (where result = 'open') as open_until
  from int_sla_clocks
  group by conversation_key
)

select
  p.conversation_key,
  p.sla_policy,
  case c.first_response when 'met' then true when 'breached' then false end as sla_first_response_met,
  c.first_response_due_at as sla_first_response_due_at,
  case when p.next_response_s is not null and r.first_customer_at is not null then coalesce(c.next_turns, 0) end as sla_next_response_turns,
  case when p.next_response_s is not null and r.first_customer_at is not null then coalesce(c.next_breaches, 0) end as sla_next_response_breaches,
  case when c.next_turns > 0 then c.next_breaches = 0 end as sla_next_response_met,
  case c.resolution when 'met' then true when 'breached' then false end as sla_resolution_met,
  c.resolution_due_at as sla_resolution_due_at,
  case
    when c.first_response = 'breached' or c.next_breaches > 0 or c.resolution = 'breached' then true
    -- every target of the policy met: a missing clock is a target this conversation does not have
    -- (no customer message), next_response met or with no turn to measure
    when coalesce(c.first_response, 'met') = 'met' and coalesce(c.next_open, 0) = 0 and coalesce(c.resolution, 'met') = 'met' then false
  end as sla_breached,
  c.first_breach_at as sla_first_breach_at,
  c.open_until as sla_open_until
from int_conversation_policies p
join int_conversation_responses r using (conversation_key)
left join per_conversation c using (conversation_key)
