-- One row per conversation: what it cost, for cost_per_resolution (catalogue),
-- from the `costs` section of parley.config.yaml (config_costs; no costs
-- configured: every cost is null). Recomputed whole by every build (an
-- incremental build too): the platform fees and rostered hours are shared by
-- all of a month's conversations.
--
-- cost = agent cost + automation cost + platform cost, where
-- - agent cost = agent_minutes ÷ 60 × agent_cost_per_hour (of its channel, else
--   the default). active_minutes is the conversation's share of its owner's
--   active time: the minutes in which the agent owned at least one open and
--   active conversation (the islands of agent_concurrency_edges: first human
--   reply to first resolution or the horizon, activity in the last 30 minutes),
--   a minute with k such conversations counting 1/k to each, so that an agent's
--   shares add up to their active minutes (agent_concurrency_daily): exactly, in
--   whole units of a minute, with up to 22 at once (agent_shared below).
--   agent_minutes is active_minutes when the roster gives the owner no
--   hours_per_week (agent_hours_basis 'active'); when it does ('rostered'), the
--   owner's rostered minutes of the month — hours_per_week × 60 × the days of the
--   month inside the data (first created_at to the horizon) ÷ 7 — shared among
--   the owner's conversations of the month in proportion to their active_minutes.
--   An agent's rostered hours in a month in which they own no active
--   conversation have no conversation to carry them and are not counted.
-- - automation cost = cost_per_automated_conversation (of its channel, else the
--   default) when it had an automated reply;
-- - platform cost = platform_fees_per_month ÷ conversations of its month, plus
--   its channel's own fees ÷ conversations of its month and channel.
-- Months are conversation_metrics.month (created_at in the configured time zone).
--
-- resolution_type: 'bot' when no human replied (automation alone, or nobody),
-- else 'people'; resolved_for_cost: the conversation counts as a resolution of
-- its type: contained (bot), resolved (people).
with settings as (
  select
    agent_cost_per_hour,
    platform_fees_per_month,
    cost_per_automated_conversation
  from config_costs
  where channel is null
),

channel_settings as (
  select
    channel,
    agent_cost_per_hour,
    platform_fees_per_month,
    cost_per_automated_conversation
  from config_costs
  where channel is not null
),

-- each agent's concurrency level between two consecutive edges
agent_changes as (
  select
    owner_agent,
    minute,
    sum(delta) as delta
  from agent_concurrency_edges
  group by owner_agent, minute
),

-- one window over all agents (cheaper than one partitioned by agent), as in
-- agent_concurrency_daily: each conversation's edges add up to 0, so the running sum
-- enters each agent at 0, and the lead across two agents belongs to a level of 0
-- (no share below)
agent_levels as (
  select
    owner_agent,
    minute,
    lead(minute) over by_time - minute as lasts,
    sum(delta) over by_time as level
  from agent_changes
  window by_time as (order by owner_agent, minute rows between unbounded preceding and current row)
),

-- shared: the agent's active minutes before each edge, each minute at level k counting 1/k, in
-- whole units of 1/232792560 minute: lcm(1, …, 22), so that a stretch at any level up to 22 is a
-- whole number of units (above 22 it is rounded down, by less than a unit). Every island's start
-- and end is an edge of its agent. Whole numbers below 2^53 add up exactly in a DOUBLE, in any
-- order, and an agent's units stay below it up to 38 million active minutes (73 years), so the
-- running sum, and each conversation's share below, come out the same whatever the order of
-- the rows, the threads or the engine. (Running sums of minutes ÷ level, and their differences,
-- differed by up to 3e-11 relative from one build to the next, and from `build --lake`.)
agent_shared as (
  select
    owner_agent,
    minute,
    coalesce(sum(case when level > 0 then floor(lasts::double * 232792560 / level) else 0 end) over (
      partition by owner_agent order by minute rows between unbounded preceding and 1 preceding
    ), 0) as shared
  from agent_levels
),

