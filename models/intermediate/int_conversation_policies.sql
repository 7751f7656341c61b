-- One row per conversation that an SLA policy applies to (metrics.md v2
-- "Service-level agreements"): the first policy of config_sla_policies, in
-- order, whose `when` matches the conversation as loaded (channel, priority,
-- owner team, intent, source, customer segment; a key not named matches
-- everything, every key named must match), with its targets, the
-- conversation's schedule and its created_at.
with conversations as (
  select
    c.conversation_key,
    c.source,
    c.channel,
    c.priority,
    c.intent,
    c.customer_segment,
    c.created_at,
    s.owner_team,
    s.schedule
  from (select conversation_key(source, conversation_id) as conversation_key, * from stg_conversations) c
  join int_conversation_schedules s using (conversation_key)
),

matched as (
  select
    c.conversation_key,
    arg_min(p.ord, p.ord) as policy_ord
  from conversations c
  join config_sla_policies p
    -- the rule of `when`: the macro models/config.ts writes with config_sla_policies
    on sla_when_matches(p.channels, p.priorities, p.teams, p.intents, p.sources, p.segments,
                        c.channel, c.priority, c.owner_team, c.intent, c.source, c.customer_segment)
  group by c.conversation_key
)

-- what the clocks read of the conversation (the keys that matched are left out: an intermediate is a
-- temporary table, held in memory until its last reader has run)
select
  c.conversation_key,
  c.created_at,
  c.schedule,
  p.name as sla_policy,
  p.business_hours,
  p.first_response_s,
  p.next_response_s,
  p.resolution_s
from conversations c
join matched m using (conversation_key)
join config_sla_policies p on p.ord = m.policy_ord

