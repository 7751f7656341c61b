-- One row per agent of the roster (agents.jsonl).
select
  agent_id,
  name as agent_name,
  team,
  email,
  coalesce(active, true) as active,
  hours_per_week
from raw_agents
