-- One row per edge of an island of activity of a conversation that an agent
-- owns (the concurrency of metrics.md, summed per agent and day in
-- agent_concurrency_daily): +1 where an island starts, −1 where it ends.
-- Per conversation, so that an incremental build recomputes only the
-- conversations that changed (models/incremental.ts).
--
-- An island is a stretch of minutes in which the conversation is open (from
-- the first human reply to the first resolution, or the data horizon) and had
-- activity (any message or event) in the last 30 minutes. Minutes are whole
-- epoch minutes. A message or event at t makes its conversation count for the
-- minutes m with t <= m < t + 30 min, inside the open span.
-- The window below orders each span's activity by a number of the span, not by its
-- (source, conversation_id) strings, and carries no strings (about 15% less CPU at 1M
-- messages); the strings are joined back to the edges by that number at the end. The
-- spans are materialized, so that both readers see one numbering.
with open_spans as materialized (
  select
    m.source,
    m.conversation_id,
    p.conversation_key,
    m.owner_agent,
    ceil(epoch(p.first_human_reply_at) / 60)::bigint as opens_minute,
    ceil(epoch(coalesce(m.first_resolution_at, h.horizon)) / 60)::bigint as closes_minute,
    row_number() over () as span
  from conversation_metrics m
  join int_conversation_responses p on p.conversation_key = conversation_key(m.source, m.conversation_id)
  cross join int_data_horizon h
  where m.owner_agent is not null
    and p.first_human_reply_at is not null
),

-- activity whose 30-minute window reaches into the open span
activity as (
  select
    *
  from (
    select
      s.span,
      s.opens_minute,
      s.closes_minute,
      ceil(epoch(t.occurred_at) / 60)::bigint as minute
    from open_spans s
    join int_timeline t using (conversation_key)
  )
  where minute + 30 > opens_minute
    and minute < closes_minute
),

neighbours as (
  select
    *,
    lag(minute) over by_time as previous_minute,
    lead(minute) over by_time as next_minute
  from activity
  window by_time as (partition by span order by minute)
),

-- every window is 30 minutes long, so an island of activity starts where the gap
-- since the previous activity exceeds 30 minutes and ends 30 minutes after an
-- activity with none in the 30 that follow; each island is clipped to the open span
island_edges as (
  select span, greatest(minute, opens_minute) as minute, 1 as delta
  from neighbours
  where previous_minute is null or minute - previous_minute > 30
  union all
  select span, least(minute + 30, closes_minute), -1
  from neighbours
  where next_minute is null or next_minute - minute > 30
)

select s.source, s.conversation_id, s.owner_agent, e.minute, e.delta
from island_edges e
join open_spans s using (span)
