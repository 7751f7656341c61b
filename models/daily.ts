/**
 * The per-day mart, for the summary of any date range without aggregating
 * its conversations: `metric_daily` keeps, per day (UTC, as the dashboard's
 * filters compare created_at) and month (a month's rows can be rebuilt
 * alone, as metric_summary's are), for each grouping of
 * {@link DAILY_GROUPINGS}, the additive parts of every summary field (counts,
 * sums, a rate's numerator and base, a mean's sum and count). A range's
 * figures are sums over its days: the summary's (models/summary.ts) over the
 * same conversations; a mean of values that are not whole numbers, and a
 * ratio of sums of such values (cost), may differ in its last bits (the order
 * of a floating-point sum: DuckDB's own avg sums in an order that varies with
 * its threads). Medians and p90s are not additive: they are not here.
 *
 * @example
 *   await db.run(metricDailyMartSql());
 *   const q = dailySummarySql({ from: '2026-10-01', to: '2026-10-30', grouping: ['channel'], filter: { channel: 'email' }, fields: ['fcr_rate'] });
 *   await db.all(q.sql, q.params); // [{ key: null, fcr_rate: 0.74 }]
 */
import type { Warehouse } from '../warehouse/connection.js';
import { DAILY_COLUMNS, DAILY_GROUPINGS, SUMMARY_PARTS, SUMMARY_SOURCE, groupingIdOf, sumOfPart, type DailyColumn, type SummaryPart } from './summary.js';

/** The per-day marts a build makes (besides metric_summary). */
export const DAILY_MARTS = ['metric_daily'] as const;

/** The groupings of `metric_daily` and their columns: defined beside the summary's, which metric_summary sums from these rows. */
export { DAILY_COLUMNS, DAILY_GROUPINGS, type DailyColumn } from './summary.js';

/** The summary fields by name, each with its parts: metric_daily keeps every part (exact or not: a range's sums of days are what the dashboard reads). */
const FIELDS = new Map(SUMMARY_PARTS.fields.map((f) => [f.field, f]));

/** Whether `field` is a summary field metric_daily answers (every one but the medians and p90s). */
export function dailyField(field: string): boolean {
  return FIELDS.has(field);
}

const label = (g: readonly string[]) => g.join(',');
const sameGrouping = (a: readonly string[], b: readonly string[]) => label([...a].sort()) === label([...b].sort());

/** The grouping of {@link DAILY_GROUPINGS} with exactly these columns, as its label; undefined when there is none. */
export function dailyGrouping(columns: readonly DailyColumn[]): string | undefined {
  const unique = [...new Set(columns)];
  const g = DAILY_GROUPINGS.find((x) => sameGrouping(x, unique));
  return g ? label(g) : undefined;
}

/** The per-day rows of `groupings` over the conversations `where` keeps: grouping sets over `from`, labelled by their columns. */
function groupedRows(groupings: readonly (readonly DailyColumn[])[], from: string, select: string[], where: string): string {
  const used = DAILY_COLUMNS.filter((c) => groupings.some((g) => g.includes(c)));
  const grouping = `case grouping_id(${used.join(', ')}) ${groupings.map((g) => `when ${groupingIdOf(used, g)} then '${label(g)}'`).join(' ')} end`;
  const keys = ['month', 'day'];
  const sets = groupings.map((g) => `(${[...keys, ...g].join(', ')})`).join(', ');
  return `select ${grouping} as grouping, ${keys.join(', ')}, ${DAILY_COLUMNS.map((c) => (used.includes(c) ? c : `null::varchar as ${c}`)).join(', ')}, ${select.join(', ')}
    from ${from}${where ? ` where ${where}` : ''}
    group by grouping sets (${sets})`;
}

/** The UTC day, the one the dashboard's filters compare (its connections' TimeZone is UTC), whatever the session's time zone. */
const DAY = "timezone('UTC', created_at)::date";

/**
 * The groupings aggregated from the conversations; each of the others is
 * summed from the first of these that holds its columns (a count's and a
 * sum's parts add up), which halves the build's work: each grouping set
 * computes every part over every conversation.
 */
const AGGREGATED: readonly (readonly DailyColumn[])[] = DAILY_GROUPINGS.filter((g) => !DAILY_GROUPINGS.some((h) => h.length > g.length && g.every((c) => h.includes(c))));

/**
 * A part as the mart stores it: an exact part (a count, a sum of counts) as a
 * BIGINT. DuckDB's `sum` of integers is a HUGEINT, and a HUGEINT column costs
 * about 0.7 µs a value to read (bit-packed 128-bit integers): the cold date
 * ranges that sum a grouping's days spent most of their time decoding them
 * (80–200 CPU ms of a 42-day range at 11M messages, against 5–7 ms as BIGINT).
 * A day's count of conversations cannot overflow 64 bits.
 */
const stored = (p: SummaryPart, sql: string) => (p.exact ? `(${sql})::bigint` : sql);

