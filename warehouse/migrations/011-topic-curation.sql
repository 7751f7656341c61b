-- Topic curation by a product lead (Pain points page, `parley insights curate`):
-- one row per act, applied in order of curated_at by every `parley insights
-- build` before topics are ranked, so it outlives every rebuild. A topic is
-- named by its key — its seed term (stemmed), which stays the same from one
-- build to the next while the data say the same; a term is a stemmed term
-- as in insight_term_labels.
--   rename  topic_key → name
--   merge   topic_key goes into target_key
--   split   term leaves its topic and becomes a topic of its own (key = term)
--   hide    topic_key is not shown
--   pin     term belongs to topic_key (and to no other topic)

create table insight_topic_curation (
  action varchar not null,
  topic_key varchar,
  target_key varchar,
  term varchar,
  name varchar,
  curated_by varchar,
  curated_at timestamptz not null
);
