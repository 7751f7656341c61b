-- One row per conversation: its owner team and its schedule (metrics.md v2
-- "a conversation's schedule"): the schedule team_schedules gives the owner
-- team, else the default schedule (the v1 keys, config.ts DEFAULT_SCHEDULE).
select
  c.conversation_key,
  a.owner_team,
  coalesce(t.schedule, 'default') as schedule
from (select conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
left join int_conversation_assignments a using (conversation_key)
left join config_team_schedules t on t.team = a.owner_team
