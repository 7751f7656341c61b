/**
 * The SQL of the insight tables. Each statement's header comment says what
 * one row is; insights/README.md is the contract for readers (dashboard,
 * notebooks, sampling). Inputs are the temp tables of prepare.ts, intents.ts
 * and topics.ts (`_ins_*`) and the marts.
 */
import { MIN_GROUP_SIZE } from '../models/catalogue.js';
import { SENTIMENT_THRESHOLD, TRAJECTORY_MARGIN } from './sentiment.js';

/**
 * `_ins_kept (doc, term)`: a conversation's distinct terms that occur in at least `minDf` conversations; `_ins_df (term, df)`;
 * `_ins_features (term)`: the intent model's features, terms of one or two words in at least `featureMinDf` conversations.
 */
export const keptTermsSql = (minDf: number, featureMinDf = minDf) => `
create or replace temp table _ins_doc_terms as
select doc, unnest(string_split(terms, chr(9))) as term
from _ins_docs
where terms <> '';

create or replace temp table _ins_df as
select term, count(*)::integer as df
from _ins_doc_terms
group by term
having count(*) >= ${minDf};

-- the intent model's features: single words and two-word phrases in at least featureMinDf conversations
create or replace temp table _ins_features as
select term
from _ins_doc_terms
where length(term) - length(replace(term, ' ', '')) <= 1
group by term
having count(*) >= ${featureMinDf};

create or replace temp table _ins_kept as
select doc, term
from _ins_doc_terms
semi join _ins_df using (term);

drop table _ins_doc_terms;
`;

/**
 * insight_intents: one row per conversation. `intent` is the effective
 * intent — a reviewer's correction, else the platform's label, else the
 * model's prediction — and `intent_source` says which
 * ('correction' | 'label' | 'model'). `confidence` is 1 for corrections and
 * labels, the model's posterior otherwise; `low_confidence` marks predictions
 * under the threshold. `model_intent` / `model_confidence` are the model's
 * view of every conversation (a labelled one where the model disagrees is
 * worth a look).
 */
export const intentsSql = `
create or replace table insight_intents as
with joined as (
  select
    c.doc,
    c.source,
    c.conversation_id,
    c.month,
    l.intent as given_intent,
    l.corrected,
    p.intent as model_intent,
    p.confidence as model_confidence,
    p.low_confidence as model_low_confidence
  from _ins_conv c
  left join _ins_labels l using (doc)
  left join _ins_predictions p using (doc)
)
select
  source,
  conversation_id,
  month,
  coalesce(given_intent, model_intent) as intent,
  case
    when corrected then 'correction'
    when given_intent is not null then 'label'
    when model_intent is not null then 'model'
  end as intent_source,
  case when given_intent is not null then 1.0 else model_confidence end as confidence,
  case when given_intent is not null then false else model_low_confidence end as low_confidence,
  model_intent,
  model_confidence
from joined
order by source, conversation_id;

create or replace temp table _ins_attr as
select c.doc, c.month, i.intent
from _ins_conv c
join insight_intents i using (source, conversation_id)
semi join _ins_docs d on d.doc = c.doc;
`;

/**
 * insight_terms: one row per (scope, group, term) for the top `top` terms of
 * each group by TF-IDF. scope 'all' (month and intent null), 'month'
 * (intent null) or 'intent' (month null). `conversations` in the group
 * mention the term; share = conversations ÷ the group's conversations with
 * customer text; idf = ln(all such conversations ÷ conversations mentioning
 * the term anywhere); tfidf = share × idf. `label` is the term as customers
 * wrote it (most frequent word per stem); `words` 1–3.
 */
export const termsSql = (top: number) => `
create or replace table insight_terms as
with
total as (
  select count(*)::double as n from _ins_attr
),
idf as (
  select term, df, ln((select n from total) / df) as idf
  from _ins_df
),
counts as (
  select 'all' as scope, null::varchar as month, null::varchar as intent, term, df as conversations from _ins_df
  union all
  select 'month', a.month, null, k.term, count(*) from _ins_kept k join _ins_attr a using (doc) group by all
  union all
  select 'intent', null, a.intent, k.term, count(*) from _ins_kept k join _ins_attr a using (doc) where a.intent is not null group by all
),
sizes as (
  select 'all' as scope, null::varchar as month, null::varchar as intent, count(*) as size from _ins_attr
  union all
  select 'month', month, null, count(*) from _ins_attr group by all
  union all
  select 'intent', null, intent, count(*) from _ins_attr where intent is not null group by all
),
scored as (
  select
    c.scope,
    c.month,
    c.intent,
    c.term,
    c.conversations,
    s.size as group_conversations,
    c.conversations / s.size as share,
    i.df,
    i.idf,
    c.conversations / s.size * i.idf as tfidf
  from counts c
  join sizes s on s.scope = c.scope and s.month is not distinct from c.month and s.intent is not distinct from c.intent
  join idf i using (term)
),
ranked as (
  select
    *,
    row_number() over (partition by scope, month, intent order by tfidf desc, term) as rank
  from scored
)
select
  r.scope,
  r.month,
  r.intent,
  r.rank,
  r.term,
  l.label,
  length(r.term) - length(replace(r.term, ' ', '')) + 1 as words,
  r.conversations,
  r.group_conversations,
  r.share,
  r.df,
  r.idf,
  r.tfidf
from ranked r
join _ins_term_labels l using (term)
where r.rank <= ${top}
order by scope, month, intent, rank;
`;

