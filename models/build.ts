/**
 * `parley build`: runs the SQL models in dependency order.
 *
 * A model is a `.sql` file in `staging/`, `intermediate/` or `marts/`; its
 * name is the file name. Its dependencies are the other models it names, so
 * the order is found, not written down. Staging models become views;
 * intermediate models tables of the build's scratch catalog (an incremental
 * build's: temporary tables), marts tables. `{{name}}` in a model is a
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
import { isOutOfMemory, type ExtraConnection, type Warehouse } from '../warehouse/connection.js';
import { tableExists, tableType, tableTypes } from '../warehouse/table-exists.js';
import { MODEL_CONSTANTS } from './catalogue.js';
import { writeConfigTables, type ParleyConfig } from './config.js';
import { buildHash, dataState, recordBuildState } from './build-state.js';
import { metricSummaryMartSql, summaryScanSqls } from './summary.js';
import { DAILY_MARTS, dailyThreads, metricDailyMartSql, withDailyThreads } from './daily.js';
import { withoutCompression } from '../warehouse/compression.js';
import { sqlString } from '../warehouse/sql-literal.js';

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

/** Time a build spends outside the models' own SQL (catalog checks, the build state, the commit, …). */
export interface BuildPhase {
  phase: string;
  /** Wall time. */
  seconds: number;
  /** CPU time of the whole process (user + system, every thread) meanwhile. */
  cpu_seconds: number;
}

/** Runs `fn` as (a part of) the phase `name`, then hands its wall and CPU time to `onPhase`. */
export function phaseTimer(onPhase?: (phase: BuildPhase) => void) {
  return async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const t = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await fn();
    } finally {
      const used = process.cpuUsage(cpu);
      onPhase?.({ phase, seconds: (performance.now() - t) / 1000, cpu_seconds: (used.user + used.system) / 1e6 });
    }
  };
}

/** Adds up phases of the same name, in the order each first ran: {@link BuildOptions.onPhase}'s reports of one build. */
export function phaseTotals(): { add: (phase: BuildPhase) => void; phases: () => BuildPhase[] } {
  const totals = new Map<string, BuildPhase>();
  return {
    add: ({ phase, seconds, cpu_seconds }) => {
      const p = totals.get(phase) ?? { phase, seconds: 0, cpu_seconds: 0 };
      totals.set(phase, { phase, seconds: p.seconds + seconds, cpu_seconds: p.cpu_seconds + cpu_seconds });
    },
    phases: () => [...totals.values()],
  };
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
  const names = models.map((m) => m.name);
  for (const m of models) m.dependsOn = namesRead(m.sql, names).filter((n) => n !== m.name);
  return topologicalOrder(models);
}

/** The names of `names` that `sql` mentions, comments left out: the models a model reads. */
export function namesRead(sql: string, names: readonly string[]): string[] {
  const code = sql.replace(/--.*$/gm, '');
  return names.filter((n) => new RegExp(`\\b${n}\\b`).test(code));
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
  /** Called after each part of the build outside the models' SQL; a phase that runs several times is reported each time ({@link phaseTotals} adds them up). */
  onPhase?: (phase: BuildPhase) => void;
  /** The moment of the build, kept as `built_at` (default: now). */
  now?: Date;
  /** The hash of {@link defineConversationKey} (default DuckDB's `hash`): the tests give one that conversations share. */
  conversationKeyHash?: (source: string, id: string) => string;
  /**
   * How many connections run a full build's models (default
   * {@link buildLanes}; 1 runs them one after another: bench/build-lanes.ts
   * times each model alone).
   */
  lanes?: 1 | 2;
}

/** Every model with its SQL rendered, as a build runs it. */
export function renderedModels(models: readonly Model[] = discoverModels()): { name: string; sql: string }[] {
  return models.map((m) => ({ name: m.name, sql: renderModel(m.sql) }));
}

/**
 * Runs one model's SQL and records how long it took in `steps`; a failure names
 * the model (`what` says which kind of build, as in "model x failed (incremental build)").
 */
