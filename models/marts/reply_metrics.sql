-- One row per customer turn of every conversation with a customer message
-- (metrics.md v2 "Reply-level mart"): when the turn started, its next human
-- reply and who wrote it (reply_agent, credited with the reply), the team in
-- force at the reply (the last team an assign event named before it), the
-- wait in calendar and in business time, and the turn's first- or
-- next-response SLA result (null: open, not measured, or no such target).
-- The intermediates are keyed by the build's `conversation_key` (models/build.ts
-- defineConversationKey); the strings come from stg_conversations by it.
with team_steps as (
  select
    conversation_key,
    ord,
    team
  from int_timeline
  where kind = 'event' and event_type = 'assign' and team is not null
)

-- reply_team: the team of the last assign step before the reply, found by an
-- as-of join (one sort-merge; a join to every earlier step and arg_max over
-- them cost 15% more); a turn without a reply has none (the as-of join
-- would match a null ord with the last step)
select
  c.source,
  c.conversation_id,
  t.turn_number as turn,
  t.turn_at as turn_started_at,
  t.human_reply_at as replied_at,
  t.reply_agent,
  case when t.human_reply_ord is not null then g.team end as reply_team,
  epoch(t.human_reply_at) - epoch(t.turn_at) as reply_time_s,
  b.stopped_business_s - b.started_business_s as business_reply_time_s,
  t.turn_number = 1 as first_turn,
  case k.result when 'met' then true when 'breached' then false end as sla_met
from int_conversation_turns t
join (select source, conversation_id, conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
  on c.conversation_key = t.conversation_key
asof left join team_steps g
  on g.conversation_key = t.conversation_key
  and t.human_reply_ord > g.ord
left join int_business_moments b
  on b.conversation_key = t.conversation_key
  and b.turn_number = t.turn_number
left join int_sla_clocks k
  on k.conversation_key = t.conversation_key
  and k.turn_number = t.turn_number
  and k.target in ('first_response', 'next_response')
