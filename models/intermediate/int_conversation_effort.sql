-- One row per conversation: the effort signals of metrics.md
-- (customer_messages_to_resolution, re_explanations, channel_switches).
--
-- customer_messages_to_resolution: public customer messages before the first
-- resolution; all of them when the conversation was never resolved.
-- channel_switches: over all messages in order, a message without `channel`
-- stays on the previous message's channel, the first on the conversation's.
-- re_explanations: public customer messages after the first transfer or
-- escalation whose word-set Jaccard similarity with an earlier public customer
-- message of the conversation reaches {{re_explanation_similarity}}; messages
-- of fewer than {{re_explanation_min_words}} distinct words are too short to judge.
-- not materialized: each reader below scans int_timeline with its own filters
-- pushed into the scan, cheaper than keeping all 1.1M messages (on 1M messages).
-- Keyed by `conversation_key`; the strings are read only to join the bodies.
with messages as not materialized (
  select
    conversation_key,
    source,
    conversation_id,
    ord,
    occurred_at,
    author_role,
    seq,
    is_public,
    channel
  from int_timeline
  where kind = 'message'
),

-- a switch needs a message that names a channel: only those conversations
-- (a few percent) go through the windows below
with_named_channel as (
  select distinct
    conversation_key
  from messages
  where channel is not null
),

effective_channels as (
  select
    m.conversation_key,
    m.ord,
    coalesce(
      last_value(m.channel ignore nulls) over (partition by m.conversation_key order by m.ord),
      c.channel
    ) as effective_channel,
    c.channel as conversation_channel
  from messages m
  join with_named_channel using (conversation_key)
  join (select conversation_key(source, conversation_id) as conversation_key, channel from stg_conversations) c using (conversation_key)
),

with_previous_channel as (
  select
    conversation_key,
    effective_channel,
    coalesce(
      lag(effective_channel) over (partition by conversation_key order by ord),
      conversation_channel
    ) as previous_channel
  from effective_channels
),

switches as (
  select
    conversation_key,
    count(*) filter (where effective_channel <> previous_channel) as channel_switches
  from with_previous_channel
  group by conversation_key
),

to_resolution as (
  select
    m.conversation_key,
    count(*) as customer_messages_to_resolution -- none: 0 (the coalesce below)
  from messages m
  join int_conversation_resolutions r using (conversation_key)
  where m.is_public and m.author_role = 'customer'
    and (r.first_resolution_ord is null or m.ord < r.first_resolution_ord)
  group by m.conversation_key
),

-- only conversations with a transfer or escalation can have re-explanations:
-- narrow to them before any text is split into words
handover_messages as materialized (
  select
    m.conversation_key,
    m.ord,
    m.occurred_at,
    b.body,
    a.first_handover_at
  from messages m
  join int_conversation_assignments a using (conversation_key)
  join stg_messages b on b.source = m.source and b.conversation_id = m.conversation_id and b.seq = m.seq
  where m.is_public
    and m.author_role = 'customer'
    and a.first_handover_at is not null
),

customer_words as (
  select
    conversation_key,
    ord,
    occurred_at,
    first_handover_at,
    list_distinct(list_filter(regexp_split_to_array(lower(body), '[^[:alnum:]]+'), w -> length(w) >= 2)) as words
  from handover_messages
),

-- one row per message, as customer_words: grouped so that the conditions on
-- n_words below stay above it (a filter moved below the split would split
-- every text a second time)
customer_word_counts as (
  select
    conversation_key,
    ord,
    any_value(occurred_at) as occurred_at,
    any_value(first_handover_at) as first_handover_at,
    any_value(words) as words,
    any_value(len(words)) as n_words
  from customer_words
  group by conversation_key, ord
),

-- the intersection counted once per pair, as the words of `later` that
-- `earlier` holds (both lists are distinct words: list_intersect's own
-- list_distinct and hash set cost twice as much)
repeats as (
  select
    conversation_key,
    ord
  from (
    select
      later.conversation_key,
      later.ord,
      later.n_words + earlier.n_words as sizes,
      len(list_filter(later.words, w -> list_contains(earlier.words, w))) as shared
    from customer_word_counts later
    join customer_word_counts earlier
      on later.conversation_key = earlier.conversation_key
      and earlier.ord < later.ord
    where later.occurred_at > later.first_handover_at
      and later.n_words >= {{re_explanation_min_words}}
      and earlier.n_words >= {{re_explanation_min_words}}
      -- Jaccard |A ∩ B| / |A ∪ B| can only reach the threshold when the sizes are close
      and least(later.n_words, earlier.n_words) >= {{re_explanation_similarity}} * greatest(later.n_words, earlier.n_words)
  )
  where shared / (sizes - shared) >= {{re_explanation_similarity}}
  group by conversation_key, ord
),

re_explanations as (
  select
    conversation_key,
    count(*) as re_explanations
  from repeats
  group by conversation_key
)

select
  c.conversation_key,
  coalesce(t.customer_messages_to_resolution, 0) as customer_messages_to_resolution,
  coalesce(x.re_explanations, 0) as re_explanations,
  coalesce(s.channel_switches, 0) as channel_switches
from (select conversation_key(source, conversation_id) as conversation_key from stg_conversations) c
left join to_resolution t using (conversation_key)
left join re_explanations x using (conversation_key)
left join switches s using (conversation_key)
