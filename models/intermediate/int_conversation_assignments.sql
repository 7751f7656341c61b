-- One row per conversation: transfers, escalations and ownership
-- (metrics.md transfers, escalations, owner_agent; team for grouping).
--
-- The assignment is a pair (agent, team), both empty at the start; each
-- assign event sets the parts it names. An event is a transfer when it
-- replaces a non-empty agent with a different one, or a non-empty team with a
-- different one; filling an empty part is routing; the same pair is nothing.
-- owner_agent: the agent of the pair after the last assign event before the
-- first resolution (all assign events when unresolved); when that leaves no
-- agent, the agent with the most human replies (ties: the earliest to reply).
-- team: the team of the same pair, else the owner's team in the roster.
-- owner_team (metrics v2): the team of the same pair alone, the team in force at
-- the first resolution (at the last event when unresolved); null when no assign
-- event named a team by then. Keyed by `conversation_key`.
with assigns as (
  select
    conversation_key,
    ord,
    occurred_at,
    agent_id,
    team
  from int_timeline
  where kind = 'event' and event_type = 'assign'
),

with_previous as (
  select
    *,
    last_value(agent_id ignore nulls) over earlier as previous_agent,
    last_value(team ignore nulls) over earlier as previous_team
  from assigns
  window earlier as (
    partition by conversation_key order by ord
    rows between unbounded preceding and 1 preceding
  )
),

steps as (
  select
    *,
    (agent_id is not null and previous_agent is not null and agent_id <> previous_agent)
      or (team is not null and previous_team is not null and team <> previous_team) as is_transfer,
    coalesce(agent_id, previous_agent) as agent_after,
    coalesce(team, previous_team) as team_after
  from with_previous
),

assignment_facts as (
  select
    s.conversation_key,
    count(*) as assignments,
    count(*) filter (where s.is_transfer) as transfers,
    min(s.occurred_at) filter (where s.is_transfer) as first_transfer_at,
    arg_max(s.agent_after, s.ord) filter (where r.first_resolution_ord is null or s.ord < r.first_resolution_ord) as assigned_agent,
    arg_max(s.team_after, s.ord) filter (where r.first_resolution_ord is null or s.ord < r.first_resolution_ord) as assigned_team
  from steps s
  left join int_conversation_resolutions r using (conversation_key)
  group by s.conversation_key
),

escalations as (
  select
    conversation_key,
    count(*) as escalations,
    min(occurred_at) as first_escalation_at
  from int_timeline
  where kind = 'event' and event_type = 'escalate'
  group by conversation_key
),

top_replier as (
  select
    conversation_key,
    first(author_id order by replies desc, first_ord) as agent_id
  from (
    select conversation_key, author_id, count(*) as replies, min(ord) as first_ord
    from int_timeline
    where kind = 'message' and is_public and author_role = 'agent' and author_id is not null
    group by all
  )
  group by conversation_key
)

select
  c.conversation_key,
  coalesce(a.assignments, 0) as assignments,
  coalesce(a.transfers, 0) as transfers,
  coalesce(e.escalations, 0) as escalations,
  least(a.first_transfer_at, e.first_escalation_at) as first_handover_at,
  coalesce(a.assigned_agent, t.agent_id) as owner_agent,
  coalesce(a.assigned_team, g.team) as team,
  a.assigned_team as owner_team
from (select conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
left join assignment_facts a using (conversation_key)
left join escalations e using (conversation_key)
left join top_replier t using (conversation_key)
left join stg_agents g on g.agent_id = coalesce(a.assigned_agent, t.agent_id)
