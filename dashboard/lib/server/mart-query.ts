/**
 * Reads of the marts (conversation_metrics and what models/ builds from it)
 * for the dashboard, with two economies:
 *
 * - `summary(db, dims, where, fields)` runs models/summary.ts's summarySql
 *   but keeps only the fields a page shows; DuckDB then drops every other
 *   aggregate (a metric page computes one metric, not forty).
 * - Results are cached until the data change (cache.ts: keyed by the
 *   warehouse's data generation, which a build, a load or a write bumps).
 *
 * @example
 *   const rows = await summary(db, ['month'], w, ['conversations', 'fcr_rate']);
 */
import type { Row, Warehouse } from '../../../warehouse/connection.js';
import { cachedAll, memo } from './cache.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { DIMENSIONS, SUMMARY_SOURCE, summaryAggregates, summarySql, type Dimension } from '../../../models/summary.js';
import { dataDays, filterWhere, narrowed, type Filters, type Where } from './filters.js';

export { cachedAll, memo } from './cache.js';

/** The summary grouped by `dims` over `where`, with only `fields` (plus the dimensions). */
export function summary(db: Warehouse, dims: readonly Dimension[], where: Where, fields: readonly string[]): Promise<Row[]> {
  const unique = [...new Set(fields)].filter((f) => /^[a-z_0-9]+$/.test(f));
  const order = dims.length ? ` order by ${dims.join(', ')}` : '';
  const sql = `select ${[...dims, ...unique].join(', ')} from (${summarySql(dims, where.sql, unique)})${order}`;
  return cachedAll(db, sql, where.params);
}

/**
 * Monthly summary rows over `f`'s date range, with `fields`: what
 * `summary(db, ['month'], filterWhere(f), fields)` gives, read from the
 * `metric_summary` mart (the same aggregates, precomputed by `parley build`)
 * wherever the mart holds the same rows, when at most one of channel, intent
 * and team is filtered (and no agent, month or narrowing filter: tag,
 * status, …; otherwise from conversation_metrics):
 *
 * - a range of whole months that ends with the data (or at a month's end):
 *   every row from the mart;
 * - any other range (a trend ending on a day inside a month, a range asked
 *   for the first time): the months the range covers whole (in the
 *   warehouse's time zone, the one `month` is computed in) from the mart, and
 *   only the conversations of the other months (the one cut by the range's
 *   end, a sliver cut by its start) aggregated from conversation_metrics. So
 *   a twelve-month trend scans at most a month of conversations, not a year.
 *
 * @example
 *   await monthly(db, trendRange(filters), ['conversations', 'fcr_rate']);
 */
export async function monthly(db: Warehouse, f: Filters, fields: readonly string[]): Promise<Row[]> {
  const dims = (['channel', 'intent', 'team'] as const).filter((d) => f[d]);
  if (dims.length > 1 || f.agent || f.month || narrowed(f) || !(await martsBuilt(db, 'metric_summary', 'config_settings'))) {
    return summary(db, ['month'], filterWhere(f), fields);
  }
  const { last } = await dataDays(db);
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const dim = dims[0];
  const mart = (start: number) => `"grouping" = $${start} and month between $${start + 1} and $${start + 2}${dim ? ` and ${dim} = $${start + 3}` : ''}`;
  const martParams = [dim ? `month,${dim}` : 'month', f.from.slice(0, 7), f.to.slice(0, 7), ...(dim ? [f[dim]] : [])];
  const whole = f.from.endsWith('-01') && (f.to >= last || isLastDay(f.to));
  if (whole) return cachedAll(db, `select month, ${unique.join(', ')} from metric_summary where ${mart(1)} order by month`, martParams);
  // the months whose every moment (local midnight of the 1st to that of the next 1st) lies in the range
  const n = martParams.length;
  const fromAt = `$${n + 1}::date`;
  const toAt = `$${n + 2}::date + 1`;
  const covered = `select distinct month from metric_summary, (select timezone as zone from config_settings limit 1) s
    where ${mart(1)}
      and timezone(s.zone, strptime(month || '-01', '%Y-%m-%d')) >= ${fromAt}
      and timezone(s.zone, strptime(month || '-01', '%Y-%m-%d') + interval 1 month) <= ${toAt}`;
  const rest = filterWhere(f, { start: n + 3 });
  const sql = `with covered as (${covered})
    select month, ${unique.join(', ')} from metric_summary where ${mart(1)} and month in (select month from covered)
    union all
    select month, ${unique.join(', ')} from (${summarySql(['month'], `${rest.sql} and month not in (select month from covered)`, unique)})
    order by month`;
  return cachedAll(db, sql, [...martParams, f.from, f.to, ...rest.params]);
}

