-- One row per item that can move a conversation's state (metrics.md v2 "Who is
-- waiting"): a status event, or a public customer message. The state runs
-- from created_at: open until the first status event, then the status each
-- event sets; a public customer message while resolved sets it back to open (a
-- reopen); closed counts as resolved. `state` is the state after the item,
-- `is_resolution` marks the items that enter the resolved state. Only
-- conversations with a status event: without one the state stays open.
with items as (
  select
    t.source,
    t.conversation_id,
    t.ord,
    t.occurred_at,
    case when t.kind = 'event' then t.status end as status,
    case when t.kind = 'event' then t.ord end as status_ord,
    case when t.kind = 'message' then t.ord end as customer_ord
  from int_timeline t
  where ((t.kind = 'event' and t.event_type = 'status') or (t.kind = 'message' and t.is_public and t.author_role = 'customer'))
    and exists (
      select 1 from stg_events e
      where e.source = t.source and e.conversation_id = t.conversation_id and e.event_type = 'status'
    )
),

marked as (
  select
    *,
    last_value(status ignore nulls) over so_far as last_status,
    last_value(status_ord ignore nulls) over so_far as last_status_ord,
    max(customer_ord) over so_far as last_customer_ord
  from items
  window so_far as (partition by source, conversation_id order by ord rows between unbounded preceding and current row)
),

states as (
  select
    source,
    conversation_id,
    ord,
    occurred_at,
    case
      when last_status is null then 'open'
      when last_status in ('resolved', 'closed') and last_customer_ord > last_status_ord then 'open'
      when last_status = 'closed' then 'resolved'
      else last_status
    end as state
  from marked
)

select
  *,
  state = 'resolved' and coalesce(lag(state) over by_order, 'open') <> 'resolved' as is_resolution,
  lead(occurred_at) over by_order as next_at
from states
window by_order as (partition by source, conversation_id order by ord)
