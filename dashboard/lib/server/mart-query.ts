/**
 * Reads of the marts (conversation_metrics and what models/ builds from it)
 * for the dashboard, with two economies:
 *
 * - `summary(db, dims, where, fields)` runs models/summary.ts's summarySql
 *   but keeps only the fields a page shows; DuckDB then drops every other
 *   aggregate (a metric page computes one metric, not forty).
 * - A date range's additive figures (a period, its breakdowns, the months a
 *   trend cuts) are sums over its days of the per-day mart
 *   (models/daily.ts) when the filters are ones it keeps (at most one of
 *   channel, intent, team and agent, no month and no narrowing filter);
 *   only the medians and p90s are computed over the conversations, reading
 *   conversation_metrics alone (summarySource).
 * - Results are cached until the data change (cache.ts: keyed by the
 *   warehouse's data generation, which a build, a load or a write bumps).
 *
 * @example
 *   const rows = await summary(db, ['month'], w, ['conversations', 'fcr_rate']);
 */
import type { Row, Warehouse } from '../../../warehouse/connection.js';
import { cachedAll, memo } from './cache.js';
import { tableExists } from '../../../warehouse/table-exists.js';
import { DIMENSIONS, summaryAggregates, summarySource, summarySql, type Dimension } from '../../../models/summary.js';
import { DAILY_COLUMNS, DAILY_MARTS, dailyField, dailyGrouping, dailySummarySql, type DailyColumn, type DailyQuery } from '../../../models/daily.js';
import { dataDays, filterWhere, isLastDayOfMonth, narrowed, type Filters, type Where } from './filters.js';
import { annotationsIn, readAnnotations, type AnnotationScope } from '../../../models/annotations.js';
import type { ChartAnnotation } from '../../../charts/annotations.js';

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
 * wherever the mart holds the same rows, when at most one of channel and
 * intent is filtered (and no team, agent, month or narrowing filter: tag,
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
  const dims = (['channel', 'intent'] as const).filter((d) => f[d]);
  // the team filter compares a conversation's `team` (its assigned team, else its owner's in the roster), while
  // metric_summary's team grouping is the owner team (spec v2): the mart's team rows are not the filter's months
  if (dims.length > 1 || f.team || f.agent || f.month || narrowed(f) || !(await martsBuilt(db, 'metric_summary', 'config_settings'))) {
    return summary(db, ['month'], filterWhere(f), fields);
  }
  const { last } = await dataDays(db);
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const dim = dims[0];
  const mart = (start: number) => `"grouping" = $${start} and month between $${start + 1} and $${start + 2}${dim ? ` and ${dim} = $${start + 3}` : ''}`;
  const martParams = [dim ? `month,${dim}` : 'month', f.from.slice(0, 7), f.to.slice(0, 7), ...(dim ? [f[dim]] : [])];
  const whole = f.from.endsWith('-01') && (f.to >= last || isLastDayOfMonth(f.to));
  if (whole) return cachedAll(db, `select month, ${unique.join(', ')} from metric_summary where ${mart(1)} order by month`, martParams);
  const cut = cutMonths(await monthExtents(db), f);
  // the months the range covers whole come from the mart (a month without the group's row has no conversation of
  // it: no row either way); the other months' conversations lie in the spans of the range outside those months
  const head = (start: number) =>
    cut.covered.length ? `select month, ${unique.join(', ')} from metric_summary where ${mart(1)} and month in (${cut.covered.map((_, i) => `$${start + i}`).join(', ')})` : '';
  // (no month covered: no read of the mart, whose placeholders then bind nothing)
  const headParams = cut.covered.length ? [...martParams, ...cut.covered] : [];
  if (cut.spans.length === 0) return cachedAll(db, `${head(martParams.length + 1)} order by month`, headParams);
  const uncovered = cut.covered.length ? `month not in (${cut.covered.map((_, i) => `$${martParams.length + 1 + i}`).join(', ')})` : 'true';
  const union = cut.covered.length ? `${head(martParams.length + 1)}\n    union all\n    ` : '';
  // each span as a condition on its UTC days (metric_daily) or on created_at, its bounds numbered from `start`
  const spans = (start: number, on: (from: string, to: string) => string) => `(${cut.spans.map((_, i) => on(`$${start + 2 * i}`, `$${start + 2 * i + 1}`)).join(' or ')})`;
  const spanDays = cut.spans.flatMap((x) => [x.from.slice(0, 10), utcDay(x.to)]);
  const spanInstants = cut.spans.flatMap((x) => [x.from, x.to]);
  const inSpans = (start: number) => spans(start, (a, b) => `(created_at >= ${a}::timestamptz and created_at < ${b}::timestamptz)`);
  const days = spans(headParams.length + 1, (a, b) => `day between ${a}::date and ${b}::date`);
  const daily = await dailyQuery(db, f, 'month', unique.filter(dailyField), { month: `${uncovered} and ${days}`, params: [...headParams, ...spanDays] });
  if (daily) {
    // the medians and p90s of the cut months, over their conversations in the spans
    const quantiles = unique.filter((x) => !dailyField(x));
    const n = daily.params.length;
    const rest = filterWhere(f, { start: n + spanInstants.length + 1 });
    const q = quantiles.length ? ` left join (${summarySql(['month'], `${rest.sql} and ${uncovered} and ${inSpans(n + 1)}`, quantiles)}) q on q.month = d.key` : '';
    const sql = `${union}select d.key as month, ${unique.map((x) => (dailyField(x) ? `d.${x}` : `q.${x}`)).join(', ')} from (${daily.sql}) d${q}
    order by month`;
    return cachedAll(db, sql, [...daily.params, ...(quantiles.length ? [...spanInstants, ...rest.params] : [])]);
  }
  const n = headParams.length;
  const rest = filterWhere(f, { start: n + spanInstants.length + 1 });
  const sql = `${union}select month, ${unique.join(', ')} from (${summarySql(['month'], `${rest.sql} and ${uncovered} and ${inSpans(n + 1)}`, unique)})
    order by month`;
  return cachedAll(db, sql, [...headParams, ...spanInstants, ...rest.params]);
}

