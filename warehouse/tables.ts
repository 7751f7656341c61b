/**
 * The warehouse's application tables as one typed Kysely `Database`: what the
 * scorecards, the accounts and the insights read and write from TypeScript.
 * Each interface is the `create table` of its migration, column for column
 * (a test checks them against the migrated warehouse). Models and marts are
 * plain SQL and are not typed here.
 *
 * Values as the warehouse returns them: timestamps are Dates, integers and
 * doubles numbers, `json` columns JSON text ({@link fromJson}), `varchar[]`
 * string arrays (written with {@link textArray}).
 *
 * @example
 *   const db = tables(warehouse);
 *   const open = await db.selectFrom('qa_disputes').selectAll().where('status', '=', 'open').execute();
 *   // inside warehouse.transaction(...) the same queries run in that transaction, on its connection
 *   await warehouse.transaction(async () => {
 *     await db.updateTable('qa_coaching').set({ acknowledged_at: now }).where('coaching_id', '=', id).execute();
 *   });
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Warehouse } from './connection.js';
import { createKysely } from './dialect.js';

/** A `json` column: JSON text. */
export type Json = string;

/** migrations/003-scorecards.sql */
export interface QaRubrics {
  rubric_id: string;
  version: number;
  name: string;
  definition: Json;
  digest: string;
  created_at: Date;
}

export interface QaSamples {
  sample_id: string;
  name: string;
  kind: string;
  cycle: string;
  seed: string;
  rubric_id: string;
  rubric_version: number;
  spec: Json;
  created_by: string | null;
  created_at: Date;
}

export interface QaSampleItems {
  sample_id: string;
  position: number;
  source: string;
  conversation_id: string;
  agent_id: string | null;
  reviewer_id: string | null;
  /** 1 = main filter, 2 = backup filter */
  tier: number;
  risk_weight: number;
}

