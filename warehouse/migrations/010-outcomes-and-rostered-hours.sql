-- Issue 16. Customer outcomes (outcomes.jsonl): a customer churned, renewed or
-- expanded at a moment, for retention after support (mart retention_outcomes).
-- `source` is the conversation source whose customer ids the outcome uses. A
-- later load of the same (source, customer_id, event, occurred_at) replaces
-- the earlier row, so loading a file again does not count an outcome twice.
create table raw_customer_outcomes (
  source varchar not null,
  customer_id varchar not null,
  event varchar not null,
  occurred_at timestamptz not null,
  load_id integer not null,
  file varchar,
  line integer
);

-- An agent's rostered hours a week (agents.jsonl `hours_per_week`, optional):
-- cost_per_resolution counts them instead of the active hours measured in the data.
alter table raw_agents add column hours_per_week double;
