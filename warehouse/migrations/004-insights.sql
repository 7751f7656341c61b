-- Insights data that must outlive a rebuild: intent corrections made by
-- reviewers (for instance an intent fixed in the QA workspace). One row per
-- correction; the latest (by corrected_at) for a conversation wins. They
-- override the platform's label in insight_intents and are training data for
-- the next `parley insights build`. Derived insight_* tables are recreated by
-- that command and are not part of the schema.

create table insight_intent_corrections (
  source varchar not null,
  conversation_id varchar not null,
  intent varchar not null,
  corrected_by varchar,
  corrected_at timestamptz not null,
  note varchar
);