-- a conversation's share of its agent's minutes, in units: over each island, shared at its end −
-- shared at its start, so the sum over its edges of −delta × shared (one equality join: edges of
-- fresh tables keep a plain plan), added up as integers (as DOUBLEs, a conversation of many
-- islands could pass 2^53 on the way)
agent_units as (
  select
    e.source,
    e.conversation_id,
    sum(-e.delta * a.shared::bigint)::bigint as units
  from agent_concurrency_edges e
  join agent_shared a on a.owner_agent = e.owner_agent and a.minute = e.minute
  group by e.source, e.conversation_id
),

-- in minutes: the whole minutes, then the rest of a minute, so that a whole number of minutes is exact
agent_minutes as (
  select
    source,
    conversation_id,
    units,
    (units // 232792560)::double + (units % 232792560)::double / 232792560 as agent_minutes
  from agent_units
),

-- the days of each month inside the data, in the configured time zone
data_days as (
  select
    min(timezone(s.timezone, m.created_at))::date as first_day,
    any_value(timezone(s.timezone, h.horizon))::date as last_day
  from conversation_metrics m
  cross join config_settings s
  cross join int_data_horizon h
),

month_days as (
  select
    month,
    datediff(
      'day',
      greatest(strptime(month || '-01', '%Y-%m-%d')::date, d.first_day),
      least(last_day(strptime(month || '-01', '%Y-%m-%d')::date), d.last_day)
    ) + 1 as days
  from (select distinct month from conversation_metrics)
  cross join data_days d
),

-- the conversations of each month and of each month and channel (joined
-- below: cheaper than two windows over every conversation)
month_counts as (
  select month, count(*) as month_conversations
  from conversation_metrics
  group by month
),

month_channel_counts as (
  select month, channel, count(*) as month_channel_conversations
  from conversation_metrics
  group by month, channel
),

conversations as (
  select
    m.source,
    m.conversation_id,
    m.month,
    m.channel,
    m.owner_agent,
    m.had_automated_reply,
    case when m.human_replies > 0 then 'people' else 'bot' end as resolution_type,
    case when m.human_replies > 0 then m.resolved else m.contained end as resolved_for_cost,
    coalesce(a.agent_minutes, 0) as active_minutes,
    coalesce(a.units, 0) as active_units,
    n.month_conversations,
    k.month_channel_conversations
  from conversation_metrics m
  left join agent_minutes a using (source, conversation_id)
  join month_counts n on n.month is not distinct from m.month
  join month_channel_counts k on k.month is not distinct from m.month and k.channel is not distinct from m.channel
),

-- the owner's rostered minutes of the month over their active minutes of the month (summed in
-- units: exact, in any order)
rostered as (
  select
    c.source,
    c.conversation_id,
    g.hours_per_week * 60 * d.days / 7
      * c.active_units::double / sum(c.active_units) over (partition by c.owner_agent, c.month)::double as agent_minutes
  from conversations c
  join stg_agents g on g.agent_id = c.owner_agent and g.hours_per_week is not null
  join month_days d using (month)
  where c.active_units > 0
),

paid as (
  select
    c.*,
    case when r.agent_minutes is not null then 'rostered' when c.active_minutes > 0 then 'active' end as agent_hours_basis,
    coalesce(r.agent_minutes, c.active_minutes) as agent_minutes
  from conversations c
  left join rostered r using (source, conversation_id)
),

costed as (
  select
    c.source,
    c.conversation_id,
    c.resolution_type,
    c.resolved_for_cost,
    c.agent_hours_basis,
    c.active_minutes,
    c.agent_minutes,
    c.agent_minutes / 60 * coalesce(k.agent_cost_per_hour, s.agent_cost_per_hour) as agent_cost,
    case when c.had_automated_reply then coalesce(k.cost_per_automated_conversation, s.cost_per_automated_conversation) else 0 end as automation_cost,
    s.platform_fees_per_month / c.month_conversations
      + coalesce(k.platform_fees_per_month, 0) / c.month_channel_conversations as platform_cost
  from paid c
  left join settings s on true
  left join channel_settings k on k.channel = c.channel
)

select
  source,
  conversation_id,
  resolution_type,
  resolved_for_cost,
  agent_hours_basis,
  active_minutes,
  agent_minutes,
  agent_cost,
  automation_cost,
  platform_cost,
  agent_cost + automation_cost + platform_cost as cost
from costed