/** Rate columns as the catalogue defines them; null under the minimum group size. */
const rates = (alias: string) => `
    case when count(*) filter (where ${alias}resolved and ${alias}fcr_window_closed) >= ${MIN_GROUP_SIZE}
      then count(*) filter (where ${alias}fcr) / count(*) filter (where ${alias}resolved and ${alias}fcr_window_closed) end as fcr_rate,
    case when count(*) filter (where ${alias}resolved) >= ${MIN_GROUP_SIZE}
      then count(*) filter (where ${alias}resolved and ${alias}reopens >= 1) / count(*) filter (where ${alias}resolved) end as reopen_rate,
    case when count(*) filter (where ${alias}csat_score is not null) >= ${MIN_GROUP_SIZE}
      then count(*) filter (where ${alias}csat_satisfied) / count(*) filter (where ${alias}csat_score is not null) end as csat_rate`;

/**
 * insight_topics: one row per topic (a named group of terms that co-occur,
 * topics.ts). `conversations` mention at least one of its terms; fcr_rate,
 * reopen_rate and csat_rate are the catalogue's rates over them, beside the
 * same rates over every conversation with customer text (`*_all`);
 * `trend` compares the topic's share of conversations in the last three
 * months with the three before ('rising' ≥ 1.25×, 'falling' ≤ 0.8×, else
 * 'stable'); `slope` is the least-squares change of its monthly share per month.
 *
 * insight_topic_months: one row per (topic, month): the month's conversations
 * mentioning the topic, the month's conversations with customer text
 * (`month_conversations`), share, and the same three rates over the topic's
 * conversations of that month beside those over all of that month's
 * conversations (`*_all`): a month's topic is compared with the same month.
 */