function isLastDay(d: string): boolean {
  const next = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000);
  return next.getUTCDate() === 1;
}

/** Whether every one of the marts `names` is built, cached like the marts themselves (see {@link tableExists}). */
export function martsBuilt(db: Warehouse, ...names: string[]): Promise<boolean> {
  return memo(db, `exists\u0000${names.join(',')}`, () => tableExists(db, ...names));
}

/**
 * The summary over `where` for several single-dimension groupings (and the
 * total) in one scan: GROUPING SETS over the same catalogue aggregates as
 * summarySql, keeping only `fields`. Each row says its `dimension` ('' for
 * the total) and its group in `key`.
 *
 * @example
 *   const rows = await summaryBySets(db, ['channel', 'team'], w, ['fcr_rate']);
 *   // [{ dimension: '', key: null, fcr_rate: 0.74 }, { dimension: 'channel', key: 'email', fcr_rate: 0.79 }, ...]
 */
export function summaryBySets(db: Warehouse, dims: readonly Dimension[], where: Where, fields: readonly string[]): Promise<Row[]> {
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const cols = dims.map((d) => DIMENSIONS[d]);
  const label = `case ${cols.map((c, i) => `when grouping(${c}) = 0 then '${dims[i]}'`).join(' ')} else '' end`;
  const key = `coalesce(${cols.map((c) => `case when grouping(${c}) = 0 then ${c}::varchar end`).join(', ')})`;
  const sets = ['()', ...cols.map((c) => `(${c})`)].join(', ');
  const sql = `select dimension, key, ${unique.join(', ')} from (
    select ${label} as dimension, ${key} as key, ${summaryAggregates(unique).join(', ')}
    from ${SUMMARY_SOURCE} where ${where.sql}
    group by grouping sets (${sets})
  )`;
  return cachedAll(db, sql, where.params);
}

/**
 * The summary of two adjacent date ranges (a period and the one before it)
 * in one scan, as rows `{ period: 'now' | 'before', ...fields }`. `now` and
 * `before` carry the same group filters; only their dates differ.
 *
 * @example
 *   const [now, before] = await summaryOfPeriods(db, f, previousPeriod(f), ['fcr_rate']);
 */
export async function summaryOfPeriods(db: Warehouse, now: Filters, before: Filters, fields: readonly string[]): Promise<[Row, Row]> {
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const groups = filterWhere(now, { dates: false, start: 4 });
  const sql = `select period, ${unique.join(', ')} from (
    select case when created_at >= $2::date then 'now' else 'before' end as period, ${summaryAggregates(unique).join(', ')}
    from ${SUMMARY_SOURCE}
    where created_at >= $1::date and created_at < $3::date + 1 and ${groups.sql}
    group by 1
  )`;
  const rows = await cachedAll(db, sql, [before.from, now.from, now.to, ...groups.params]);
  // A period without conversations has no group: its row (counts 0, the rest null) comes from summarySql.
  const empty = async (f: Filters) => (await summary(db, [], filterWhere(f), unique))[0] ?? {};
  return Promise.all([rows.find((r) => r['period'] === 'now') ?? empty(now), rows.find((r) => r['period'] === 'before') ?? empty(before)]);
}
