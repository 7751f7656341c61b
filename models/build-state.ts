/**
 * What a build leaves behind for the next one to decide whether it may be
 * incremental (models/incremental.ts), in `warehouse_meta`:
 *
 * - `build_hash`: a hash of the rendered SQL of every model, the summary
 *   mart's SQL and the configuration — any change forces a full build;
 * - `build_load_id`: the last load the build saw; conversations of later
 *   loads (`raw_conversations.load_id`) are the ones that changed since;
 * - `build_horizon_us`: the data horizon of the build (epoch microseconds),
 *   to find the windows that were open at it;
 * - `build_roster`: a hash of the agent roster, which every conversation's
 *   team may read.
 *
 * @example
 *   await recordBuildState(db, config, models); // at the end of a build, in its transaction
 *   const state = await readBuildState(db);     // { hash: '9f…', loadId: 3, horizonUs: 1793…, roster: 'c1…' }
 */
import { createHash } from 'node:crypto';
import type { Warehouse } from '../warehouse/connection.js';
import type { ParleyConfig } from './config.js';
import { metricSummaryMartSql } from './summary.js';

/** Raised when what a build stores changes meaning: an older state then forces a full build. */
const STATE_VERSION = 1;

const KEYS = ['build_hash', 'build_load_id', 'build_horizon_us', 'build_roster'] as const;

export interface BuildState {
  hash: string;
  loadId: number;
  /** Null when the warehouse held no data at the build. */
  horizonUs: bigint | null;
  roster: string;
}

/** The hash of everything that decides what a full build computes, besides the data. */
export function buildHash(renderedModels: readonly { name: string; sql: string }[], config: ParleyConfig): string {
  const h = createHash('sha256');
  h.update(`v${STATE_VERSION}\n${JSON.stringify(config)}\n${metricSummaryMartSql()}\n`);
  for (const m of renderedModels) h.update(`-- ${m.name}\n${m.sql}\n`);
  return h.digest('hex');
}

/** The state of the data a build is about to read: last load, horizon, roster. */
export async function dataState(db: Warehouse, horizonSql = 'select horizon from int_data_horizon'): Promise<Omit<BuildState, 'hash'>> {
  const row = await db.one<{ load_id: number | null; horizon_us: bigint | null; roster: string | null }>(
    `select
       (select max(load_id) from load_log) as load_id,
       (select epoch_us(horizon) from (${horizonSql})) as horizon_us,
       (select md5(coalesce(string_agg(concat_ws('|', agent_id, agent_name, team, email, active), chr(10) order by agent_id, agent_name, team), '')) from stg_agents) as roster`,
  );
  return { loadId: row?.load_id ?? 0, horizonUs: row?.horizon_us === null || row?.horizon_us === undefined ? null : BigInt(row.horizon_us), roster: row?.roster ?? '' };
}

/** Stores the state of a build that has just run (inside its transaction). */
export async function recordBuildState(db: Warehouse, state: BuildState): Promise<void> {
  await db.run(`delete from warehouse_meta where key in (${KEYS.map((k) => `'${k}'`).join(', ')})`);
  const values: Record<(typeof KEYS)[number], string | null> = {
    build_hash: state.hash,
    build_load_id: String(state.loadId),
    build_horizon_us: state.horizonUs === null ? null : String(state.horizonUs),
    build_roster: state.roster,
  };
  for (const k of KEYS) await db.run('insert into warehouse_meta values ($1, $2)', [k, values[k]]);
}

/** The state the last build stored; undefined when there is none (never built, or built by an older Parley). */
export async function readBuildState(db: Warehouse): Promise<BuildState | undefined> {
  const rows = await db.all<{ key: string; value: string | null }>(`select key, value from warehouse_meta where key in (${KEYS.map((k) => `'${k}'`).join(', ')})`);
  const get = new Map(rows.map((r) => [r.key, r.value]));
  if (!KEYS.every((k) => get.has(k))) return undefined;
  const horizon = get.get('build_horizon_us');
  return { hash: get.get('build_hash') ?? '', loadId: Number(get.get('build_load_id')), horizonUs: horizon ? BigInt(horizon) : null, roster: get.get('build_roster') ?? '' };
}