/** Each month of metric_summary with its first and next month's first moments in the warehouse's time zone (epoch ms), the span its conversations' `month` names. */
interface MonthExtent {
  month: string;
  start: number;
  end: number;
}

/**
 * The months of metric_summary and where each begins and ends (local
 * midnight of the 1st to that of the next 1st, in config_settings' time zone:
 * how conversation_metrics' `month` is computed), read once per data
 * generation: a range asked for the first time then knows the months it
 * covers whole without a query.
 */
export function monthExtents(db: Warehouse): Promise<MonthExtent[]> {
  return memo(db, 'month-extents', () =>
    db.all<{ month: string; start: number; end: number }>(
      `select month,
        epoch_ms(timezone(s.zone, strptime(month || '-01', '%Y-%m-%d'))) as "start",
        epoch_ms(timezone(s.zone, strptime(month || '-01', '%Y-%m-%d') + interval 1 month)) as "end"
      from (select distinct month from metric_summary where "grouping" = 'month' and month is not null) m, (select timezone as zone from config_settings limit 1) s
      order by month`,
    ),
  );
}

/**
 * The months of `extents` that `f`'s range (UTC days: midnight of `from` to
 * that after `to`) covers whole, and the spans of the range outside them
 * (ISO instants, from inclusive, to exclusive; none when the covered months
 * fill the range), where every conversation of the range's other months lies.
 *
 * @example
 *   cutMonths(extents, { from: '2026-01-01', to: '2026-11-14' });
 *   // { covered: ['2026-01', …, '2026-10'], spans: [{ from: '2026-11-01T00:00:00.000Z', to: '2026-11-15T00:00:00.000Z' }] }
 */
export function cutMonths(extents: readonly MonthExtent[], f: Pick<Filters, 'from' | 'to'>): { covered: string[]; spans: { from: string; to: string }[] } {
  const start = Date.parse(`${f.from}T00:00:00Z`);
  const end = Date.parse(`${f.to}T00:00:00Z`) + 86_400_000;
  const inside = extents.filter((e) => e.month >= f.from.slice(0, 7) && e.month <= f.to.slice(0, 7) && e.start >= start && e.end <= end);
  const iso = (t: number) => new Date(t).toISOString();
  if (inside.length === 0) return { covered: [], spans: [{ from: iso(start), to: iso(end) }] };
  // the months a range covers whole are consecutive: the range outside them is its head and its tail
  const first = Math.min(...inside.map((e) => e.start));
  const last = Math.max(...inside.map((e) => e.end));
  const spans = [...(first > start ? [{ from: iso(start), to: iso(first) }] : []), ...(end > last ? [{ from: iso(last), to: iso(end) }] : [])];
  return { covered: inside.map((e) => e.month), spans };
}

