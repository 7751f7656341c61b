-- The raw layer: canonical conversations as loaded, the quarantine and the load log.
-- One row per conversation / message / event / survey; `seq` keeps the order
-- of the record's own array (ties on timestamps keep that order).
-- No primary keys: the loader replaces conversations by (source, conversation_id)
-- itself, and DuckDB's bulk inserts are faster without an index to maintain.

create table load_log (
  load_id integer not null,
  file varchar not null,
  format varchar not null,
  source varchar,
  checksum varchar,
  bytes bigint,
  "read" integer not null,
  loaded integer not null,
  quarantined integer not null,
  replaced integer not null,
  started_at timestamptz not null,
  duration_s double not null,
  problem varchar
);

create table quarantine (
  load_id integer not null,
  file varchar not null,
  line integer,
  reason varchar not null,
  raw varchar,
  quarantined_at timestamptz not null
);

create table raw_conversations (
  source varchar not null,
  conversation_id varchar not null,
  channel varchar not null,
  created_at timestamptz not null,
  customer_id varchar not null,
  customer_segment varchar,
  customer_locale varchar,
  subject varchar,
  intent varchar,
  priority varchar,
  tags varchar[],
  metadata json,
  load_id integer not null,
  file varchar not null,
  line integer not null
);

create table raw_messages (
  source varchar not null,
  conversation_id varchar not null,
  seq integer not null,
  message_id varchar not null,
  sent_at timestamptz not null,
  author_role varchar not null,
  author_id varchar,
  author_name varchar,
  body varchar not null,
  internal boolean not null,
  channel varchar,
  attachments integer
);

create table raw_events (
  source varchar not null,
  conversation_id varchar not null,
  seq integer not null,
  event_at timestamptz not null,
  type varchar not null,
  status varchar,
  agent_id varchar,
  team varchar,
  reason varchar
);

create table raw_surveys (
  source varchar not null,
  conversation_id varchar not null,
  seq integer not null,
  answered_at timestamptz not null,
  kind varchar not null,
  score double not null,
  scale_min double not null,
  scale_max double not null,
  comment varchar
);

create table warehouse_meta (
  key varchar not null,
  value varchar
);
