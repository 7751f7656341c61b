-- One row per rubric criterion that names an AutoQA check (`autoqa:` in the
-- rubric): over reviews that rated the criterion, how often AutoQA's pass/fail
-- for the same conversation agrees with the reviewer, a human score of 50 or
-- more counting as a pass (SCORING.md §5). AutoQA never changes a human score.
with pairs as (
  select
    k.criterion_id,
    k.autoqa_check,
    k.score >= 50 as human_pass,
    case k.autoqa_check
      when 'greeting' then a.greeting
      when 'closing_confirmation' then a.closing_confirmation
      when 'empathy' then a.empathy
      when 'no_unanswered_turns' then a.no_unanswered_turns
      when 'no_long_silence' then a.no_long_silence
      when 'reply_length' then a.reply_length
      when 'readability' then a.readability
    end as autoqa_pass
  from qa_criterion_scores as k
  join qa_reviews_scored as r
    on r.review_id = k.review_id
  join qa_autoqa as a
    on a.source = r.source
    and a.conversation_id = r.conversation_id
  where k.autoqa_check is not null
    and not k.na
)

select
  criterion_id,
  autoqa_check,
  count(*) filter (where autoqa_pass is not null) as reviews,
  count(*) filter (where autoqa_pass = human_pass) as agreeing,
  count(*) filter (where autoqa_pass = human_pass)
    / nullif(count(*) filter (where autoqa_pass is not null), 0) as agreement_share,
  count(*) filter (where autoqa_pass and not human_pass) as autoqa_pass_human_fail,
  count(*) filter (where not autoqa_pass and human_pass) as autoqa_fail_human_pass
from pairs
group by criterion_id, autoqa_check
