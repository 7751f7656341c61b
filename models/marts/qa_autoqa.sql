-- One row per conversation: the AutoQA checks of scorecards/autoqa-checks.ts
-- and the AutoQA score (share of applicable checks passed × 100; SCORING.md §5).
-- A check is null (not applicable) when the conversation gives it nothing to
-- judge: no human reply (greeting, closing, empathy, length, readability) or
-- no customer turn (unanswered, silence). AutoQA never changes a human score.
-- Limits: the autoqa_* constants, filled by the build from AUTOQA_LIMITS
-- (models/autoqa-limits.ts): long silence, reply length, words per sentence.
with public_messages as (
  select
    conversation_key(source, conversation_id) as conversation_key,
    seq,
    sent_at,
    author_role,
    lower(coalesce(body, '')) as text
  from stg_messages
  where is_public
),

human_replies as (
  select
    conversation_key,
    text,
    -- reply order without a window: the timestamp in microseconds, then the array position
    epoch_us(sent_at)::hugeint * 100000 + seq as reply_order,
    -- words: runs of non-space characters; sentences: the pieces between runs of . ! ?
    -- that hold a letter or digit (at least one)
    -- (tab, line feed, form feed and carriage return become spaces: the same runs as the regex \S+, faster;
    -- most replies hold none of them, and four `contains` cost less than one `translate` of every reply)
    len(list_filter(string_split(
      case
        when contains(text, chr(10)) or contains(text, chr(9)) or contains(text, chr(13)) or contains(text, chr(12))
          then replace(replace(replace(replace(text, chr(9), ' '), chr(10), ' '), chr(12), ' '), chr(13), ' ')
        else text
      end, ' '), w -> w <> '')) as words,
    -- (split at each . ! ? alone, ! and ? first made into .: a run of them leaves empty pieces
    -- between its characters, which hold no letter or digit and are not counted, so the count
    -- is that of the split at runs; a third cheaper than string_split_regex)
    greatest(len(list_filter(string_split(
      case when contains(text, '!') or contains(text, '?') then replace(replace(text, '!', '.'), '?', '.') else text end, '.'),
      piece -> regexp_matches(piece, '[a-z0-9]'))), 1) as sentences,
    -- the checks on one reply, per reply: the aggregate below keeps booleans, not the texts
    -- (a conversation's first and last two replies held as text for every conversation at once
    -- were most of this model's memory)
    regexp_matches(text, '\b(hi|hello|hey|good (morning|afternoon|evening)|welcome|thanks? (you )?for (reaching out|contacting|waiting|getting in touch))\b') as greets,
    regexp_matches(text, '(anything else|something else|is (everything|it) working|does (that|this) (help|solve|answer)|did (that|this) (help|solve)|resolved (it|your)|solved (it|your)|glad i could help)') as confirms,
    regexp_matches(text, '\b(sorry|apologi[sz]e|apologies|i understand|understand your|frustrat\w*|inconvenience|thanks? (you )?for your patience|i can imagine)\b') as empathises
  from public_messages
  where author_role = 'agent'
),

reply_checks as (
  select
    conversation_key,
    count(*) as human_replies,
    -- greeting in the first human reply; closing confirmation in one of the last two
    arg_min(greets, reply_order) as greeting,
    list_bool_or(arg_max(confirms, reply_order, 2)) as closing_confirmation,
    bool_or(empathises) as empathy,
    avg(words) as mean_reply_words,
    sum(words) / sum(sentences) as words_per_sentence
  from human_replies
  group by conversation_key
),

checks as (
  select
    m.source,
    m.conversation_id,
    m.owner_agent,
    m.month,
    r.human_replies,
    r.mean_reply_words,
    r.words_per_sentence,
    t.longest_wait_s,
    case when r.human_replies > 0 then r.greeting end as greeting,
    case when r.human_replies > 0 then r.closing_confirmation end as closing_confirmation,
    case when r.human_replies > 0 then r.empathy end as empathy,
    case when t.customer_turns > 0 then m.unanswered_turns = 0 end as no_unanswered_turns,
    case when t.customer_turns > 0 then coalesce(t.longest_wait_s, 0) <= {{autoqa_long_silence_s}} end as no_long_silence,
    case when r.human_replies > 0 then r.mean_reply_words between {{autoqa_reply_words_min}} and {{autoqa_reply_words_max}} end as reply_length,
    case when r.human_replies > 0 then r.words_per_sentence <= {{autoqa_words_per_sentence_max}} end as readability
  from conversation_metrics as m
  -- (by the integer conversation key of the build, models/build.ts, not the two strings)
  left join reply_checks as r
    on r.conversation_key = conversation_key(m.source, m.conversation_id)
  -- the turns' count and longest wait (a turn still waiting at the data horizon counts as
  -- unanswered, not as a silence), grouped once in int_conversation_responses
  left join int_conversation_responses as t
    on t.conversation_key = conversation_key(m.source, m.conversation_id)
),

scored as (
  select
    *,
    list_filter(
      [greeting, closing_confirmation, empathy, no_unanswered_turns, no_long_silence, reply_length, readability],
      x -> x is not null
    ) as applicable
  from checks
)

select
  source,
  conversation_id,
  owner_agent,
  month,
  human_replies,
  mean_reply_words,
  words_per_sentence,
  longest_wait_s,
  greeting,
  closing_confirmation,
  empathy,
  no_unanswered_turns,
  no_long_silence,
  reply_length,
  readability,
  len(applicable) as autoqa_checks,
  case
    when len(applicable) > 0
      then 100.0 * len(list_filter(applicable, x -> x)) / len(applicable)
  end as autoqa_score
from scored