export function stepRunner(db: Pick<Warehouse, 'run'>, steps: BuildStep[], onStep?: (step: BuildStep) => void, what = '') {
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

/** `sql` with each model name in `names` replaced by `to(name)` (whole words). */
export function rename(sql: string, names: Iterable<string>, to: (name: string) => string): string {
  let out = sql;
  for (const n of names) out = out.replace(new RegExp(`\\b${n}\\b`, 'g'), to(n));
  return out;
}

/** The name a mart has while a full build makes it, until the build swaps it in: `_build_<name>`. */
export const underConstruction = (name: string) => `_build_${name}`;

/**
 * Intermediates kept after a build for what reads them besides the models:
 * the live view's business-hours countdowns (dashboard/lib/server/live.ts)
 * read `int_business_windows`. The build makes them as tables of its scratch
 * catalog like the others and copies them into the warehouse when it swaps
 * the marts in: the scratch catalog is detached after the build, and a
 * temporary table (as the intermediates once were) is seen only by the
 * connection that made it, so the
 * server's reader connections (and any process after a restart) saw no
 * business windows, and the live page left every business-hours countdown out.
 */
const KEPT_INTERMEDIATES: readonly string[] = ['int_business_windows'];

/**
 * Writes each of {@link KEPT_INTERMEDIATES} into the warehouse from the build's
 * `source(name)` (a full build's temporary table, an incremental build's
 * `_inc_` one), replacing the last build's, inside the caller's transaction.
 * Named with the warehouse's catalog: `main.x` also names the temporary table
 * x (`temp.main.x`), which the search path finds first.
 */
export async function keepIntermediates(db: Warehouse, source: (name: string) => string): Promise<void> {
  const { catalog } = (await db.one<{ catalog: string }>('select current_database() as catalog'))!;
  for (const name of KEPT_INTERMEDIATES) {
    const kept = `"${catalog.replaceAll('"', '""')}".main.${name}`;
    const old = await db.one<{ kind: string }>('select table_type as kind from information_schema.tables where table_catalog = $1 and table_schema = $2 and table_name = $3', [
      catalog,
      'main',
      name,
    ]);
    if (old) await db.run(`drop ${old.kind === 'VIEW' ? 'view' : 'table'} ${kept}`);
    await db.run(`create table ${kept} as select * from ${source(name)}`);
  }
}

/** DuckDB's hash of a conversation's two strings: {@link defineConversationKey}'s key. */
const byHash = (source: string, id: string) => `hash(${source}, ${id})`;

/**
 * The integer key of a conversation inside a build: the macro
 * `conversation_key(source, conversation_id)`, a temporary macro of the
 * build's connection that the intermediates use for their windows, as-of
 * joins, groupings and joins in place of the two strings, and that no mart
 * keeps (each mart keeps source and conversation_id). A window that carries
 * the two strings through its sort costs about a third more than one that
 * carries a number (the turns' 1.06 CPU s against 0.83 at 1M messages), and a
 * grouping a fifth more; the number is the strings' `hash`, computed where the
 * rows are read, so int_timeline stays a view without a join.
 *
 * The build uses it only when no two conversations (of raw_conversations,
 * which owns every message, event and survey: warehouse/repair.ts) share a
 * hash; else (about one warehouse in 10^8 at a million conversations) the
 * key is a number of each conversation looked up by its strings, slower and
 * the same results. `hashOf` is the hash, for the tests of that case.
 */
export async function defineConversationKey(db: Warehouse, hashOf = byHash): Promise<'hash' | 'numbered'> {
  const hash = hashOf('source', 'conversation_id');
  // one count first; only when it finds fewer hashes than rows (a conversation twice, or a shared hash) the exact look
  const { fewer } = (await db.one<{ fewer: boolean }>(`select count(distinct ${hash}) < count(*) as fewer from raw_conversations`))!;
  const shared =
    fewer &&
    (await db.one<{ shared: boolean }>(
      `select exists (select 1 from raw_conversations group by ${hash} having min(source) <> max(source) or min(conversation_id) <> max(conversation_id)) as shared`,
    ))!.shared;
  if (!shared) {
    await db.run(conversationKeyMacro(hashOf));
    return 'hash';
  }
  await db.run(
    `create or replace temp table _conversation_keys as
     select source, conversation_id, (row_number() over ())::ubigint as conversation_key from (select distinct source, conversation_id from raw_conversations);
     create or replace temp macro conversation_key(s, c) as
       (select k.conversation_key from temp.main._conversation_keys k where k.source = s and k.conversation_id = c)`,
  );
  return 'numbered';
}

/** The statement that defines {@link defineConversationKey}'s macro by the hash, on a connection (a temporary macro is its connection's). */
export function conversationKeyMacro(hashOf = byHash): string {
  return `create or replace temp macro conversation_key(source, conversation_id) as ${hashOf('source', 'conversation_id')}`;
}

/** Drops what {@link defineConversationKey} made, at the end of a build. */
export async function dropConversationKey(db: Warehouse): Promise<void> {
  await db.run('drop macro if exists temp.conversation_key; drop table if exists temp.main._conversation_keys');
}

/**
 * Intermediates a full build makes as temporary views, not tables: each
 * model that reads one computes it anew. `int_timeline` (every message and
 * event, a union of the two staging views with one sum a row) was the largest
 * temporary table, held uncompressed until `agent_concurrency_edges` (222 MiB
 * at 1M messages, about 2.2 GB at 11M, so spilled under a 2 GB limit);
 * scanning the raw tables again costs its seven readers less than writing
 * and holding it.
 */
export const VIEW_INTERMEDIATES: readonly string[] = ['int_timeline'];

/**
 * The catalog of a full build's intermediate tables: an in-memory database
 * attached for the build and detached after it. Its tables are what
 * temporary tables were (held in memory, spilled under the memory limit,
 * gone with the process), but every connection of the warehouse sees them,
 * so that two connections can run the models (see {@link runInLanes}).
 */
export const SCRATCH = 'parley_build';

/** An intermediate's table in {@link SCRATCH}. */
const inScratch = (name: string) => `${SCRATCH}.main.${name}`;

/** A connection a full build runs models on. */
export interface BuildLane {
  run(sql: string): Promise<void>;
  /** The warehouse object's own connection (transactions, the build's settings), not an extra one. */
  main: boolean;
}

export interface LaneOptions {
  /** Keeps a model to the main lane. */
  placement?: (model: Model) => { main?: boolean };
  /** Whether a model that failed with `error` beside another runs again alone. */
  retryAlone?: (error: unknown) => boolean;
  /**
   * Called before models start, with how many will then run at once. When
   * it is 1, nothing else runs meanwhile, and nothing else starts until that
   * model ends (no other model was ready): the build gives it every thread.
   */
  beforeStart?: (running: number) => Promise<void>;
  /** Among the models a lane may start, the one of highest priority starts (of equal ones, the first in order). */
  priority?: (model: Model) => number;
  /**
   * Models that start only when every model running began after the last
   * model that `writes` accepts ended: DuckDB refuses a CHECKPOINT beside a
   * transaction that began before the last commit to the database.
   */
  afterWrites?: (model: Model) => boolean;
  writes?: (model: Model) => boolean;
}

/**
 * Runs `models` (in an order that runs each after what it reads) on the
 * lanes: a free lane starts, of the models whose inputs (`done`, and the
 * models finished meanwhile) are all built, the one of highest `priority`
 * (of equal ones the first), the extra lanes choosing before the main one;
 * `placement` keeps a model to the main lane, and an `afterWrites` model
 * waits until every model running began after the last writing one ended. A model that
 * fails beside another with an error `retryAlone` accepts (out of memory:
 * two queries share one `memory_limit`) runs again alone, first of all:
 * nothing starts until the lanes are empty and it could; any other failure
 * starts nothing more, lets what runs finish, then throws.
 *
 * Why: at 1M messages every per-conversation table has fewer rows than one of
 * DuckDB's row groups (122,880), and DuckDB scans a row group on one thread,
 * so many models leave the second core idle; a second connection running a
 * model that does not depend on the first fills it (README, *Two models at
 * once*).
 */
export async function runInLanes(
  models: readonly Model[],
  done: Set<string>,
  lanes: readonly BuildLane[],
  run: (model: Model, lane: BuildLane) => Promise<void>,
  options: LaneOptions = {},
): Promise<void> {
  const { placement = (): { main?: boolean } => ({}), retryAlone = () => false, beforeStart = async () => undefined, priority = () => 0 } = options;
  const { afterWrites = () => false, writes = () => true } = options;
  const waiting = [...models];
  const busy = lanes.map(() => false);
  // how many models that write had ended when each lane's model began, and how many have ended now
  let writesEnded = 0;
  const began = lanes.map(() => 0);
  const afterEveryWrite = () => busy.every((b, j) => !b || began[j] === writesEnded);
  const shared = lanes.map(() => false);
  // the models to run alone (again, after running out of memory beside another)
  const solo = new Set<string>();
  let aloneRunning = false;
  let failure: { error: unknown } | undefined;
  // the extra lanes choose first: a model kept to the main lane then finds it free
  const choosing = [...lanes.keys()].sort((a, b) => Number(lanes[a]!.main) - Number(lanes[b]!.main));
  const ready = (m: Model) => m.dependsOn.every((d) => done.has(d));
  /** The models to start now, each with its lane (marked busy, taken from `waiting`). */
  const choose = (): [Model, number][] => {
    const starts: [Model, number][] = [];
    for (const i of choosing) {
      if (failure || aloneRunning) break;
      if (busy[i]) continue;
      const others = busy.some(Boolean);
      // a model to run alone waits, when it is the first ready, for the lanes to empty: nothing starts meanwhile
      const first = waiting.find(ready);
      const barrier = first !== undefined && solo.has(first.name);
      let next = -1;
      for (const [k, m] of waiting.entries())
        if (
          ready(m) &&
          (!placement(m).main || lanes[i]!.main) &&
          (barrier ? m === first && !others : !solo.has(m.name)) &&
          (!afterWrites(m) || afterEveryWrite()) &&
          (next < 0 || priority(m) > priority(waiting[next]!))
        )
          next = k;
      if (next < 0) continue;
      const [m] = waiting.splice(next, 1);
      busy[i] = true;
      began[i] = writesEnded;
      aloneRunning = solo.has(m!.name);
      // whether another model ran beside this one at any time: one running now, or one started later
      shared[i] = others;
      for (const j of lanes.keys()) if (j !== i && busy[j]) shared[j] = true;
      starts.push([m!, i]);
    }
    return starts;
  };
  await new Promise<void>((resolve) => {
    // one choice at a time (beforeStart is awaited between the choice and the starts)
    let filling = Promise.resolve();
    const fill = () => {
      filling = filling.then(async () => {
        const starts = choose();
        if (starts.length > 0) {
          try {
            await beforeStart(busy.filter(Boolean).length);
          } catch (error) {
            failure ??= { error };
            for (const [, i] of starts) busy[i] = false;
            aloneRunning = false;
          }
        }
        if (!failure)
          for (const [m, i] of starts)
            run(m, lanes[i]!)
              .then(
                () => void done.add(m.name),
                (error: unknown) => {
                  if (shared[i] && !solo.has(m.name) && retryAlone(error)) {
                    solo.add(m.name);
                    waiting.unshift(m);
                  } else failure ??= { error };
                },
              )
              .finally(() => {
                if (writes(m)) writesEnded++;
                busy[i] = false;
                aloneRunning = false;
                fill();
              });
        if (!busy.some(Boolean)) resolve();
      });
    };
    fill();
  });
  if (failure) throw failure.error;
  if (waiting.length > 0) throw new Error(`models left unbuilt, their inputs missing: ${waiting.map((m) => m.name).join(', ')}`);
}

/**
 * How many connections run a full build's models over `conversations`
 * conversations with `threads` DuckDB threads: two when the conversations
 * fit in fewer of DuckDB's row groups than there are threads, else one.
 *
 * Why: DuckDB scans a row group on one thread. At 1M messages (100,000
 * conversations, one row group) every model over the conversations left a
 * core idle, and two models at once, a thread each, took a full build from
 * 9.53 to 7.97 s (medians of 7, in turns with the one-connection build;
 * README, *Two models at once, built*). At 11M messages (1M conversations,
 * nine row groups) each model already keeps both cores busy, and two at
 * once under `--memory-limit 2GB` shared the limit and spilled more: 93 s
 * and a 3.3 GB peak against 63 s and 2.4 GB.
 */
export function buildLanes(conversations: number, threads: number): 1 | 2 {
  return dailyThreads(conversations, threads) < threads ? 2 : 1;
}

/** {@link buildLanes} for the warehouse's conversations and DuckDB's threads. */
async function lanesFor(db: Warehouse): Promise<1 | 2> {
  const now = await db.one<{ n: number | bigint; threads: number | bigint }>("select (select count(*) from raw_conversations) as n, current_setting('threads')::bigint as threads");
  return buildLanes(Number(now!.n), Number(now!.threads));
}

/**
 * DuckDB's threads for the models of a build on `lanes` connections: the
 * configured number shared out between the models that run at once (one
 * each of two, on two cores), all of them for a model that runs alone. The
 * setting is the database's, changed only while no model runs
 * ({@link LaneOptions.beforeStart}), and set back by `restore`.
 *
 * Why: a DuckDB query of this build's size costs more CPU on two threads
 * than on one (about a fifth, measured over whole builds at 1M messages),
 * and with two models at once the second thread of each only took a core
 * from the other.
 */
async function threadsPerModel(db: Warehouse, lanes: number): Promise<{ set: (running: number) => Promise<void>; restore: () => Promise<void> }> {
  const configured = Number((await db.one<{ n: number | bigint }>("select current_setting('threads')::bigint as n"))!.n);
  let now = configured;
  const to = async (n: number) => {
    if (n !== now) await db.run(`set threads = ${n}`);
    now = n;
  };
  return { set: (running) => to(running > 1 ? Math.max(1, Math.floor(configured / Math.min(running, lanes))) : configured), restore: () => to(configured) };
}

/**
 * For each of `models` (in an order that runs each after what it reads), the
 * most models on a path from it to the end of the build, itself included:
 * the lanes of a full build start the model of the longest such path first
 * ({@link LaneOptions.priority}), so that a model many others wait for does
 * not wait behind one that nothing reads.
 *
 * Why: at 1M messages conversation_costs (metric_daily and the summary's
 * scans read it) started after four marts that nothing reads, and the last
 * models then ran on one connection while the other was idle.
 *
 * @example
 *   pathsToEnd([a, b, c]); // b and c read a, c reads b: a 3, b 2, c 1
 */
export function pathsToEnd(models: readonly Model[]): Map<string, number> {
  const length = new Map<string, number>();
  for (const m of [...models].reverse()) {
    const readers = models.filter((r) => r.dependsOn.includes(m.name));
    length.set(m.name, 1 + Math.max(0, ...readers.map((r) => length.get(r.name) ?? 0)));
  }
  return length;
}

/** The build's model that checkpoints the warehouse, on two connections ({@link checkpointAsStep}): a phase, not a step. */
export const CHECKPOINT_STEP = 'checkpoint';

/**
 * Makes the warehouse's checkpoint a part of a full build on two
 * connections: adds {@link CHECKPOINT_STEP} to `models` (the build's, in
 * order, changed in place) after `metric_daily`, reading every mart but
 * `metric_summary`, which then reads it; and turns DuckDB's automatic
 * checkpoints off until the returned function sets them back (before the
 * marts are swapped in).
 *
 * Why: the marts of a warehouse of 100,000 conversations are each smaller
 * than a row group, so DuckDB keeps them in memory and the WAL, and a
 * checkpoint compresses and writes them all: about 0.55 s at 1M messages.
 * An automatic one ran at whichever commit found the WAL over its
 * threshold: beside another model, or last, with the other connection idle,
 * or at two commits at once, one waiting for the other. Here it runs once
 * the marts but the summary are written, beside the summary's scans, which
 * write only to the scratch catalog. DuckDB refuses a CHECKPOINT beside a
 * transaction that began before the last commit
 * ({@link LaneOptions.afterWrites}); a write to the warehouse waits for it.
 */
async function checkpointAsStep(db: Warehouse, models: Model[]): Promise<() => Promise<void>> {
  const summary = models.findIndex((m) => m.name === 'metric_summary');
  const written = models.filter((m) => m.layer === 'marts' && m.name !== 'metric_summary').map((m) => m.name);
  models[summary] = { ...models[summary]!, dependsOn: [...models[summary]!.dependsOn, CHECKPOINT_STEP] };
  models.splice(models.findIndex((m) => m.name === 'metric_daily') + 1, 0, { name: CHECKPOINT_STEP, layer: 'marts', sql: 'checkpoint', dependsOn: written });
  const threshold = (await db.one<{ v: string }>("select current_setting('checkpoint_threshold') as v"))!.v;
  await db.run("set checkpoint_threshold = '1000 GiB'");
  return () => db.run(`set checkpoint_threshold = ${sqlString(threshold)}`);
}

/**
 * Runs the checkpoint on `lane`. One that DuckDB refuses (a transaction
 * older than the last commit runs: none should) is left to the next commit
 * or close.
 */
async function checkpointOn(lane: BuildLane): Promise<void> {
  try {
    await lane.run('checkpoint');
  } catch (error) {
    if (!/cannot checkpoint/i.test((error as Error).message)) throw error;
  }
}

/**
 * The order of a full build after the staging views: the models' order
 * (discoverModels), but each mart as soon as everything it reads is built, so
 * that the intermediates only it still needs can be dropped early.
 */
export function buildOrder(models: readonly Model[]): Model[] {
  const done = new Set(models.filter((m) => m.layer === 'staging').map((m) => m.name));
  const left = models.filter((m) => m.layer !== 'staging');
  const out: Model[] = [];
  while (left.length > 0) {
    const ready = (m: Model) => m.dependsOn.every((d) => done.has(d));
    const mart = left.findIndex((m) => m.layer === 'marts' && ready(m));
    const [next] = left.splice(mart >= 0 ? mart : left.findIndex(ready), 1);
    done.add(next!.name);
    out.push(next!);
  }
  return out;
}

/**
 * The models a full build generates after the discovered `models`, each
 * after what it reads: `metric_daily`; with `scansApart`, the scans of
 * `metric_summary`'s fields that exact parts do not give, as intermediates
 * (`int_summary_scan_<n>`: {@link summaryScanSqls}), which a second
 * connection can run beside other models; `metric_summary`, which sums its
 * exact fields from metric_daily's rows and reads the scans (or makes them).
 *
 * Why not always apart: on one connection the tables gain nothing and cost
 * their writes; at 11M messages the summary's steps took 5.4 s against 4.7.
 */
export function generatedModels(models: readonly Model[], scansApart = false): Model[] {
  const scans = scansApart ? summaryScanSqls().map((sql, i) => ({ name: `int_summary_scan_${i + 1}`, sql, layer: 'intermediate' as const })) : [];
  const all = [
    { name: 'metric_daily', sql: metricDailyMartSql(), layer: 'marts' as const },
    ...scans,
    { name: 'metric_summary', sql: metricSummaryMartSql(scansApart ? scans.map((s) => s.name) : undefined), layer: 'marts' as const },
  ];
  const names = [...models, ...all].map((m) => m.name);
  return all.map((g) => ({ ...g, dependsOn: namesRead(g.sql, names).filter((n) => n !== g.name) }));
}

/**
 * Runs every model, then the generated summary and daily marts, and swaps the
 * new marts in. Readers see the marts of the last build or of this one, never
 * half:
 *
 * 1. the configuration tables and staging views, in one transaction;
 * 2. the intermediate models as tables of the in-memory {@link SCRATCH}
 *    catalog (or temporary views: {@link VIEW_INTERMEDIATES}), and the marts
 *    as tables named `_build_<mart>` ({@link underConstruction}), each
 *    committed on its own, on two connections ({@link runInLanes}, in
 *    {@link buildOrder}'s order among the models ready to run); an
 *    intermediate is dropped as soon as the last model
 *    that reads it is built, so its memory is free for the next ones (at 11M
 *    messages the intermediates hold about 5.6 GB, more than a 2 GB
 *    `--memory-limit`: what was held until the end was spilled to disk);
 * 3. one transaction drops the old marts, renames the new ones into their
 *    places and records the build state.
 *
 * A build that fails or is killed leaves the old marts as they were, and
 * `_build_*` tables that it drops (or the next build does). This warehouse
 * object runs nothing else meanwhile (its extra connection runs only the
 * build's models). Every model runs in a transaction of
 * its own, so DuckDB's optimiser sees the rows of the tables it reads: in the
 * open transaction that created a table its estimate is 0, and with every
 * intermediate at 0 it ordered the joins after them badly
 * (int_conversation_business took 2.6 s in the transaction and 0.25 s out of
 * it, on 1M messages).
 */
export async function buildModels(db: Warehouse, config: ParleyConfig, options: BuildOptions = {}): Promise<BuildStep[]> {
  const { onStep, now = new Date() } = options;
  const steps: BuildStep[] = [];
  const timed = stepRunner(db, steps, onStep);
  const time = phaseTimer(options.onPhase);
  const models = discoverModels();
  // the intermediates among the models: one in the warehouse itself is an older Parley's
  const discoveredIntermediates = new Set(models.filter((m) => m.layer === 'intermediate').map((m) => m.name));
  // the build state reads the data horizon when the marts are swapped in
  const keep = new Set([...KEPT_INTERMEDIATES, 'int_data_horizon']);
  const dropUnderConstruction = async () => {
    for (const t of await db.all<{ name: string }>("select table_name as name from duckdb_tables() where not temporary and starts_with(table_name, '_build_')"))
      await db.run(`drop table ${t.name}`);
  };
  await db.exclusive(async () => {
    // what the catalog holds, asked once: a model may change kind between versions (DuckDB refuses
    // `drop view if exists` on a table), and an interrupted build left its marts under construction
    const existing = await time('catalog', async () => {
      await dropUnderConstruction();
      return tableTypes(db);
    });
    const dropOld = (name: string) => {
      const kind = existing.get(name);
      return kind ? db.run(`drop ${kind === 'VIEW' ? 'view' : 'table'} ${name}`) : Promise.resolve();
    };
    await db.transaction(async () => {
      await time('configuration tables', () => writeConfigTables(db, config));
      for (const m of models.filter((x) => x.layer === 'staging')) {
        await time('catalog', () => dropOld(m.name));
        await timed(m.name, m.layer, `create view ${m.name} as\n${renderModel(m.sql)}`);
      }
      // an intermediate is a table of the scratch catalog: one in the warehouse itself is an older Parley's
      // (a kept one is replaced when the marts are swapped in: readers keep it meanwhile)
      for (const name of discoveredIntermediates) if (!KEPT_INTERMEDIATES.includes(name)) await time('catalog', () => dropOld(name));
    });
    const key = await time('conversation key', () => defineConversationKey(db, options.conversationKeyHash));
    // the marts are written without FSST, as ingest writes the raw tables: choosing it for their string columns
    // (ids, names) cost about an eighth of writing them (the ten largest at 1M: 2.85 -> 2.52 CPU s), for a file
    // about 6% larger (README, benchmarks); the setting is set back after the build, also after one that fails
    const restoreCompression = await withoutCompression(db);
    await db.run(`detach database if exists ${SCRATCH}; attach ':memory:' as ${SCRATCH}`);
    const onMain: BuildLane = { run: (sql) => db.run(sql), main: true };
    let extra: ExtraConnection | undefined;
    let second: BuildLane | undefined;
    let threads: Awaited<ReturnType<typeof threadsPerModel>> | undefined;
    let restoreCheckpoints: (() => Promise<void>) | undefined;
    try {
      // the second lane: a connection of its own, with the build's temporary macro (a connection's temporary
      // objects are its own); when the key is the numbered one (its table a temporary one of the main
      // connection, about one warehouse in 10^8) every model runs on the main connection
      if (key === 'hash' && (options.lanes ?? (await lanesFor(db))) > 1) {
        const connection = await db.extraConnection();
        extra = connection;
        second = { run: (sql) => connection.run(sql), main: false };
        await second.run(conversationKeyMacro(options.conversationKeyHash));
      }
      const lanes = second ? [onMain, second] : [onMain];
      // the marts and intermediates as the build makes them, on these lanes
      const generated = generatedModels(models, lanes.length > 1);
      const order = [...buildOrder(models), ...generated];
      // by name: the checkpoint gives metric_summary another input (checkpointAsStep)
      const generatedMarts = new Set(generated.filter((m) => m.layer === 'marts').map((m) => m.name));
      const marts = order.filter((m) => m.layer === 'marts').map((m) => m.name);
      const intermediates = order.filter((m) => m.layer === 'intermediate').map((m) => m.name);
      threads = await threadsPerModel(db, lanes.length);
      // the view intermediates read only staging views: each connection defines them once, before the models
      for (const m of order.filter((x) => VIEW_INTERMEDIATES.includes(x.name))) {
        const sql = `create or replace temp view ${m.name} as\n${renderModel(m.sql)}`;
        await timed(m.name, m.layer, sql);
        if (second) await second.run(sql);
      }
      // the intermediates that are tables, as the models name them: in the scratch catalog
      const scratchTables = intermediates.filter((n) => !VIEW_INTERMEDIATES.includes(n));
      const readersLeft = new Map<string, number>();
      for (const m of order) for (const d of m.dependsOn) if (scratchTables.includes(d)) readersLeft.set(d, (readersLeft.get(d) ?? 0) + 1);
      const toRun = order.filter((m) => !VIEW_INTERMEDIATES.includes(m.name));
      // on two connections the warehouse's checkpoint is a part of the build, beside the summary's scans
      if (second) restoreCheckpoints = await checkpointAsStep(db, toRun);
      const path = pathsToEnd(toRun);
      await runInLanes(
        toRun,
        new Set([...models.filter((m) => m.layer === 'staging').map((m) => m.name), ...VIEW_INTERMEDIATES]),
        lanes,
        async (m, lane) => {
          const sql = rename(rename(renderModel(m.sql), marts, underConstruction), scratchTables, inScratch);
          const run = stepRunner(lane, steps, onStep);
          if (m.name === CHECKPOINT_STEP) await time('checkpoint', () => checkpointOn(lane));
          else if (m.layer === 'intermediate') await run(m.name, m.layer, `create table ${inScratch(m.name)} as\n${sql}`);
          // the generated marts are several statements: one transaction, on the main connection
          // (metric_daily with no more threads than the conversations have row groups: daily.ts)
          else if (generatedMarts.has(m.name)) {
            const build = () => db.transaction(() => timed(m.name, 'generated', sql));
            await (m.name === 'metric_daily' ? withDailyThreads(db, underConstruction('conversation_metrics'), build) : build());
          } else await run(m.name, m.layer, `create table ${underConstruction(m.name)} as\n${sql}`);
          // an intermediate is dropped once every model that reads it is built, so its memory is free for the next
          await time('drop intermediates', async () => {
            for (const d of m.dependsOn) {
              if (!readersLeft.has(d)) continue;
              const left = readersLeft.get(d)! - 1;
              readersLeft.set(d, left);
              if (left === 0 && !keep.has(d)) await lane.run(`drop table ${inScratch(d)}`);
            }
          });
        },
        {
          // the generated marts on the main connection (their transactions); metric_daily's threads
          // (withDailyThreads) change only when it runs alone: beside another model it has one already
          placement: (m) => (generatedMarts.has(m.name) ? { main: true } : {}),
          // two models at once share the memory limit: one that ran out of it beside another runs again alone
          retryAlone: isOutOfMemory,
          beforeStart: threads.set,
          // on one connection the order is buildOrder's (it drops the intermediates early: memory at 11M messages)
          priority: lanes.length > 1 ? (m) => path.get(m.name)! : undefined,
          // the checkpoint step, once each model running began after the last mart was committed (an intermediate is the scratch catalog's)
          afterWrites: (m) => m.name === CHECKPOINT_STEP,
          writes: (m) => m.layer === 'marts' && m.name !== CHECKPOINT_STEP,
        },
      );
      // the swap's commit checkpoints again when the WAL is over the threshold
      await restoreCheckpoints?.();
      restoreCheckpoints = undefined;
      await time('swap in the marts', () =>
        db.transaction(async () => {
          for (const name of marts) {
            await dropOld(name);
            await db.run(`alter table ${underConstruction(name)} rename to ${name}`);
          }
          await keepIntermediates(db, inScratch);
          // what the next build compares to decide whether it may be incremental (models/incremental.ts)
          await recordBuildState(db, { hash: buildHash(renderedModels(models), config), ...(await dataState(db, `select horizon from ${inScratch('int_data_horizon')}`)) });
          await db.run("delete from warehouse_meta where key = 'built_at'");
          await db.run("insert into warehouse_meta values ('built_at', $1)", [now.toISOString()]);
        }),
      );
    } catch (error) {
      await dropUnderConstruction().catch(() => undefined);
      throw error;
    } finally {
      await threads?.restore();
      await restoreCheckpoints?.();
      extra?.close();
      await restoreCompression();
      await time('drop intermediates', async () => {
        await db.run(`detach database if exists ${SCRATCH}`);
        for (const name of VIEW_INTERMEDIATES) await db.run(`drop view if exists temp.main.${name}`);
        await dropConversationKey(db);
      });
    }
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
