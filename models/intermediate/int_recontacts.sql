-- One row per resolved conversation: recontact_7d (metrics.md) — the same
-- customer (within the same source) opens another conversation after this
-- one's first resolution and within 7 days of it, with the same intent when
-- both carry one. While the 7-day window still reaches past the data horizon
-- and no re-contact has been seen, the answer is not known yet: null.
-- (keyed by `conversation_key`; the re-contacts are found by the strings)
with resolved as (
  select
    c.conversation_key,
    c.source,
    c.conversation_id,
    c.customer_id,
    c.intent,
    r.first_resolution_at,
    -- computed once here: time-zone-aware interval arithmetic is costly inside a join
    r.first_resolution_at + interval 7 day as window_ends_at
  from (select conversation_key(source, conversation_id) as conversation_key, * from stg_conversations) c
  join int_conversation_resolutions r using (conversation_key)
  where r.first_resolution_at is not null
),

-- an inner join with the intent rule in `where`: inside a left join's `on`
-- the `or` would turn the hash join into a nested loop
recontacted as (
  select distinct
    a.conversation_key
  from resolved a
  join stg_conversations b
    on b.source = a.source
    and b.customer_id = a.customer_id
    and b.conversation_id <> a.conversation_id
    and b.created_at > a.first_resolution_at
    and b.created_at <= a.window_ends_at
  where a.intent is null or b.intent is null or a.intent = b.intent
)

select
  r.conversation_key,
  r.window_ends_at <= h.horizon as window_closed,
  case
    when x.conversation_key is not null then true
    when r.window_ends_at <= h.horizon then false
  end as recontact_7d
from resolved r
left join recontacted x using (conversation_key)
cross join int_data_horizon h