/** The UTC day of the last moment before the instant `to` (a span's last day). */
const utcDay = (to: string) => new Date(Date.parse(to) - 1).toISOString().slice(0, 10);

/**
 * The annotations a view's trends draw (models/annotations.ts): every
 * annotation is read once per data generation and narrowed to `scope` here,
 * so a date range asked for the first time costs no query for them.
 *
 * @example
 *   await chartAnnotations(db, { from: '2025-12-01', to: '2026-11-30', channel: 'email' });
 */
export async function chartAnnotations(db: Warehouse, scope: AnnotationScope): Promise<ChartAnnotation[]> {
  return annotationsIn(await memo(db, 'annotations', () => readAnnotations(db)), scope);
}

/** Whether every one of the marts `names` is built, cached like the marts themselves (see {@link tableExists}). */
export function martsBuilt(db: Warehouse, ...names: string[]): Promise<boolean> {
  return memo(db, `exists\u0000${names.join(',')}`, () => tableExists(db, ...names));
}

/**
 * The summary over `f` for several single-dimension groupings (and the
 * total): the additive fields from the per-day marts (one query per
 * grouping) when they keep each of them under `f`'s filters, and the
 * medians and p90s (or, when the marts do not keep a grouping, every field)
 * in one scan of conversation_metrics (GROUPING SETS over the same
 * catalogue aggregates as summarySql, a conversation read once for every
 * grouping), keeping only `fields`. Each row says its `dimension` ('' for
 * the total) and its group in `key`.
 *
 * @example
 *   const rows = await summaryBySets(db, ['channel', 'team'], f, ['fcr_rate']);
 *   // [{ dimension: '', key: null, fcr_rate: 0.74 }, { dimension: 'channel', key: 'email', fcr_rate: 0.79 }, ...]
 */
export async function summaryBySets(db: Warehouse, dims: readonly Dimension[], f: Filters, fields: readonly string[]): Promise<Row[]> {
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const additive = unique.filter(dailyField);
  const queries = await Promise.all([null, ...dims].map((d) => dailyQuery(db, f, d, additive)));
  if (!queries.every((q) => q !== undefined)) return summaryScanBySets(db, dims, f, unique);
  const quantiles = unique.filter((x) => !dailyField(x));
  const [daily, computed] = await Promise.all([
    Promise.all(queries.map((q) => cachedAll(db, q!.sql, q!.params))),
    quantiles.length ? summaryScanBySets(db, dims, f, quantiles) : [],
  ]);
  const name = (dimension: string, key: unknown) => `${dimension}\u0000${key === null || key === undefined ? '\u0000' : String(key)}`;
  const byKey = new Map(computed.map((r) => [name(String(r['dimension']), r['key']), r]));
  return daily.flatMap((rows, i) => {
    const dimension = i === 0 ? '' : dims[i - 1]!;
    return rows
      .map((r) => {
        const key = i === 0 ? null : r['key'];
        return { dimension, key, ...fieldsOf({ ...r, ...fieldsOf(byKey.get(name(dimension, key)) ?? {}, quantiles) }, unique) };
      })
      .sort(byGroupKey);
  });
}

/**
 * Rows of one grouping in the order of their keys (null last, as DuckDB
 * orders them): a grouped
 * read comes back in no fixed order, and a page that sorts the groups by a
 * figure (and cuts them at 20) must break ties the same way on every request.
 */
function byGroupKey(a: Row, b: Row): number {
  const x = a['key'] === null || a['key'] === undefined ? null : String(a['key']);
  const y = b['key'] === null || b['key'] === undefined ? null : String(b['key']);
  if (x === y) return 0;
  if (x === null) return 1;
  if (y === null) return -1;
  return x < y ? -1 : 1;
}

/** {@link summaryBySets} over conversation_metrics alone: one scan, GROUPING SETS of the total and each of `dims`. */
function summaryScanBySets(db: Warehouse, dims: readonly Dimension[], f: Filters, fields: readonly string[]): Promise<Row[]> {
  const where = filterWhere(f);
  const cols = dims.map((d) => DIMENSIONS[d]);
  const label = `case ${cols.map((c, i) => `when grouping(${c}) = 0 then '${dims[i]}'`).join(' ')} else '' end`;
  const key = `coalesce(${cols.map((c) => `case when grouping(${c}) = 0 then ${c}::varchar end`).join(', ')})`;
  const sets = ['()', ...cols.map((c) => `(${c})`)].join(', ');
  const sql = `select dimension, key, ${fields.join(', ')} from (
    select ${label} as dimension, ${key} as key, ${summaryAggregates(fields).join(', ')}
    from ${summarySource(dims, fields)} where ${where.sql}
    group by grouping sets (${sets})
  ) order by dimension, key`;
  return cachedAll(db, sql, where.params);
}

