/**
 * Which tables the lake holds and how each is partitioned.
 *
 * - **raw**: the raw layer as loaded (`raw_*`, `quarantine`, `load_log`),
 *   partitioned Hive-style by `source` and the UTC month of the row's own
 *   timestamp (`raw_messages/source=zendesk/month=2026-09/data.parquet`).
 *   `month` is not a column of the raw table: it is added for the lake.
 * - **inputs**: the application tables the models read (QA reviews, their
 *   criteria, disputes, audit, calibration sessions), found in the models'
 *   SQL, so that `parley build --lake` computes the same QA marts.
 * - **marts**: every table of `models/marts/` and the generated
 *   `metric_summary`; a mart with a VARCHAR `source` column is partitioned by
 *   it, and by its own VARCHAR `month` (the reporting month, in the configured
 *   time zone) when it has one, or else by the UTC month of a timestamp
 *   ({@link MART_MONTH_OF}: reply_metrics by `turn_started_at`).
 *
 * @example
 *   partitioning('raw_messages', columns)
 *   // { columns: ['source', 'month'], monthOf: 'sent_at' }
 */
import { discoverModels, type Model } from '../models/build.js';

export type LakeLayer = 'raw' | 'inputs' | 'marts';

export interface Column {
  name: string;
  /** The warehouse's type (DuckDB's name for it). */
  type: string;
}

export interface Partitioning {
  /** The Hive partition columns, outermost first (all VARCHAR). */
  columns: string[];
  /** For a `month` partition the table lacks: the TIMESTAMPTZ column whose UTC month it is. */
  monthOf?: string;
}

/** The raw layer and the timestamp that gives each table's partition month. */
export const RAW_TABLES: Readonly<Record<string, Partitioning>> = {
  raw_conversations: { columns: ['source', 'month'], monthOf: 'created_at' },
  raw_messages: { columns: ['source', 'month'], monthOf: 'sent_at' },
  raw_events: { columns: ['source', 'month'], monthOf: 'event_at' },
  raw_surveys: { columns: ['source', 'month'], monthOf: 'answered_at' },
  raw_customer_outcomes: { columns: ['source', 'month'], monthOf: 'occurred_at' },
  raw_agents: { columns: [] },
  quarantine: { columns: ['month'], monthOf: 'quarantined_at' },
  load_log: { columns: [] },
};

/**
 * Large marts without a month column, and the timestamp whose UTC month
 * partitions them (else a new day's data would rewrite a source's whole file).
 */
export const MART_MONTH_OF: Readonly<Record<string, string>> = { reply_metrics: 'turn_started_at' };

/** The generated mart that is not a file of models/marts (models/summary.ts). */
export const GENERATED_MARTS = ['metric_summary'];

/** The tables the build writes itself from the configuration: never read from the lake. */
const WRITTEN_BY_BUILD = /^config_/;

/** The marts, in build order, then the generated ones. */
export function martNames(models: readonly Model[] = discoverModels()): string[] {
  return [...models.filter((m) => m.layer === 'marts').map((m) => m.name), ...GENERATED_MARTS];
}

/**
 * The application tables (of `tables`, the warehouse's) that some model
 * reads and that are neither raw, nor models, nor written by the build.
 */
export function inputTables(tables: Iterable<string>, models: readonly Model[] = discoverModels()): string[] {
  const names = new Set(models.map((m) => m.name));
  const candidates = [...tables].filter((t) => !(t in RAW_TABLES) && !names.has(t) && !GENERATED_MARTS.includes(t) && !WRITTEN_BY_BUILD.test(t));
  const read = new Set<string>();
  for (const m of models) {
    const code = m.sql.replace(/--.*$/gm, '');
    // a CTE of the model (`sessions as (`) is not the table of that name
    const ctes = new Set([...code.matchAll(/\b(\w+)\s+as\s+(?:materialized\s+|not\s+materialized\s+)?\(/gi)].map((x) => x[1]!.toLowerCase()));
    for (const t of candidates) if (!ctes.has(t) && new RegExp(`\\b${t}\\b`).test(code)) read.add(t);
  }
  return [...read].sort();
}

/** How a table of `layer` with these columns is partitioned in the lake. */
export function partitioning(table: string, layer: LakeLayer, columns: readonly Column[]): Partitioning {
  if (layer === 'raw') return RAW_TABLES[table] ?? { columns: [] };
  if (layer === 'inputs') return { columns: [] };
  const varchar = (name: string) => columns.some((c) => c.name === name && c.type === 'VARCHAR');
  if (!varchar('source')) return { columns: [] };
  if (varchar('month')) return { columns: ['source', 'month'] };
  const of = MART_MONTH_OF[table];
  if (of && columns.some((c) => c.name === of && c.type === 'TIMESTAMP WITH TIME ZONE')) return { columns: ['source', 'month'], monthOf: of };
  return { columns: ['source'] };
}

/**
 * The type a column has in the lake: the warehouse's, except HUGEINT (the
 * sums of counts), which Parquet has no type for (DuckDB would write DOUBLE):
 * BIGINT. TIMESTAMPTZ stays: Parquet TIMESTAMP, microseconds, isAdjustedToUTC.
 */
export function lakeType(type: string): string {
  return type === 'HUGEINT' || type === 'UHUGEINT' ? 'BIGINT' : type;
}
