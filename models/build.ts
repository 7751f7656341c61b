/**
 * `parley build`: runs the SQL models in dependency order.
 *
 * A model is a `.sql` file in `staging/`, `intermediate/` or `marts/`; its
 * name is the file name. Its dependencies are the other models it names, so
 * the order is found, not written down. Staging models become views;
 * intermediate models temporary tables of the build, marts tables. `{{name}}` in a model is a
 * constant of the metric catalogue. Last, the summary mart is generated from
 * the catalogue (summary.ts).
 *
 * @example
 *   const steps = await buildModels(db, loadConfig());
 *   // [{ model: 'stg_conversations', layer: 'staging', seconds: 0.002 }, ...]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { asset } from '../warehouse/assets.js';
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists, tableType } from '../warehouse/table-exists.js';
import { MODEL_CONSTANTS } from './catalogue.js';
import { writeConfigTables, type ParleyConfig } from './config.js';
import { buildHash, dataState, recordBuildState } from './build-state.js';
import { metricSummaryMartSql } from './summary.js';
import { DAILY_MARTS, metricDailyMartSql } from './daily.js';

/** The models folder (also from the CLI's and the dashboard's bundles, which run {@link refreshQaMarts}). */
const modelsDir = (): string => asset('models');
const LAYERS = ['staging', 'intermediate', 'marts'] as const;
export type Layer = (typeof LAYERS)[number];

export interface Model {
  name: string;
  layer: Layer;
  sql: string;
  dependsOn: string[];
}

export interface BuildStep {
  model: string;
  layer: Layer | 'generated';
  seconds: number;
}

/** Every model with its dependencies, in an order that runs each after what it reads. */
export function discoverModels(dir = modelsDir()): Model[] {
  const models: Model[] = [];
  for (const layer of LAYERS) {
    for (const file of readdirSync(path.join(dir, layer))
      .filter((f) => f.endsWith('.sql'))
      .sort()) {
      models.push({ name: file.slice(0, -4), layer, sql: readFileSync(path.join(dir, layer, file), 'utf8'), dependsOn: [] });
    }
  }
  const names = new Set(models.map((m) => m.name));
  for (const m of models) {
    const code = m.sql.replace(/--.*$/gm, '');
    m.dependsOn = [...names].filter((n) => n !== m.name && new RegExp(`\\b${n}\\b`).test(code));
  }
  return topologicalOrder(models);
}

function topologicalOrder(models: Model[]): Model[] {
  const byName = new Map(models.map((m) => [m.name, m]));
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: Model[] = [];
  const visit = (m: Model, trail: string[]) => {
    if (done.has(m.name)) return;
    if (visiting.has(m.name)) throw new Error(`models depend on each other in a circle: ${[...trail, m.name].join(' → ')}`);
    visiting.add(m.name);
    for (const d of m.dependsOn) visit(byName.get(d)!, [...trail, m.name]);
    visiting.delete(m.name);
    done.add(m.name);
    out.push(m);
  };
  for (const m of models) visit(m, []);
  return out;
}

/** Replaces `{{name}}` with the catalogue's constant; an unknown name is an error. */
export function renderModel(sql: string, constants: Record<string, string | number> = MODEL_CONSTANTS): string {
  return sql.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => {
    if (!(name in constants)) throw new Error(`unknown constant {{${name}}} in a model`);
    return String(constants[name]);
  });
}

export interface BuildOptions {
  /** Called after each model. */
  onStep?: (step: BuildStep) => void;
  /** The moment of the build, kept as `built_at` (default: now). */
  now?: Date;
}

/** Every model with its SQL rendered, as a build runs it. */
export function renderedModels(models: readonly Model[] = discoverModels()): { name: string; sql: string }[] {
  return models.map((m) => ({ name: m.name, sql: renderModel(m.sql) }));
}

/**
 * Runs one model's SQL and records how long it took in `steps`; a failure names
 * the model (`what` says which kind of build, as in "model x failed (incremental build)").
 */
export function stepRunner(db: Warehouse, steps: BuildStep[], onStep?: (step: BuildStep) => void, what = '') {
  return async (model: string, layer: BuildStep['layer'], sql: string): Promise<void> => {
    const t = performance.now();
    try {
      await db.run(sql);
    } catch (error) {
      throw new Error(`model ${model} failed${what ? ` (${what})` : ''}: ${(error as Error).message.split('\n')[0]}`);
    }
    const step = { model, layer, seconds: (performance.now() - t) / 1000 };
    steps.push(step);
    onStep?.(step);
  };
}

/**
 * Runs every model, then the generated summary mart. The marts, the summary
 * and the build state are written in one transaction (readers see the marts
 * of the last build or of this one, never half). The configuration tables and
 * staging views are committed first, and the intermediate models, temporary
 * tables that only this connection sees, created between the two
 * transactions, while this warehouse object runs nothing else: DuckDB's
 * optimiser sees no rows in a table created in the open transaction (its
 * estimate is 0), and with every intermediate at 0 it ordered the joins of
 * the models after them badly (int_conversation_business took 2.6 s in the
 * transaction and 0.25 s out of it, on 1M messages).
 */