/**
 * The summary of two adjacent date ranges (a period and the one before it)
 * in one scan, as rows `{ period: 'now' | 'before', ...fields }`. `now` and
 * `before` carry the same group filters; only their dates differ. The
 * period before holds only `beforeFields` (what a change against it needs;
 * the other fields are null): from the per-day mart, each field left out is
 * a column it does not read.
 *
 * @example
 *   const [now, before] = await summaryOfPeriods(db, f, previousPeriod(f), ['fcr_rate', 'fcr_rate_base'], ['fcr_rate']);
 */
export async function summaryOfPeriods(db: Warehouse, now: Filters, before: Filters, fields: readonly string[], beforeFields: readonly string[] = fields): Promise<[Row, Row]> {
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const earlier = unique.filter((x) => beforeFields.includes(x));
  const [x, y] = await periodRows(db, now, before, unique, earlier);
  return [
    { period: 'now', ...fieldsOf(x, unique) },
    { period: 'before', ...fieldsOf(fieldsOf(y, earlier), unique) },
  ];
}

/** The rows of {@link summaryOfPeriods}: `now` with at least `fields`, `before` with at least `earlier` (a subset of them). */
async function periodRows(db: Warehouse, now: Filters, before: Filters, fields: readonly string[], earlier: readonly string[]): Promise<[Row, Row]> {
  const additive = fields.filter(dailyField);
  const additiveBefore = earlier.filter(dailyField);
  const [a, b] = await Promise.all([dailyQuery(db, now, null, additive), additiveBefore.length ? dailyQuery(db, before, null, additiveBefore) : null]);
  if (a && b !== undefined) {
    const quantiles = fields.filter((x) => !dailyField(x));
    const [[x, y], q] = await Promise.all([
      b ? dailyPeriods(db, now, before, additive, a, b) : cachedAll(db, a.sql, a.params).then(([r]): [Row, Row] => [r ?? {}, {}]),
      quantiles.length ? periodRows(db, now, before, quantiles, quantiles) : [{}, {}],
    ]);
    return [
      { ...x, ...q[0] },
      { ...y, ...q[1] },
    ];
  }
  const groups = filterWhere(now, { dates: false, start: 4 });
  const sql = `select period, ${fields.join(', ')} from (
    select case when created_at >= $2::date then 'now' else 'before' end as period, ${summaryAggregates(fields).join(', ')}
    from ${summarySource([], fields)}
    where created_at >= $1::date and created_at < $3::date + 1 and ${groups.sql}
    group by 1
  )`;
  const rows = await cachedAll(db, sql, [before.from, now.from, now.to, ...groups.params]);
  // A period without conversations has no group: its row (counts 0, the rest null) comes from summarySql.
  const empty = async (f: Filters) => (await summary(db, [], filterWhere(f), fields))[0] ?? {};
  return Promise.all([rows.find((r) => r['period'] === 'now') ?? empty(now), rows.find((r) => r['period'] === 'before') ?? empty(before)]);
}

/**
 * The per-day mart's rows of two adjacent periods (`now`'s fields, `before`'s
 * a subset of them), from one scan of metric_daily split at `now.from`
 * (its cost is the columns read over the whole mart, not the days kept); a
 * period without days in the mart gets its own query (`alone`: `now`'s and
 * `before`'s), which gives its empty row.
 */
async function dailyPeriods(db: Warehouse, now: Filters, before: Filters, fields: readonly string[], ...alone: { sql: string; params: unknown[] }[]): Promise<[Row, Row]> {
  const both = await dailyQuery(db, { ...now, from: before.from }, null, fields, { split: now.from });
  const rows = both ? await cachedAll(db, both.sql, both.params) : [];
  const of = async (period: string, i: number): Promise<Row> => {
    const { key: _key, ...r } = rows.find((x) => x['key'] === period) ?? (await cachedAll(db, alone[i]!.sql, alone[i]!.params))[0] ?? {};
    return r;
  };
  return Promise.all([of('now', 0), of('before', 1)]);
}

