/**
 * Targets (parley.config.yaml `targets`, models/config-targets.ts) as the
 * dashboard, the notebooks and the alerts read them: the build writes them
 * to `config_targets`; {@link targetFor} picks the one that applies to a
 * figure (the most specific of those whose channel, team and month match),
 * and {@link judge} says whether a value meets it and by how much, in the
 * metric's direction from the catalogue.
 *
 * @example
 *   const t = targetFor(await readTargets(db), 'fcr_rate', { channel: 'email' });
 *   judge(metric('fcr_rate'), 0.785, t!); // { met: false, gap: '1.5 pts', text: 'target 80.0%: missed by 1.5 pts', ... }
 */
import type { Warehouse } from '../warehouse/connection.js';
import { tableExists } from '../warehouse/table-exists.js';
import { durationTick } from '../charts/duration.js';
import { formatValue, metric as catalogueMetric, type Metric } from './catalogue.js';
import type { TargetConfig } from './config-targets.js';
import { DIMENSIONS, summaryFields, summarySql } from './summary.js';

export interface Target {
  metric: string;
  /** In the metric's stored unit: a rate as 0–1, a duration in seconds. */
  value: number;
  channel?: string | undefined;
  team?: string | undefined;
  /** 'YYYY-MM'. */
  month?: string | undefined;
}

/** What a figure is of: its channel, team and month, when it is of one. */
export interface TargetScope {
  channel?: string | undefined;
  team?: string | undefined;
  month?: string | undefined;
}

export interface Judgement {
  met: boolean;
  /** The distance to the target, formatted in the metric's unit (rates in points); '0' when on it. */
  gap: string;
  /** The target, formatted: '80.0%', '4h 00m'. */
  target: string;
  /** 'target 80.0%: met, 1.2 pts above', 'target 4h: met, 30m below' or 'target 80.0%: missed by 1.5 pts'. */
  text: string;
}

/**
 * The target that applies to `metric` for `scope`: of the targets whose
 * channel, team and month are unset or equal to the scope's, the one that
 * sets the most of them (the first in the configuration among equals).
 */
export function targetFor(targets: readonly Target[], metric: string, scope: TargetScope = {}): Target | undefined {
  let best: Target | undefined;
  let bestScore = -1;
  for (const t of targets) {
    if (t.metric !== metric) continue;
    const keys = (['channel', 'team', 'month'] as const).filter((k) => t[k] !== undefined && t[k] !== null);
    if (keys.some((k) => t[k] !== scope[k])) continue;
    if (keys.length > bestScore) {
      best = t;
      bestScore = keys.length;
    }
  }
  return best;
}

/**
 * The scope of a figure over `f` (the dashboard's filters): its channel and
 * team, and its month when the period is one month (`month`, or from and to
 * in the same month).
 */
export function targetScope(f: {
  from?: string | undefined;
  to?: string | undefined;
  channel?: string | undefined;
  team?: string | undefined;
  month?: string | undefined;
}): TargetScope {
  const month = f.month ?? (f.from && f.to && f.from.slice(0, 7) === f.to.slice(0, 7) ? f.from.slice(0, 7) : undefined);
  return { channel: f.channel, team: f.team, month };
}

/** A target or a distance to one: a duration without its zero parts ('4h', '1h 30m', '5m 17s'), else as the catalogue formats the metric. */
export function formatTarget(m: Pick<Metric, 'unit'>, value: number): string {
  return m.unit === 'seconds' ? durationTick(value) : formatValue(m, value);
}

/** Whether `value` meets `target` (higher or lower is better: the catalogue's direction), and by how much. */
export function judge(m: Pick<Metric, 'unit' | 'higherIsBetter'>, value: number, target: Pick<Target, 'value'>): Judgement {
  const better = m.higherIsBetter !== false;
  const delta = value - target.value;
  const met = better ? delta >= -1e-9 : delta <= 1e-9;
  const size = Math.abs(delta);
  const gap = m.unit === 'rate' ? `${(size * 100).toFixed(1)} pts` : m.unit === 'count' ? formatValue(m, Math.round(size * 100) / 100) : formatTarget(m, size);
  const shown = formatTarget(m, target.value);
  const text = !met ? `target ${shown}: missed by ${gap}` : size < 1e-9 ? `target ${shown}: met` : `target ${shown}: met, ${gap} ${better ? 'above' : 'below'}`;
  return { met, gap, target: shown, text };
}

