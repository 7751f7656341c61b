-- One row per conversation: the AutoQA checks of scorecards/autoqa-checks.ts
-- and the AutoQA score (share of applicable checks passed × 100; SCORING.md §5).
-- A check is null (not applicable) when the conversation gives it nothing to
-- judge: no human reply (greeting, closing, empathy, length, readability) or
-- no customer turn (unanswered, silence). AutoQA never changes a human score.
-- Limits: the autoqa_* constants, filled by the build from AUTOQA_LIMITS
-- (models/autoqa-limits.ts): long silence, reply length, words per sentence.
with checks as (
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
  left join int_reply_checks as r
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
