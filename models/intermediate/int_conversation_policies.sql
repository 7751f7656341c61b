-- One row per conversation that an SLA policy applies to (metrics.md v2
-- "Service-level agreements"): the first policy of config_sla_policies, in
-- order, whose `when` matches the conversation as loaded (channel, priority,
-- owner team, intent, source, customer segment; a key not named matches
-- everything, every key named must match), with its targets and the
-- conversation's schedule.
with conversations as (
  select
    c.source,
    c.conversation_id,
    c.channel,
    c.priority,
    c.intent,
    c.customer_segment,
    c.created_at,
    s.owner_team,
    s.schedule
  from stg_conversations c
  join int_conversation_schedules s using (source, conversation_id)
),

matched as (
  select
    c.source,
    c.conversation_id,
    arg_min(p.ord, p.ord) as policy_ord
  from conversations c
  join config_sla_policies p
    on (p.channels is null or list_contains(p.channels, c.channel))
    and (p.priorities is null or list_contains(p.priorities, c.priority))
    and (p.teams is null or list_contains(p.teams, c.owner_team))
    and (p.intents is null or list_contains(p.intents, c.intent))
    and (p.sources is null or list_contains(p.sources, c.source))
    and (p.segments is null or list_contains(p.segments, c.customer_segment))
  group by c.source, c.conversation_id
)

select
  c.*,
  p.name as sla_policy,
  p.business_hours,
  p.first_response_s,
  p.next_response_s,
  p.resolution_s
from conversations c
join matched m using (source, conversation_id)
join config_sla_policies p on p.ord = m.policy_ord