/** Writes `config_targets` (one row per target, unset scope keys null). */
export async function writeTargetsTable(db: Warehouse, targets: readonly TargetConfig[]): Promise<void> {
  await db.run('create or replace table config_targets (ord integer not null, metric varchar not null, value double not null, channel varchar, team varchar, month varchar)');
  let i = 0;
  for (const t of targets) await db.run('insert into config_targets values ($1, $2, $3, $4, $5, $6)', [++i, t.metric, t.value, t.channel ?? null, t.team ?? null, t.month ?? null]);
}

/** The targets of the last build, in configuration order (none before a build that wrote them). */
export async function readTargets(db: Pick<Warehouse, 'all'>): Promise<Target[]> {
  if (!(await tableExists(db, 'config_targets'))) return [];
  const rows = await db.all<{ metric: string; value: number; channel: string | null; team: string | null; month: string | null }>(
    'select metric, value, channel, team, month from config_targets order by ord',
  );
  return rows.map((r) => ({ metric: r.metric, value: r.value, channel: r.channel ?? undefined, team: r.team ?? undefined, month: r.month ?? undefined }));
}

/** The figure a target of `m` is held against: its summary field (a duration's median, a rate, a mean). */
export function targetField(m: Metric): string {
  return summaryFields(m)[0]!;
}

/**
 * The value of `metricName`'s target field over the conversations of
 * `scope` (its month, channel and team), from conversation_metrics; null
 * when there are too few conversations for a figure.
 */
export async function measure(db: Pick<Warehouse, 'all'>, metricName: string, scope: TargetScope): Promise<number | null> {
  const field = targetField(catalogueMetric(metricName));
  const conditions: string[] = [];
  const params: string[] = [];
  for (const [key, column] of [
    ['month', DIMENSIONS.month],
    ['channel', DIMENSIONS.channel],
    ['team', DIMENSIONS.team],
  ] as const) {
    const v = scope[key];
    if (v === undefined) continue;
    params.push(v);
    conditions.push(`${column} = $${params.length}`);
  }
  const rows = await db.all<Record<string, unknown>>(`select ${field} from (${summarySql([], conditions.join(' and '), [field])})`, params);
  const v = rows[0]?.[field];
  return typeof v === 'number' ? v : typeof v === 'bigint' ? Number(v) : null;
}

export interface MonthAgainstTarget {
  target: Target;
  metric: Metric;
  /** null: too few conversations for a figure. */
  value: number | null;
  judgement: Judgement | null;
}

/**
 * Each target's figure for `month`: per metric, channel and team named by
 * the targets, the one that applies to the month (a month's own target over
 * the general one), with the month's value and whether it meets it.
 */
export async function monthAgainstTargets(db: Pick<Warehouse, 'all'>, month: string, targets?: readonly Target[]): Promise<MonthAgainstTarget[]> {
  const all = targets ?? (await readTargets(db));
  const seen = new Set<string>();
  const out: MonthAgainstTarget[] = [];
  for (const t of all) {
    if (t.month !== undefined && t.month !== month) continue;
    const key = JSON.stringify([t.metric, t.channel ?? null, t.team ?? null]);
    if (seen.has(key)) continue;
    seen.add(key);
    const applies = targetFor(all, t.metric, { channel: t.channel, team: t.team, month });
    if (!applies || (applies.channel ?? null) !== (t.channel ?? null) || (applies.team ?? null) !== (t.team ?? null)) continue;
    const m = catalogueMetric(t.metric);
    const value = await measure(db, t.metric, { month, channel: t.channel, team: t.team });
    out.push({ target: applies, metric: m, value, judgement: value === null ? null : judge(m, value, applies) });
  }
  return out;
}