/** The rows of `metric_daily` over the conversations `where` keeps (an incremental build: the months it touched). */
export function metricDailyRowsSql(where = ''): string {
  const base = groupedRows(
    AGGREGATED,
    `(select *, ${DAY} as day from ${SUMMARY_SOURCE})`,
    SUMMARY_PARTS.parts.map((p) => `${stored(p, p.build)} as ${p.column}`),
    where,
  );
  const summed = DAILY_GROUPINGS.filter((g) => !AGGREGATED.includes(g)).map((g) => {
    const from = AGGREGATED.find((h) => g.every((c) => h.includes(c)))!;
    const columns = DAILY_COLUMNS.map((c) => (g.includes(c) ? c : `null::varchar as ${c}`));
    return `select '${label(g)}' as grouping, month, day, ${columns.join(', ')}, ${SUMMARY_PARTS.parts.map((p) => `${stored(p, `sum(${p.column})`)} as ${p.column}`).join(', ')}
    from _base where grouping = '${label(from)}' group by all`;
  });
  return `with _base as materialized (${base})
  select * from _base${summed.map((x) => `\n  union all by name ${x}`).join('')}`;
}

/** SQL creating `metric_daily`, ordered so that a range's rows of a grouping lie together. */
export function metricDailyMartSql(): string {
  return `create or replace table metric_daily as select * from (${metricDailyRowsSql()}) order by grouping, day`;
}

/** Statements recomputing the rows of `metric_daily` of the months that `months` (a table with a `month` column) holds. */
export function metricDailyRefreshSql(months: string): string {
  const where = `month in (select month from ${months})`;
  return `delete from metric_daily where ${where};
insert into metric_daily by name ${metricDailyRowsSql(where)}`;
}

/** The rows of a row group, the part of a table that one DuckDB thread scans. */
export const ROW_GROUP_ROWS = 122_880;

/**
 * The DuckDB threads for metric_daily's statements over `conversations`
 * rows, with `threads` configured: no more than the row groups the scan of
 * the conversations has. With fewer row groups than threads the scan cannot
 * be shared out, and a second thread only splits the grouping sets' hash
 * tables, whose 60-odd sums a row (some 30,000 groups at 1M messages) are
 * then merged again: metric_daily cost 1.5–1.9 times the CPU time with two
 * threads, in no less wall time (100,000 conversations, one row group).
 */
export function dailyThreads(conversations: number, threads: number): number {
  return Math.max(1, Math.min(threads, Math.ceil(conversations / ROW_GROUP_ROWS)));
}

/**
 * Runs `fn` (metric_daily's statements over the conversations of table
 * `conversations`) with {@link dailyThreads} DuckDB threads, then sets the
 * configured number back. The setting is the database's: the server's
 * reader connections share it meanwhile (a fraction of a second; only when
 * the conversations fit in fewer row groups than there are threads).
 */
export async function withDailyThreads<T>(db: Warehouse, conversations: string, fn: () => Promise<T>): Promise<T> {
  const now = await db.one<{ rows: number | bigint; threads: number | bigint }>(
    `select (select count(*) from ${conversations}) as rows, current_setting('threads')::bigint as threads`,
  );
  const configured = Number(now!.threads);
  const wanted = dailyThreads(Number(now!.rows), configured);
  if (wanted === configured) return fn();
  await db.run(`set threads = ${wanted}`);
  try {
    return await fn();
  } finally {
    await db.run(`set threads = ${configured}`);
  }
}

export interface DailyQuery {
  /** First and last day of the range (YYYY-MM-DD, UTC days). */
  from: string;
  to: string;
  /** The grouping's columns: those filtered and the one grouped by. */
  grouping: readonly DailyColumn[];
  /** Values of the grouping's filtered columns. */
  filter: Partial<Record<DailyColumn, string>>;
  /** The column whose groups are the rows (`month`, or one of the grouping), as `key`; none: one row. */
  by?: DailyColumn | 'month';
  /**
   * A day after `from`: the rows are then two periods, keyed 'before' (the days before it) and 'now' (from it on),
   * each holding what the query of its days alone gives (a period without days in the mart has no row).
   * Two adjacent ranges read in one scan of the mart instead of two.
   */
  split?: string;
  /** A condition on `month` the rows must meet besides. */
  month?: string;
  /** Fields {@link dailyField} answers. */
  fields: readonly string[];
  /** Parameters bound before this query's (its placeholders are numbered after them). */
  params?: readonly unknown[];
}

/**
 * SQL of the summary fields `fields` over the days from … to of the
 * grouping (its filtered columns at their values), one row per `by` group
 * (as `key`; without `by` one row, counts 0 and the rest null when no
 * conversation is in it), as summarySql gives them over conversation_metrics.
 * The grouping must be one of DAILY_GROUPINGS ({@link dailyGrouping}).
 */
export function dailySummarySql(q: DailyQuery): { sql: string; params: unknown[] } {
  const params = [...(q.params ?? [])];
  const bind = (v: unknown) => `$${params.push(v)}`;
  const grouping = dailyGrouping(q.grouping);
  if (grouping === undefined) throw new Error(`metric_daily has no grouping by ${q.grouping.join(', ') || 'nothing'}`);
  const conditions = [`grouping = '${grouping}'`, `day between ${bind(q.from)}::date and ${bind(q.to)}::date`, ...Object.entries(q.filter).map(([c, v]) => `${c} = ${bind(v)}`)];
  if (q.month) conditions.push(q.month);
  const key = q.split ? `case when day >= ${bind(q.split)}::date then 'now' else 'before' end` : q.by;
  const select = [key ? `${key} as key` : 'null::varchar as key', ...q.fields.map((f) => `${FIELDS.get(f)!.read(sumOfPart)} as ${f}`)];
  return { sql: `select ${select.join(', ')} from metric_daily where ${conditions.join(' and ')}${key ? ' group by 1' : ''}`, params };
}
