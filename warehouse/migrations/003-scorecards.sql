-- Scorecards (scorecards/): rubric versions, review samples, reviews and
-- their criterion grades, calibration sessions, disputes with their audit
-- trail, and coaching. People are plain string ids (agents: raw_agents.agent_id).

-- A rubric version is immutable: editing a rubric registers a new version.
-- `definition` is the validated rubric as JSON; `digest` its sha256.
create table qa_rubrics (
  rubric_id varchar not null,
  version integer not null,
  name varchar not null,
  definition json not null,
  digest varchar not null,
  created_at timestamptz not null,
  primary key (rubric_id, version)
);

-- A sample is frozen when created: its items never change afterwards.
-- `kind`: 'review' (counts toward agent scores) or 'calibration'.
create table qa_samples (
  sample_id varchar primary key,
  name varchar not null,
  kind varchar not null,
  cycle varchar not null,
  seed varchar not null,
  rubric_id varchar not null,
  rubric_version integer not null,
  spec json not null,
  created_by varchar,
  created_at timestamptz not null
);

-- `tier` 1 = drawn from the main filter, 2 = from the backup filter.
create table qa_sample_items (
  sample_id varchar not null,
  position integer not null,
  source varchar not null,
  conversation_id varchar not null,
  agent_id varchar,
  reviewer_id varchar,
  tier integer not null,
  risk_weight double not null,
  primary key (sample_id, position)
);

-- One review of one conversation by one reviewer, pinned to its rubric version.
-- `kind`: 'review', 'calibration' (never enters agent scores) or 'benchmark'
-- (a calibration session's reference answer).
create table qa_reviews (
  review_id varchar primary key,
  sample_id varchar,
  session_id varchar,
  kind varchar not null,
  source varchar not null,
  conversation_id varchar not null,
  agent_id varchar,
  reviewer_id varchar not null,
  rubric_id varchar not null,
  rubric_version integer not null,
  qa_score double,
  score_before_auto_fail double,
  auto_failed boolean not null,
  comment varchar,
  time_spent_s double,
  created_at timestamptz not null,
  updated_at timestamptz not null
);

create table qa_review_criteria (
  review_id varchar not null,
  criterion_id varchar not null,
  section_id varchar not null,
  position integer not null,
  rating varchar,
  points double,
  score double,
  na boolean not null,
  weight double not null,
  critical boolean not null,
  failed boolean not null,
  comment varchar,
  root_causes varchar[] not null,
  autoqa_check varchar,
  primary key (review_id, criterion_id)
);

create table qa_calibration_sessions (
  session_id varchar primary key,
  name varchar not null,
  rubric_id varchar not null,
  rubric_version integer not null,
  facilitator_id varchar not null,
  reviewers varchar[] not null,
  conversations json not null,
  created_at timestamptz not null,
  closed_at timestamptz
);

-- status: 'open', 'accepted', 'partly_accepted', 'rejected'
create table qa_disputes (
  dispute_id varchar primary key,
  review_id varchar not null,
  agent_id varchar not null,
  criteria varchar[] not null,
  reason varchar not null,
  status varchar not null,
  filed_at timestamptz not null,
  resolved_by varchar,
  resolved_at timestamptz,
  resolution_note varchar
);

-- Every change of a review's grades or score: who, when, before, after.
-- `field` is 'criterion' (criterion_id set) or 'qa_score'.
create table qa_audit (
  audit_id varchar primary key,
  review_id varchar not null,
  dispute_id varchar,
  field varchar not null,
  criterion_id varchar,
  before_value json,
  after_value json,
  changed_by varchar not null,
  changed_at timestamptz not null
);

-- kind: 'note' or 'session'
create table qa_coaching (
  coaching_id varchar primary key,
  agent_id varchar not null,
  author_id varchar not null,
  kind varchar not null,
  body varchar not null,
  review_ids varchar[] not null,
  metrics varchar[] not null,
  session_at timestamptz,
  created_at timestamptz not null,
  acknowledged_at timestamptz
);
