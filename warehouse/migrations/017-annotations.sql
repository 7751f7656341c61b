-- Dates a supervisor or admin entered on the dashboard for the annotation
-- layer of the trend charts and the monthly report (releases, outages,
-- policy changes), beside the ones in parley.config.yaml (config_annotations,
-- rewritten by each build). models/annotations.ts reads both.
create table chart_annotations (
  annotation_id varchar primary key,
  day varchar not null, -- YYYY-MM-DD, checked on entry (models/annotations.ts)
  label varchar not null,
  kind varchar not null,
  team varchar,
  channel varchar,
  created_by varchar not null,
  created_at timestamptz not null
);
