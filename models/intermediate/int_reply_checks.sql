-- One row per conversation with a human reply: the AutoQA checks of
-- scorecards/autoqa-checks.ts that read the agents' replies (qa_autoqa scores
-- them): the replies, greeting in the first, closing confirmation in one of
-- the last two, empathy in any, the mean words a reply and words a sentence.
-- Keyed by `conversation_key`. Its own model, not a part of qa_autoqa: it reads
-- only the messages, so a full build runs it beside the chain that ends in
-- conversation_metrics, which qa_autoqa reads (models/build.ts runInLanes).
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
)

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
