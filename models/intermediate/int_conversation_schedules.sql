-- One row per conversation: its owner team and its schedule (metrics.md v2
-- "a conversation's schedule"): the schedule team_schedules gives the owner
-- team, else the default schedule (the v1 keys, config.ts DEFAULT_SCHEDULE).
select
  c.source,
  c.conversation_id,
  a.owner_team,
  coalesce(t.schedule, 'default') as schedule
from stg_conversations c
left join int_conversation_assignments a using (source, conversation_id)
left join config_team_schedules t on t.team = a.owner_team