export const topicsSql = `
create or replace temp table _ins_topic_docs as
select distinct t.topic_id, k.doc
from _ins_topic_terms t
join _ins_kept k using (term);

create or replace table insight_topic_months as
with
month_metrics as (
  select a.doc, a.month, cm.resolved, cm.fcr_window_closed, cm.fcr, cm.reopens, cm.csat_score, cm.csat_satisfied
  from _ins_attr a
  join _ins_conv c using (doc)
  join conversation_metrics cm using (source, conversation_id)
),
month_totals as (
  select month, count(*) as total, ${rates('')}
  from month_metrics
  group by month
),
counts as (
  select td.topic_id, m.month, count(*) as conversations, ${rates('m.')}
  from _ins_topic_docs td
  join month_metrics m using (doc)
  group by all
),
grid as (
  select t.topic_id, m.*
  from (select distinct topic_id from _ins_topic_terms) t
  cross join month_totals m
)
select
  g.topic_id,
  g.month,
  coalesce(c.conversations, 0) as conversations,
  g.total as month_conversations,
  coalesce(c.conversations, 0) / g.total as share,
  c.fcr_rate,
  g.fcr_rate as fcr_rate_all,
  c.reopen_rate,
  g.reopen_rate as reopen_rate_all,
  c.csat_rate,
  g.csat_rate as csat_rate_all
from grid g
left join counts c using (topic_id, month)
order by topic_id, month;

create or replace table insight_topics as
with
members as (
  select td.topic_id, cm.*
  from _ins_topic_docs td
  join _ins_conv c using (doc)
  join conversation_metrics cm using (source, conversation_id)
),
stats as (
  select
    topic_id,
    count(*) as conversations,
    ${rates('')}
  from members
  group by topic_id
),
everyone as (
  select
    ${rates('cm.')}
  from _ins_attr a
  join _ins_conv c using (doc)
  join conversation_metrics cm using (source, conversation_id)
),
intents as (
  select td.topic_id, a.intent, count(*) as n
  from _ins_topic_docs td
  join _ins_attr a using (doc)
  where a.intent is not null
  group by all
),
top_intent as (
  select topic_id, arg_max(intent, n) as top_intent, max(n) / sum(n) as top_intent_share
  from intents
  group by topic_id
),
sentiment as (
  select td.topic_id, avg(s.mean_score) as sentiment_mean, avg(case when s.ended_negative then 1 else 0 end) as ended_negative_share
  from _ins_topic_docs td
  join _ins_conv c using (doc)
  join insight_sentiment_conversations s using (source, conversation_id)
  group by topic_id
),
series as (
  select
    topic_id,
    month,
    share,
    dense_rank() over (order by month) as month_index,
    dense_rank() over (order by month desc) as months_back
  from insight_topic_months
),
trend as (
  select
    topic_id,
    regr_slope(share, month_index) as slope,
    avg(share) filter (where months_back <= 3) as recent_share,
    avg(share) filter (where months_back between 4 and 6) as earlier_share,
    arg_max(share, month) as last_month_share
  from series
  group by topic_id
),
total as (
  select count(*)::double as n from _ins_attr
)
select
  t.topic_id,
  t.topic_key,
  t.name,
  t.terms,
  t.labels,
  s.conversations,
  s.conversations / (select n from total) as share,
  ti.top_intent,
  ti.top_intent_share,
  tr.slope,
  tr.recent_share,
  tr.earlier_share,
  case
    when tr.earlier_share is null or tr.earlier_share = 0 then 'new'
    when tr.recent_share >= 1.25 * tr.earlier_share then 'rising'
    when tr.recent_share <= 0.8 * tr.earlier_share then 'falling'
    else 'stable'
  end as trend,
  s.fcr_rate,
  e.fcr_rate as fcr_rate_all,
  s.reopen_rate,
  e.reopen_rate as reopen_rate_all,
  s.csat_rate,
  e.csat_rate as csat_rate_all,
  se.sentiment_mean,
  se.ended_negative_share
from _ins_topics t
join stats s using (topic_id)
cross join everyone e
left join top_intent ti using (topic_id)
left join trend tr using (topic_id)
left join sentiment se using (topic_id)
order by s.conversations desc, t.topic_id;
`;

/**
 * insight_sentiment_messages: one row per public customer message with text:
 * its AFINN score and label. insight_sentiment_conversations: one row per
 * conversation with customer text: mean, lowest, first and last score,
 * `change` = last − first, `trajectory` ('improved' | 'worsened' | 'flat' |
 * 'single'), `ended_negative`, and `sentiment_risk` (ended negative, or
 * negative on average) for sampling and AutoQA.
 */
export const sentimentSql = `
create or replace table insight_sentiment_messages as
select
  c.source,
  c.conversation_id,
  s.seq,
  m.sent_at,
  s.score,
  case when s.score < -${SENTIMENT_THRESHOLD} then 'negative' when s.score > ${SENTIMENT_THRESHOLD} then 'positive' else 'neutral' end as label
from _ins_message_scores s
join _ins_conv c using (doc)
join raw_messages m on m.source = c.source and m.conversation_id = c.conversation_id and m.seq = s.seq
order by c.source, c.conversation_id, s.seq;

create or replace table insight_sentiment_conversations as
with agg as (
  select
    doc,
    count(*) as customer_messages,
    avg(score) as mean_score,
    min(score) as min_score,
    arg_min(score, seq) as first_score,
    arg_max(score, seq) as last_score,
    count(*) filter (where score < -${SENTIMENT_THRESHOLD}) as negative_messages
  from _ins_message_scores
  group by doc
)
select
  c.source,
  c.conversation_id,
  c.month,
  a.customer_messages,
  a.mean_score,
  a.min_score,
  a.first_score,
  a.last_score,
  a.last_score - a.first_score as change,
  case
    when a.customer_messages = 1 then 'single'
    when a.last_score - a.first_score > ${TRAJECTORY_MARGIN} then 'improved'
    when a.last_score - a.first_score < -${TRAJECTORY_MARGIN} then 'worsened'
    else 'flat'
  end as trajectory,
  a.negative_messages,
  a.last_score < -${SENTIMENT_THRESHOLD} as ended_negative,
  a.last_score < -${SENTIMENT_THRESHOLD} or a.mean_score < -${SENTIMENT_THRESHOLD} as sentiment_risk
from agg a
join _ins_conv c using (doc)
order by c.source, c.conversation_id;
`;
