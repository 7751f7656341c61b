-- One row per customer outcome (outcomes.jsonl): churned, renewed or expanded.
select
  source,
  customer_id,
  event,
  occurred_at
from raw_customer_outcomes