/**
 * The summary over `f` grouped by `dim` (none: one row), with `fields`: from
 * the per-day marts when they keep the view, else what `summary(db, dim ?
 * [dim] : [], filterWhere(f), fields)` gives over conversation_metrics.
 *
 * @example
 *   await rangeSummary(db, 'resolution_type', f, ['cost_per_resolution']); // [{ resolution_type: 'bot', cost_per_resolution: 0.61 }, ...]
 */
export async function rangeSummary(db: Warehouse, dim: Dimension | null, f: Filters, fields: readonly string[]): Promise<Row[]> {
  const unique = [...new Set(fields)].filter((x) => /^[a-z_0-9]+$/.test(x));
  const rows = await dailyRows(db, f, dim, unique);
  if (!rows) return summary(db, dim ? [dim] : [], filterWhere(f), unique);
  // summarySql orders its groups by the dimension (nulls last)
  const sorted = dim
    ? [...rows].sort((x, y) => (x['key'] === null ? 1 : y['key'] === null ? -1 : String(x['key']) < String(y['key']) ? -1 : String(x['key']) > String(y['key']) ? 1 : 0))
    : rows;
  return sorted.map((r) => (dim ? { [dim]: r['key'], ...fieldsOf(r, unique) } : fieldsOf(r, unique)));
}

const fieldsOf = (r: Row, fields: readonly string[]): Row => Object.fromEntries(fields.map((x) => [x, r[x] ?? null]));

/** The columns of conversation_metrics that the filters compare, by filter. */
const FILTER_COLUMNS = { channel: 'channel', intent: 'intent', team: 'team', agent: 'owner_agent' } as const;

/**
 * The per-day mart's query of the additive `fields` over `f` grouped by `by`
 * (a dimension, `month`, none), or undefined when it does not keep that
 * view: a narrowing or month filter, more than one of channel, intent, team
 * and agent, a grouping the mart does not hold, a field that is no sum of
 * days, or no mart built.
 */
async function dailyQuery(
  db: Warehouse,
  f: Filters,
  by: Dimension | 'month' | null,
  fields: readonly string[],
  extra: Pick<DailyQuery, 'month' | 'params' | 'split'> = {},
): Promise<{ sql: string; params: unknown[] } | undefined> {
  const filtered = (Object.keys(FILTER_COLUMNS) as (keyof typeof FILTER_COLUMNS)[]).filter((k) => f[k] !== undefined);
  if (f.month || narrowed(f) || filtered.length > 1 || fields.length === 0 || !fields.every(dailyField)) return undefined;
  const byColumn = by === null || by === 'month' ? undefined : (DIMENSIONS[by] as string);
  if (byColumn !== undefined && !(DAILY_COLUMNS as readonly string[]).includes(byColumn)) return undefined;
  const filter: Partial<Record<DailyColumn, string>> = Object.fromEntries(filtered.map((k) => [FILTER_COLUMNS[k], f[k]!]));
  const grouping = [...(Object.keys(filter) as DailyColumn[]), ...(byColumn ? [byColumn as DailyColumn] : [])];
  if (dailyGrouping(grouping) === undefined || !(await martsBuilt(db, ...DAILY_MARTS))) return undefined;
  return dailySummarySql({ from: f.from, to: f.to, grouping, filter, ...(by ? { by: (byColumn ?? 'month') as DailyColumn | 'month' } : {}), fields, ...extra });
}

/**
 * The summary over `f` grouped by `by`, each group's as `key`: the additive
 * fields from the per-day mart, the medians and p90s over the
 * conversations (summarySql); undefined when the mart does not keep the view.
 */
async function dailyRows(db: Warehouse, f: Filters, by: Dimension | null, fields: readonly string[]): Promise<Row[] | undefined> {
  const q = await dailyQuery(db, f, by, fields.filter(dailyField));
  if (!q) return undefined;
  const quantiles = fields.filter((x) => !dailyField(x));
  const [rows, computed] = await Promise.all([cachedAll(db, q.sql, q.params), quantiles.length ? summary(db, by ? [by] : [], filterWhere(f), quantiles) : []]);
  if (!quantiles.length) return rows;
  const name = (v: unknown) => (v === null || v === undefined ? '\u0000' : String(v));
  const byKey = new Map(computed.map((r) => [by ? name(r[by]) : '\u0000', r]));
  return rows.map((r) => ({ ...r, ...fieldsOf(byKey.get(name(r['key'])) ?? {}, quantiles) }));
}
