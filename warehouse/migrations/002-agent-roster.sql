-- The agent roster (agents.jsonl of the canonical format): names and teams
-- for scorecards. A later load of the same agent id replaces the earlier row.
create table raw_agents (
  agent_id varchar not null,
  name varchar,
  team varchar,
  email varchar,
  active boolean,
  load_id integer not null
);