export async function buildModels(db: Warehouse, config: ParleyConfig, options: BuildOptions = {}): Promise<BuildStep[]> {
  const { onStep, now = new Date() } = options;
  const steps: BuildStep[] = [];
  const timed = stepRunner(db, steps, onStep);
  const models = discoverModels();
  const layer = (l: Layer) => models.filter((m) => m.layer === l);
  const create = async (m: Model) => {
    // staging: views; intermediate: temporary tables that live only for the build
    // (nothing outside the models reads them, and not writing them to disk saves
    // about a second on 1M messages); marts: tables
    const how = { staging: 'create view', intermediate: 'create or replace temp table', marts: 'create table' }[m.layer];
    // a model may change kind between versions: drop whichever exists
    // (DuckDB refuses `drop view if exists` on a table, so ask the catalog)
    const existing = await tableType(db, m.name);
    if (existing) await db.run(`drop ${existing === 'VIEW' ? 'view' : 'table'} ${m.name}`);
    await timed(m.name, m.layer, `${how} ${m.name} as\n${renderModel(m.sql)}`);
  };
  await db.exclusive(async () => {
    await db.transaction(async () => {
      await writeConfigTables(db, config);
      for (const m of layer('staging')) await create(m);
    });
    // no intermediate model reads a mart (the layers' order), so all of them can run before the marts
    for (const m of layer('intermediate')) await create(m);
    await db.transaction(async () => {
      for (const m of layer('marts')) await create(m);
      await timed('metric_summary', 'generated', metricSummaryMartSql());
      await timed('metric_daily', 'generated', metricDailyMartSql());
      // what the next build compares to decide whether it may be incremental (models/incremental.ts)
      await recordBuildState(db, { hash: buildHash(renderedModels(models), config), ...(await dataState(db)) });
      await db.run("delete from warehouse_meta where key = 'built_at'");
      await db.run("insert into warehouse_meta values ('built_at', $1)", [now.toISOString()]);
    });
  });
  return steps;
}

/**
 * The application tables that the QA workspace writes (reviews, their
 * criteria, disputes and their audit trail, calibration sessions, samples,
 * coaching): a mart that reads one of them, or a mart that reads such a mart,
 * is refreshed by {@link refreshQaMarts} after each QA write.
 */
export const QA_WRITTEN_TABLES = ['qa_reviews', 'qa_review_criteria', 'qa_disputes', 'qa_audit', 'qa_calibration_sessions', 'qa_samples', 'qa_sample_items', 'qa_coaching'];

/**
 * The marts that depend on tables the QA workspace writes, in build order
 * (qa_reviews_scored, qa_agent_scorecards, qa_dispute_outcomes, …; not
 * qa_autoqa, which reads only messages).
 */
export function qaMarts(models: Model[] = discoverModels()): Model[] {
  const refreshed = new Set<string>();
  const out: Model[] = [];
  for (const m of models) {
    if (m.layer !== 'marts') continue;
    const code = m.sql.replace(/--.*$/gm, '');
    if (QA_WRITTEN_TABLES.some((t) => new RegExp(`\\b${t}\\b`).test(code)) || m.dependsOn.some((d) => refreshed.has(d))) {
      refreshed.add(m.name);
      out.push(m);
    }
  }
  return out;
}

/**
 * Brings the QA marts up to date with the QA tables, without a full build: runs
 * {@link qaMarts} again, in one transaction (readers see the marts before or
 * after, never half). A warehouse that was never built is left alone. QA writes
 * call {@link refreshQaMartsInTransaction} inside their own transaction, so the
 * write and the marts that show it commit together.
 *
 * @example
 *   await refreshQaMarts(db);   // after grades were written by hand
 */
export async function refreshQaMarts(db: Warehouse): Promise<BuildStep[]> {
  return db.transaction(() => refreshQaMartsInTransaction(db));
}

/** {@link refreshQaMarts} inside a transaction the caller holds. */
export async function refreshQaMartsInTransaction(db: Warehouse): Promise<BuildStep[]> {
  const marts = qaMarts();
  const names = new Set(marts.map((m) => m.name));
  // what the QA marts read and do not rebuild (conversation_metrics, qa_autoqa, views) must be there
  const read = [...new Set(marts.flatMap((m) => m.dependsOn))].filter((d) => !names.has(d));
  if (!(await tableExists(db, ...read))) return [];
  const steps: BuildStep[] = [];
  for (const m of marts) {
    const t = performance.now();
    const existing = await tableType(db, m.name);
    if (existing === 'VIEW') await db.run(`drop view ${m.name}`);
    try {
      await db.run(`create or replace table ${m.name} as\n${renderModel(m.sql)}`);
    } catch (error) {
      throw new Error(`model ${m.name} failed: ${(error as Error).message.split('\n')[0]}`);
    }
    steps.push({ model: m.name, layer: 'marts', seconds: (performance.now() - t) / 1000 });
  }
  return steps;
}

/**
 * True when the warehouse needs a build before the dashboard reads it: it was
 * never built, or it was built by an older Parley and lacks a mart added since.
 *
 * @example
 *   if (await buildIsStale(db)) await buildModels(db, loadConfig());
 */
export async function buildIsStale(db: Warehouse, dir = modelsDir()): Promise<boolean> {
  const built = await db.one<{ n: number }>("select count(*) as n from warehouse_meta where key = 'built_at'");
  if (!built?.n) return true;
  const marts = readdirSync(path.join(dir, 'marts'))
    .filter((f) => f.endsWith('.sql'))
    .map((f) => f.slice(0, -4));
  return !(await tableExists(db, ...marts, 'metric_summary', ...DAILY_MARTS));
}