export interface QaReviews {
  review_id: string;
  sample_id: string | null;
  session_id: string | null;
  kind: string;
  source: string;
  conversation_id: string;
  agent_id: string | null;
  reviewer_id: string;
  rubric_id: string;
  rubric_version: number;
  qa_score: number | null;
  score_before_auto_fail: number | null;
  auto_failed: boolean;
  comment: string | null;
  time_spent_s: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface QaReviewCriteria {
  review_id: string;
  criterion_id: string;
  section_id: string;
  position: number;
  /** The rating as given ('pass', '3', 'Partly'); null for N/A. */
  rating: string | null;
  /** The rating's points on its scale (pass = 1, fail = 0); null for N/A. */
  points: number | null;
  /** Normalised to 0–100 over the scale; null for N/A. */
  score: number | null;
  na: boolean;
  weight: number;
  critical: boolean;
  /** The rating is a failure on its scale (see scorecards/SCORING.md). */
  failed: boolean;
  comment: string | null;
  root_causes: string[];
  autoqa_check: string | null;
}

export interface QaCalibrationSessions {
  session_id: string;
  name: string;
  rubric_id: string;
  rubric_version: number;
  facilitator_id: string;
  reviewers: string[];
  conversations: Json;
  created_at: Date;
  closed_at: Date | null;
}

export interface QaDisputes {
  dispute_id: string;
  review_id: string;
  agent_id: string;
  criteria: string[];
  reason: string;
  status: string;
  filed_at: Date;
  resolved_by: string | null;
  resolved_at: Date | null;
  resolution_note: string | null;
}

export interface QaAudit {
  audit_id: string;
  review_id: string;
  dispute_id: string | null;
  field: string;
  criterion_id: string | null;
  before_value: Json | null;
  after_value: Json | null;
  changed_by: string;
  changed_at: Date;
}

/** migrations/014-annotations.sql: a date a supervisor or admin entered for the charts' annotation layer (models/annotations.ts). */
export interface ChartAnnotations {
  annotation_id: string;
  /** YYYY-MM-DD */
  day: string;
  label: string;
  kind: string;
  team: string | null;
  channel: string | null;
  created_by: string;
  created_at: Date;
}

/** migrations/013-review-drafts.sql: a reviewer's unfinished grading of a sample item (scorecards/drafts.ts). */
export interface QaReviewDrafts {
  sample_id: string;
  position: number;
  reviewer_id: string;
  /** the form's ratings and comments so far, JSON text of { field: value } */
  form: string;
  saved_at: Date;
}

export interface QaCoaching {
  coaching_id: string;
  agent_id: string;
  author_id: string;
  kind: string;
  body: string;
  review_ids: string[];
  metrics: string[];
  session_at: Date | null;
  created_at: Date;
  acknowledged_at: Date | null;
}

/** migrations/004-insights.sql */
export interface InsightIntentCorrections {
  source: string;
  conversation_id: string;
  intent: string;
  corrected_by: string | null;
  corrected_at: Date;
  note: string | null;
}

/** migrations/011-topic-curation.sql */
export interface InsightTopicCuration {
  /** 'rename' | 'merge' | 'split' | 'hide' | 'pin' */
  action: string;
  topic_key: string | null;
  target_key: string | null;
  term: string | null;
  name: string | null;
  curated_by: string | null;
  curated_at: Date;
}

/** migrations/005-accounts.sql */
export interface Accounts {
  username: string;
  password_hash: string;
  role: string;
  agent_id: string | null;
  created_at: Date;
  /** migrations/007-account-admin.sql: when the account was disabled (null: it may sign in). */
  disabled_at: Date | null;
  /** True for an account `parley demo` seeded. */
  demo: boolean | null;
}

/** Login sessions of the dashboard (not calibration sessions: those are qa_calibration_sessions). */
export interface Sessions {
  token_hash: string;
  username: string;
  created_at: Date;
  expires_at: Date;
}

/** migrations/009-login-attempts.sql: sign-in attempts and admin unlocks (accounts/login-throttle.ts). */
export interface LoginAttempts {
  attempted_at: Date;
  username: string | null;
  address: string | null;
  /** 'ok' | 'failed' | 'disabled' | 'refused' | 'unlocked' */
  outcome: string;
  /** For 'unlocked': the admin who unlocked. */
  actor: string | null;
}

/** migrations/001-raw-layer.sql: one row per file a load read. */
export interface LoadLog {
  load_id: number;
  file: string;
  format: string;
  source: string | null;
  checksum: string | null;
  bytes: number | null;
  read: number;
  loaded: number;
  quarantined: number;
  replaced: number;
  started_at: Date;
  duration_s: number;
  problem: string | null;
}

/** migrations/001-raw-layer.sql: facts about the warehouse (built_at, demo). */
export interface WarehouseMeta {
  key: string;
  value: string | null;
}

/** migrations/006-job-log.sql */
export interface JobLog {
  job_id: number;
  name: string;
  kind: string;
  started_at: Date;
  seconds: number;
  status: string;
  files: number;
  loaded: number;
  refused: number;
  detail: string | null;
  error: string | null;
}

/** A fired alert (alerts/): one per rule, condition and period (`alert_key`), and where it was sent. */
export interface Alerts {
  alert_key: string;
  rule: string;
  kind: string;
  period: string;
  title: string;
  detail: string;
  href: string;
  fired_at: Date;
  webhook_sent_at: Date | null;
  email_sent_at: Date | null;
  send_error: string | null;
}

/** What folder jobs and uploads have loaded: a file's SHA-256, or a table folder's sync time. */
export interface LoadedFiles {
  checksum: string;
  file: string;
  job: string;
  loaded_at: Date;
}

/** migrations/008-erasure-log.sql: one row per `parley erase`, without the personal data. */
export interface ErasureLog {
  erased_at: Date;
  subject_sha256: string;
  source: string | null;
  conversations: number;
  messages: number;
  quarantined: number;
  reviews: number;
  rows_removed: number;
  erased_by: string;
}

/** migrations/014-sync-state.sql: the cursor of each API sync (sync/state.ts). */
export interface SyncState {
  platform: string;
  source: string;
  cursor: string | null;
  position: number | null;
  synced_at: Date;
  pages: number;
  records: number;
  last_error: string | null;
}

export interface Database {
  load_log: LoadLog;
  warehouse_meta: WarehouseMeta;
  qa_rubrics: QaRubrics;
  qa_samples: QaSamples;
  qa_sample_items: QaSampleItems;
  qa_reviews: QaReviews;
  qa_review_criteria: QaReviewCriteria;
  qa_calibration_sessions: QaCalibrationSessions;
  qa_disputes: QaDisputes;
  qa_audit: QaAudit;
  qa_coaching: QaCoaching;
  qa_review_drafts: QaReviewDrafts;
  insight_intent_corrections: InsightIntentCorrections;
  insight_topic_curation: InsightTopicCuration;
  accounts: Accounts;
  sessions: Sessions;
  login_attempts: LoginAttempts;
  job_log: JobLog;
  loaded_files: LoadedFiles;
  erasure_log: ErasureLog;
  sync_state: SyncState;
  alerts: Alerts;
  chart_annotations: ChartAnnotations;
}

const instances = new WeakMap<Warehouse, Kysely<Database>>();

/**
 * The typed application tables of a warehouse (one Kysely per warehouse
 * object). Closing the warehouse is the caller's job.
 *
 * @example
 *   const row = await tables(db).selectFrom('accounts').select('role').where('username', '=', 'ada').executeTakeFirst();
 */
export function tables(warehouse: Warehouse): Kysely<Database> {
  let db = instances.get(warehouse);
  if (!db) instances.set(warehouse, (db = createKysely<Database>(warehouse)));
  return db;
}

/**
 * A `varchar[]` value to write: bound as JSON text and cast in SQL.
 *
 * @example
 *   await tables(db).insertInto('qa_disputes').values({ ..., criteria: textArray(['tone']) }).execute();
 */
export function textArray(values: readonly string[]): RawBuilder<string[]> {
  return sql<string[]>`cast(${JSON.stringify(values)} as json)::varchar[]`;
}

/** A `json` column as the warehouse returns it (text) → value. */
export function fromJson<T>(value: unknown): T {
  return (typeof value === 'string' ? JSON.parse(value) : value) as T;
}
