-- Customer outcomes (outcomes.jsonl, issue 16): a customer churned, renewed or
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
