-- One row per item that can move a conversation's state (metrics.md v2 "Who is
-- waiting"): a status event, or a public customer message. The state runs
-- from created_at: open until the first status event, then the status each
-- event sets; a public customer message while resolved sets it back to open (a
-- reopen); closed counts as resolved. `state` is the state after the item,
-- `is_resolution` marks the items that enter the resolved state, `is_first` the conversation's
-- first item, `next_at` when the next item comes (null for the last). Only
-- conversations with a status event: without one the state stays open.
--
-- A status event always carries one of the five statuses (the load checks it), so
-- the state after an event is its own status, and after a customer message the last
-- status before it if that is pending or snoozed, else open; the state before an
-- item is resolved exactly when the item before it is a resolved or closed event.
-- So every column comes from one window over the items (one sort), none from a
-- window over another window's result. Keyed by `conversation_key` (int_timeline).
with items as (
  select
    conversation_key,
    ord,
    occurred_at,
    kind,
    case when kind = 'event' then status end as status
  from int_timeline
  where (kind = 'event' and event_type = 'status') or (kind = 'message' and is_public and author_role = 'customer')
),

marked as (
  select
    *,
    last_value(status ignore nulls) over so_far as last_status,
    coalesce(lag(status in ('resolved', 'closed')) over by_order, false) as after_resolved,
    lead(occurred_at) over by_order as next_at,
    lag(ord) over by_order is null as is_first,
    -- the conversation's status events (its items are kept only when it has one)
    count(status) over whole as status_events
  from items
  window
    by_order as (partition by conversation_key order by ord),
    so_far as (partition by conversation_key order by ord rows between unbounded preceding and current row),
    whole as (partition by conversation_key order by ord rows between unbounded preceding and unbounded following)
)

select
  conversation_key,
  ord,
  occurred_at,
  case
    when kind = 'event' then case status when 'closed' then 'resolved' else status end
    when last_status in ('pending', 'snoozed') then last_status
    else 'open'
  end as state,
  kind = 'event' and status in ('resolved', 'closed') and not after_resolved as is_resolution,
  next_at,
  is_first
from marked
where status_events > 0
