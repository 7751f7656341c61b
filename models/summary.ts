/**
 * The summary of every rate and duration over groups of conversations,
 * generated from the catalogue so that each aggregate is written once.
 *
 * Field names: a total or rate under its metric name; `<rate>_base` its
 * denominator; `<duration>_median`, `_p90`, `_mean`; `<value>_mean`. A
 * statistic over fewer than MIN_GROUP_SIZE values is null (its count stays).
 *
 * @example
 *   await db.all(summarySql(['month', 'channel']));
 *   // [{ month: '2026-10', channel: 'email', conversations: 812, fcr_rate: 0.71, fcr_rate_base: 640, ... }]
 */
import { CATALOGUE, MIN_GROUP_SIZE, type Headline, type Metric, type Summary } from './catalogue.js';

/**
 * The dimensions a summary can be grouped by that are columns of
 * conversation_metrics, and those columns. `team` is the owner team (spec v2:
 * "the `team` of every grouping").
 */
export const DIMENSIONS = {
  month: 'month',
  channel: 'channel',
  intent: 'intent',
  team: 'owner_team',
  agent: 'owner_agent',
  source: 'source',
  /** `bot` (no human reply) or `people`: conversation_costs. */
  resolution_type: 'resolution_type',
  priority: 'priority',
  segment: 'customer_segment',
  account: 'customer_account',
  sla_policy: 'sla_policy',
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export function isDimension(name: string): name is Dimension {
  return Object.hasOwn(DIMENSIONS, name);
}

/**
 * The groupings besides {@link DIMENSIONS}: `tag` (a conversation counts once
 * in the group of each of its tags; one without tags in the group of none,
 * null) and `reply_agent` (over reply_metrics: reply times and next-response
 * SLA attainment credited to the agent who replied, {@link replySummarySql}).
 * A configured custom dimension (`dimensions:` in the configuration) groups by
 * the metadata value of that key as text.
 */
export const TAG = 'tag';
export const REPLY_AGENT = 'reply_agent';
/** A dimension, `tag`, `reply_agent`, or a configured custom dimension's name. */
export type Grouping = Dimension | typeof TAG | typeof REPLY_AGENT | (string & {});

/** The groupings `parley metrics summary --by` takes, given the configured custom dimensions. */
export function groupingNames(custom: readonly string[] = []): string[] {
  return [...Object.keys(DIMENSIONS), TAG, REPLY_AGENT, ...custom];
}

/** The SQL expression of a grouping over conversation_metrics (a custom dimension: its metadata value as text). */
export function groupingExpression(g: Grouping): string {
  if (isDimension(g)) return DIMENSIONS[g];
  if (g === TAG) return '_tags.tag';
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(g)) throw new Error(`"${g}" is not a grouping: use ${groupingNames().join(', ')} or a configured dimension`);
  return `json_extract_string(metadata, '$.${g}')`;
}

/** The from clause over conversation_metrics for `groupings` (with `tag`: one row per conversation and distinct tag). */
function groupingFrom(groupings: readonly Grouping[], table = 'conversation_metrics'): string {
  return groupings.includes(TAG) ? `${table}, unnest(case when len(tags) > 0 then list_distinct(tags) else [null::varchar] end) as _tags(tag)` : table;
}

/** What a summary field holds besides the metric itself: a duration's median, p90, mean; a value's mean; a rate's base. */
export type Stat = 'median' | 'p90' | 'mean' | 'base';

/** The fields of each kind of summary, as statistics (null: the field named after the metric). */
const STATS: Record<Summary['kind'], readonly (Stat | null)[]> = {
  total: [null],
  rate: [null, 'base'],
  ratio: [null, 'base'],
  distribution: ['median', 'p90', 'mean'],
  mean: ['mean'],
};

/**
 * What the summary aggregates over: conversation_metrics with each
 * conversation's cost (conversation_costs: cost_per_resolution, resolution_type).
 */
export const SUMMARY_SOURCE = 'conversation_metrics left join conversation_costs using (source, conversation_id)';

/**
 * What a summary of `fields` grouped by `groupings` reads: {@link SUMMARY_SOURCE}
 * when a field or grouping needs a conversation's cost, else
 * conversation_metrics alone (the same rows: one cost row per conversation;
 * the join costs a hash join over every conversation, most of a small summary's time).
 */
export function summarySource(groupings: readonly Grouping[], fields?: readonly string[]): string {
  const costs = groupings.includes('resolution_type') || summaryAggregates(fields).some((a) => /\b(cost|resolved_for_cost)\b/.test(a));
  return costs ? SUMMARY_SOURCE : 'conversation_metrics';
}

const fieldName = (m: Metric, stat: Stat | null) => (stat ? `${m.name}_${stat}` : m.name);

/**
 * A metric's fields in the summary, the one that stands for the metric first
 * (a duration's median); none for a metric the summary does not hold.
 *
 * @example
 *   summaryFields(metric('fcr_rate'));         // ['fcr_rate', 'fcr_rate_base']
 *   summaryFields(metric('first_response_s')); // ['first_response_s_median', 'first_response_s_p90', 'first_response_s_mean']
 */
export function summaryFields(m: Metric): string[] {
  return m.summary ? STATS[m.summary.kind].map((stat) => fieldName(m, stat)) : [];
}

export interface FieldMetric {
  metric: Metric;
  /** The statistic, for a field named `<metric>_<stat>`; a rate's `base` is a count. */
  stat?: Stat;
}

const byName = new Map(CATALOGUE.map((m) => [m.name, m]));
const STAT_SUFFIX = /^(.*)_(median|p90|mean|base)$/;

/**
 * The catalogue metric a column reports: a metric's name, or a name with a
 * statistic's suffix (a summary field); undefined for anything else.
 *
 * @example
 *   fieldMetric('fcr_rate');             // { metric: fcr_rate }
 *   fieldMetric('first_response_s_p90'); // { metric: first_response_s, stat: 'p90' }
 *   fieldMetric('team');                 // undefined
 */
export function fieldMetric(column: string): FieldMetric | undefined {
  const exact = byName.get(column);
  if (exact) return { metric: exact };
  const m = STAT_SUFFIX.exec(column);
  const base = m ? byName.get(m[1]!) : undefined;
  return base && m ? { metric: base, stat: m[2] as Stat } : undefined;
}

/** A headline figure of the catalogue with the summary field it shows. */
export interface HeadlineFigure extends Headline {
  metric: Metric;
  field: string;
}

/**
 * The headline figures, in catalogue order: the overview's tiles, the
 * columns of `parley metrics summary --format table`, the figures the
 * notebooks' month in brief looks at.
 *
 * @example
 *   HEADLINES[0]; // { metric: conversations, field: 'conversations', label: 'Volume' }
 */
export const HEADLINES: readonly HeadlineFigure[] = CATALOGUE.flatMap((m) => (m.headline ? [{ metric: m, field: summaryFields(m)[0]!, ...m.headline }] : []));

/** The summary fields of the headline figures: ['conversations', 'first_response_s_median', …]. */
export const HEADLINE_FIELDS: readonly string[] = HEADLINES.map((h) => h.field);

/** `value` when the group holds at least MIN_GROUP_SIZE values (`n`), else null: the summary's rule for a rate or mean. */
export const enough = (n: string, value: string) => `case when ${n} >= ${MIN_GROUP_SIZE} then ${value} end`;

/**
 * The aggregate select list, one line per output field; with `fields`, only
 * the aggregates that produce those fields (a quantile not asked for is not computed).
 */
export function summaryAggregates(fields?: readonly string[]): string[] {
  const all = allAggregates();
  const wanted = fields && new Set(fields);
  const asked = (field: string) => !wanted || wanted.has(field);
  return all
    .filter((a) => asked(a.field))
    .map((a) => {
      // a duration's median and p90 asked together: one exact quantile_cont list, whose state holds the values once
      // (DuckDB computes an aggregate written twice in one select once; the list's elements are the single quantiles)
      if ((a.stat === 'median' || a.stat === 'p90') && asked(`${a.metric.name}_median`) && asked(`${a.metric.name}_p90`)) {
        const col = a.metric.column ?? a.metric.name;
        return `${enough(`count(${col})`, `quantile_cont(${col}, [0.5, 0.9])[${a.stat === 'median' ? 1 : 2}]`)} as ${a.field}`;
      }
      return `${a.sql} as ${a.field}`;
    });
}

function allAggregates(): { field: string; sql: string; metric: Metric; stat: Stat | null }[] {
  return CATALOGUE.flatMap((m) => {
    const s = m.summary;
    return s ? STATS[s.kind].map((stat) => ({ field: fieldName(m, stat), sql: aggregate(m, s, stat), metric: m, stat })) : [];
  });
}

/** The aggregate expression of one summary field. */
function aggregate(m: Metric, s: Summary, stat: Stat | null): string {
  const col = m.column ?? m.name;
  switch (s.kind) {
    case 'total':
      return s.sql;
    case 'rate': {
      const base = `count(*) filter (where ${s.denominator})`;
      return stat === 'base' ? base : enough(base, `(count(*) filter (where (${s.denominator}) and (${s.numerator})))::double / ${base}`);
    }
    case 'ratio': {
      const base = `coalesce(sum(${s.denominator}), 0)`;
      return stat === 'base' ? base : enough(base, `sum(${s.numerator})::double / ${base}`);
    }
    case 'distribution': {
      const value = stat === 'mean' ? `avg(${col})` : `quantile_cont(${col}, ${stat === 'p90' ? 0.9 : 0.5})`;
      return enough(`count(${col})`, value);
    }
    case 'mean':
      return enough(`count(${col})`, `avg(${col})`);
  }
}

/**
 * SQL for the summary grouped by `dims` (none: one row for everything);
 * `fields` limits the aggregates. With `reply_agent` among `dims`, the
 * summary of replies instead ({@link replySummarySql}).
 */
export function summarySql(dims: readonly Grouping[], where = '', fields?: readonly string[]): string {
  if (dims.includes(REPLY_AGENT)) return replySummarySql(dims, where, fields);
  const keys = dims.map((d) => (groupingExpression(d) === d ? d : `${groupingExpression(d)} as ${d}`));
  const select = [...keys, ...summaryAggregates(fields)].join(',\n  ');
  const cols = dims.map(groupingExpression);
  const group = dims.length ? `\ngroup by ${cols.join(', ')}\norder by ${cols.join(', ')}` : '';
  return `select\n  ${select}\nfrom ${groupingFrom(dims, summarySource(dims, fields))}${where ? `\nwhere ${where}` : ''}${group}`;
}

/** The fields of the reply summary: reply times by the agent who replied, and next-response SLA attainment over their turns. */
export const REPLY_SUMMARY_FIELDS = [
  'reply_time_s_median',
  'reply_time_s_p90',
  'reply_time_s_mean',
  'business_reply_time_s_median',
  'business_reply_time_s_p90',
  'business_reply_time_s_mean',
  'sla_next_response_rate',
  'sla_next_response_rate_base',
] as const;

/**
 * The summary over reply_metrics (spec v2 "Reply-level mart"), grouped by
 * `reply_agent` and any other groupings (of the turn's conversation): median,
 * p90 and mean of each reply's reply_time_s and business_reply_time_s, and
 * sla_next_response_rate over the turns after the first (met ÷ measured);
 * `where` is a condition on conversation_metrics (alias-free columns).
 *
 * @example
 *   await db.all(summarySql(['reply_agent']));
 *   // [{ reply_agent: 'a1', reply_time_s_median: 240, ..., sla_next_response_rate: 0.9, sla_next_response_rate_base: 31 }]
 */
export function replySummarySql(dims: readonly Grouping[], where = '', fields?: readonly string[]): string {
  const exprs = dims.map((d) => (d === REPLY_AGENT ? 'r.reply_agent' : isDimension(d) ? `c.${DIMENSIONS[d]}` : groupingExpression(d).replace('(metadata,', '(c.metadata,')));
  const keys = dims.map((d, i) => `${exprs[i]} as ${d}`);
  const measured = `(not r.first_turn and r.sla_met is not null)`;
  const all: Record<(typeof REPLY_SUMMARY_FIELDS)[number], string> = {
    reply_time_s_median: enough('count(r.reply_time_s)', 'quantile_cont(r.reply_time_s, 0.5)'),
    reply_time_s_p90: enough('count(r.reply_time_s)', 'quantile_cont(r.reply_time_s, 0.9)'),
    reply_time_s_mean: enough('count(r.reply_time_s)', 'avg(r.reply_time_s)'),
    business_reply_time_s_median: enough('count(r.business_reply_time_s)', 'quantile_cont(r.business_reply_time_s, 0.5)'),
    business_reply_time_s_p90: enough('count(r.business_reply_time_s)', 'quantile_cont(r.business_reply_time_s, 0.9)'),
    business_reply_time_s_mean: enough('count(r.business_reply_time_s)', 'avg(r.business_reply_time_s)'),
    sla_next_response_rate: enough(`count(*) filter (where ${measured})`, `(count(*) filter (where ${measured} and r.sla_met))::double / count(*) filter (where ${measured})`),
    sla_next_response_rate_base: `count(*) filter (where ${measured})`,
  };
  const wanted = REPLY_SUMMARY_FIELDS.filter((f) => !fields || fields.includes(f));
  const select = [...keys, ...wanted.map((f) => `${all[f]} as ${f}`)].join(',\n  ');
  const from = dims.includes(TAG)
    ? `reply_metrics r\njoin conversation_metrics c using (source, conversation_id), unnest(case when len(c.tags) > 0 then list_distinct(c.tags) else [null::varchar] end) as _tags(tag)`
    : 'reply_metrics r\njoin conversation_metrics c using (source, conversation_id)';
  // the replies that were given: a turn without a human reply has no reply agent to credit
  const conditions = ['r.replied_at is not null', ...(where ? [`(${where})`] : [])];
  // no dimension: one row over every reply of `where` (an agent's team on the scorecard)
  const group = exprs.length ? `\ngroup by ${exprs.join(', ')}\norder by ${exprs.join(', ')}` : '';
  return `select\n  ${select}\nfrom ${from}\nwhere ${conditions.join(' and ')}${group}`;
}

/**
 * The grouping sets materialised as the `metric_summary` mart. The other
 * groupings (priority, segment, account, tag, the custom dimensions,
 * reply_agent, and pairs) are computed when asked for (summarySql): each
 * grouping here costs the build, full and incremental, a scan with every
 * quantile.
 */
export const SUMMARY_GROUPINGS: readonly (readonly (Dimension | typeof TAG)[])[] = [
  [],
  ['month'],
  ['month', 'channel'],
  ['month', 'intent'],
  ['month', 'team'],
  ['month', 'agent'],
  ['month', 'resolution_type'],
  ['month', 'channel', 'resolution_type'],
  ['channel'],
  ['intent'],
  ['team'],
  ['agent'],
  ['sla_policy'],
  ['month', 'sla_policy'],
];

/** The columns of conversation_metrics (and resolution_type of conversation_costs) a per-day row can be grouped by. */
export const DAILY_COLUMNS = ['channel', 'intent', 'team', 'owner_team', 'owner_agent', 'sla_policy', 'resolution_type'] as const;
export type DailyColumn = (typeof DAILY_COLUMNS)[number];

/**
 * The groupings of `metric_daily` (besides month and day): what the range
 * pages ask for with at most one of channel, intent, team (the filter's
 * column) and agent filtered: the total, each breakdown of the metric and SLA
 * pages, and the cost by resolution type under each filter. Each grouping
 * of {@link SUMMARY_GROUPINGS} is one of these (its team and agent the
 * owner's), with or without the month: metric_summary sums its exact fields
 * from these rows ({@link metricSummaryInsertSql}).
 */
export const DAILY_GROUPINGS: readonly (readonly DailyColumn[])[] = [
  [],
  ['channel'],
  ['intent'],
  ['team'],
  ['owner_team'],
  ['owner_agent'],
  ['sla_policy'],
  ['resolution_type'],
  ['channel', 'resolution_type'],
  ['intent', 'resolution_type'],
  ['team', 'resolution_type'],
  ['owner_agent', 'resolution_type'],
];

/**
 * How many groupings one scan of a quantile statement computes
 * ({@link metricSummaryInsertSql}). Each grouping's exact quantiles hold every
 * value of the conversations until the scan ends (an aggregate state DuckDB
 * cannot spill), so the memory of a scan grows with the groupings in it: all
 * 14 in one scan held 14 copies of every duration. Four per scan keep at most
 * four, for about the same CPU time.
 */
export const GROUPINGS_PER_SCAN = 4;

type MartGrouping = readonly (Dimension | typeof TAG)[];

/**
 * SQL creating `metric_summary`: one row per group of each grouping,
 * `grouping` naming its dimensions. The table is made empty with the types of
 * the summary's own aggregates (summarySql's), then filled; its exact fields
 * are sums of `metric_daily`'s rows, which must be built first (models/daily.ts).
 */
export function metricSummaryMartSql(scanned?: readonly string[]): string {
  const dims = martDimensions();
  const columns = [`''::varchar as grouping`, ...dims.map((d) => `null::varchar as ${d}`), ...summaryAggregates()];
  const create = `create or replace table metric_summary as select ${columns.join(', ')} from ${SUMMARY_SOURCE} where false limit 0`;
  return [create, metricSummaryInsertSql(SUMMARY_GROUPINGS, '', 'metric_daily', scanned)].join(';\n');
}

/**
 * The scans of {@link metricSummaryInsertSql} (`groupings` over the
 * conversations `where` keeps), each a query of its own, in the order of its
 * updates: a full build runs them as tables beside other models and passes
 * their names to {@link metricSummaryMartSql}, which then only reads them.
 *
 * Why: at 1M messages the scans were 0.7 s of the summary's 0.76, the last
 * step of a build, with the second connection idle (README, *The summary's
 * scans beside other models*).
 */
export function summaryScanSqls(groupings: readonly MartGrouping[] = SUMMARY_GROUPINGS, where = ''): string[] {
  return scanGroups(groupings).map((gs) => scanSql(gs, where));
}

/** The groupings of each scan: those without `tag`, then those with it, {@link GROUPINGS_PER_SCAN} a scan. */
const scanGroups = (groupings: readonly MartGrouping[]) => tagSplit(groupings).flatMap(scans);

/** The groupings without `tag`, then those with it (one row per conversation and tag), leaving out an empty set. */
const tagSplit = (groupings: readonly MartGrouping[]) => [groupings.filter((g) => !g.includes(TAG)), groupings.filter((g) => g.includes(TAG))].filter((gs) => gs.length > 0);

/** The grouping columns of `metric_summary`: every dimension but `source`, and `tag`. */
function martDimensions(): (Dimension | typeof TAG)[] {
  return [...(Object.keys(DIMENSIONS).filter((d) => d !== 'source') as Dimension[]), TAG];
}

/**
 * Statements adding to `metric_summary` the rows of `groupings` over the
 * conversations `where` keeps (a condition on `month` alone: an incremental
 * build recomputes the months it touched; none: the empty string). Two kinds
 * of statement, so that the conversations need not be scanned once per
 * grouping with every aggregate:
 *
 * - one insert of every grouping's fields that exact parts give
 *   ({@link summaryParts}: counts, rates, means of counts). A grouping that
 *   is a grouping of `metric_daily` with or without the month
 *   ({@link dailySource}: all of {@link SUMMARY_GROUPINGS}) sums those parts
 *   over its days in `daily` (the same integers, added in another order), in
 *   one aggregate over the days' rows of every such grouping: metric_daily
 *   must be built first, over the same conversations. The others (`tag`)
 *   group the conversations once by all the dimensions they use and add
 *   those groups up (grouping sets over the small table);
 * - the other fields (each duration's median, p90 and mean, the means of
 *   scores, the ratios) aggregated over the conversations themselves,
 *   {@link GROUPINGS_PER_SCAN} groupings a scan, written into the inserted
 *   rows by an update.
 *
 * Those with `tag` read one row per conversation and tag (statements of
 * their own). Each grouping's rows are those of summarySql
 * (summary-mart.test.ts).
 */
export function metricSummaryInsertSql(groupings: readonly MartGrouping[], where = '', daily = 'metric_daily', scanned?: readonly string[]): string {
  if (scanned && scanned.length !== scanGroups(groupings).length) throw new Error(`metric_summary has ${scanGroups(groupings).length} scans, not ${scanned.length}`);
  let scan = 0;
  return tagSplit(groupings)
    .flatMap((gs) => {
      const summed = gs.filter((g) => dailySource(g) !== undefined);
      const grouped = gs.filter((g) => dailySource(g) === undefined);
      return [
        ...(summed.length ? [dailyInsertSql(summed, where, daily)] : []),
        ...(grouped.length ? [additiveInsertSql(grouped, where)] : []),
        ...scans(gs).map((chunk) => directUpdateSql(chunk, scanned ? `select * from ${scanned[scan++]!}` : scanSql(chunk, where))),
      ];
    })
    .join(';\n');
}

function scans<T>(groupings: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < groupings.length; i += GROUPINGS_PER_SCAN) out.push(groupings.slice(i, i + GROUPINGS_PER_SCAN));
  return out;
}

/** The dimensions that some grouping of `gs` names, in the mart's column order. */
const usedDimensions = (gs: readonly MartGrouping[]) => martDimensions().filter((d) => gs.some((g) => g.includes(d)));

/** What `grouping_id(used…)` gives for the grouping set `g`: a bit set for each column of `used` that `g` leaves out. */
export function groupingIdOf(used: readonly string[], g: readonly string[]): number {
  return used.reduce((n, d, i) => n + (g.includes(d) ? 0 : 2 ** (used.length - 1 - i)), 0);
}

/**
 * `grouping_id(...)`'s bit per dimension that `g` leaves out, over `used`, and
 * the label of each grouping by it (`''` alone when no dimension is used).
 */
function groupingLabel(gs: readonly MartGrouping[], used: readonly string[], keys: readonly string[]): { id: string[]; label: string } {
  if (used.length === 0) return { id: [], label: `'${gs[0]!.join(',')}'` };
  return { id: [`grouping_id(${keys.join(', ')}) as _id`], label: `case _id ${gs.map((g) => `when ${groupingIdOf(used, g)} then '${g.join(',')}'`).join(' ')} end` };
}

const groupingSets = (gs: readonly MartGrouping[], key: (d: Dimension | typeof TAG) => string) => `grouping sets (${gs.map((g) => `(${g.map(key).join(', ')})`).join(', ')})`;

/**
 * One additive part of the summary's fields: an aggregate over a group of
 * conversations whose sum over groups gives the aggregate over their union
 * (a count, a sum). `exact`: the part adds up to the same value in any order
 * (a count, a sum of counts: integers); a floating-point sum in another order
 * may differ in its last bits (a mean from per-group sums of durations once
 * differed at the 9th digit), so the mart takes only exact parts from sums of
 * parts, and metric_daily keeps every part.
 */
export interface SummaryPart {
  /** Its column (of metric_daily, of the summary's per-group rows). */
  column: string;
  /** The aggregate over the conversations of a group. */
  build: string;
  /** Over no conversations the aggregate is 0 (a count), not null (a sum). */
  zero: boolean;
  exact: boolean;
}

/** A summary field from the sums of its parts over groups (`S(x)`: the sum of part x). */
export interface PartField {
  field: string;
  read: (S: (column: string) => string) => string;
  /** The columns of the parts it reads. */
  parts: string[];
  /** Every part it reads is exact. */
  exact: boolean;
}

/**
 * The additive parts of every summary field, and each field that sums of
 * parts give (all but the medians and p90s): one plan from the catalogue,
 * for metric_summary (its exact fields) and metric_daily (every field).
 *
 * @example
 *   summaryParts().fields.find((f) => f.field === 'fcr_rate')!.read((c) => `sum(${c})`);
 *   // 'case when sum(fcr_rate__den) >= 10 then sum(fcr_rate__num)::double / sum(fcr_rate__den) end'
 */
export function summaryParts(): { parts: SummaryPart[]; fields: PartField[] } {
  const parts: SummaryPart[] = [];
  const fields: PartField[] = [];
  const part = (column: string, build: string, zero: boolean, exact: boolean) => (parts.push({ column, build, zero, exact }), column);
  const field = (name: string, read: PartField['read'], ...columns: string[]) =>
    fields.push({ field: name, read, parts: columns, exact: columns.every((c) => parts.find((p) => p.column === c)!.exact) });
  for (const m of CATALOGUE) {
    const s = m.summary;
    if (!s) continue;
    const n = m.name;
    const [first, second, third] = summaryFields(m);
    switch (s.kind) {
      case 'total': {
        const t = part(`${n}__total`, s.sql, totalOfParts(s.sql), m.unit === 'count');
        field(first!, (S) => S(t), t);
        break;
      }
      case 'rate': {
        const num = part(`${n}__num`, countWhere(`(${s.denominator}) and (${s.numerator})`), true, true);
        const den = part(`${n}__den`, countWhere(s.denominator), true, true);
        field(first!, (S) => enough(S(den), `${S(num)}::double / ${S(den)}`), num, den);
        field(second!, (S) => S(den), den);
        break;
      }
      case 'ratio': {
        // sums of any numbers (money): not exact
        const num = part(`${n}__num`, `sum(${s.numerator})`, false, false);
        const den = part(`${n}__den`, `coalesce(sum(${s.denominator}), 0)`, true, false);
        field(first!, (S) => enough(S(den), `${S(num)}::double / ${S(den)}`), num, den);
        field(second!, (S) => S(den), den);
        break;
      }
      case 'distribution':
      case 'mean': {
        const col = m.column ?? n;
        const count = part(`${n}__n`, `count(${col})`, true, true);
        const sum = part(`${n}__sum`, `sum(${col})`, false, m.unit === 'count');
        // a duration's median and p90 (first, second) are no sums of parts
        field(s.kind === 'mean' ? first! : third!, (S) => enough(S(count), `${S(sum)}::double / ${S(count)}`), count, sum);
        break;
      }
    }
  }
  return { parts, fields };
}

/**
 * The count of a group's conversations that meet `condition`, as a part: what
 * `count(*) filter (where …)` counts, 0 when none does, for about a fifth less
 * of metric_daily's CPU time (a filtered aggregate selects its rows apart for
 * each aggregate; count_if, null when the condition is null for every row,
 * counts in the one pass).
 */
const countWhere = (condition: string) => `coalesce(count_if(${condition}), 0)`;

/**
 * Whether a summary total over no conversations is 0 (a count, a coalesced
 * sum) rather than null (a plain sum), refusing a total that may not add up
 * over groups (`count(distinct …)`, anything but a count or a sum).
 */
function totalOfParts(sql: string): boolean {
  if (!/distinct/i.test(sql)) {
    if (/^count\(/.test(sql) || /^coalesce\(sum\(.*\), 0\)$/.test(sql)) return true;
    if (/^sum\(/.test(sql)) return false;
  }
  throw new Error(`the summary total "${sql}" does not add up over groups: a total is count(…), sum(…) or coalesce(sum(…), 0)`);
}

/** The plan of parts, made once: metric_summary's and metric_daily's (models/daily.ts). */
export const SUMMARY_PARTS = summaryParts();

/** The sum of part `column` over groups: 0 over none for a count. */
export function sumOfPart(column: string): string {
  const p = SUMMARY_PARTS.parts.find((x) => x.column === column);
  if (!p) throw new Error(`no summary part ${column}`);
  return p.zero ? `coalesce(sum(${column}), 0)` : `sum(${column})`;
}

/** The fields of the summary that its exact parts give, and those parts. */
const EXACT_FIELDS = SUMMARY_PARTS.fields.filter((f) => f.exact);
const EXACT = new Set(EXACT_FIELDS.map((f) => f.field));
const EXACT_PARTS = SUMMARY_PARTS.parts.filter((p) => EXACT_FIELDS.some((f) => f.parts.includes(p.column)));

/**
 * The `metric_daily` grouping whose rows, summed over their days (and over
 * the months too when `g` has no month), give the groups of summary grouping
 * `g`: the one with exactly the columns of g's other dimensions; undefined
 * when there is none (`tag`, `priority`, …).
 *
 * @example
 *   dailySource(['month', 'team']); // 'owner_team' (the summary's team is the owner's)
 *   dailySource(['tag']);           // undefined
 */
export function dailySource(g: readonly Grouping[]): string | undefined {
  const columns: string[] = [];
  for (const d of g) {
    if (d === 'month') continue;
    if (!isDimension(d)) return undefined;
    columns.push(DIMENSIONS[d]);
  }
  const same = (x: readonly string[]) => x.length === columns.length && x.every((c) => columns.includes(c));
  return DAILY_GROUPINGS.find(same)?.join(',');
}

/**
 * The insert of the exact fields of `gs` (each with a {@link dailySource})
 * from `daily`'s rows: each grouping's days labelled with it and keyed by its
 * dimensions, all of them in one aggregate (the rows of 14 groupings: about
 * 50,000 at 1M messages, into 1,000 groups). An empty row is added for the
 * grouping of everything, whose one row a warehouse without conversations
 * has too (its counts 0): every field is a sum of parts, and sums skip nulls.
 */
function dailyInsertSql(gs: readonly MartGrouping[], where: string, daily: string): string {
  const used = usedDimensions(gs);
  const columns = EXACT_PARTS.map((p) => p.column);
  const days = gs.map((g) => {
    const keys = used.map((d) => (g.includes(d) ? `${DIMENSIONS[d as Dimension]} as ${d}` : `null::varchar as ${d}`));
    const kept = [`grouping = '${dailySource(g)!}'`, ...(where ? [`(${where})`] : [])];
    return `select '${g.join(',')}' as grouping, ${[...keys, ...columns].join(', ')} from ${daily} where ${kept.join(' and ')}`;
  });
  if (gs.some((g) => g.length === 0)) days.push(`select '' as grouping`);
  const fields = EXACT_FIELDS.map((f) => `${f.read(sumOfPart)} as ${f.field}`);
  const keys = ['grouping', ...used];
  return `insert into metric_summary by name select ${[...keys, ...fields].join(', ')} from (${days.join(' union all by name ')}) group by ${keys.join(', ')}`;
}

/** The insert of the exact fields of `gs`, from one grouping of the conversations by every dimension they use into its exact parts. */
function additiveInsertSql(gs: readonly MartGrouping[], where: string): string {
  const used = usedDimensions(gs);
  const { id, label } = groupingLabel(gs, used, used);
  const keys = used.map((d) => `${groupingExpression(d)} as ${d}`);
  const parts = EXACT_PARTS.map((p) => `${p.build} as ${p.column}`);
  const fields = EXACT_FIELDS.map((f) => `${f.read(sumOfPart)} as ${f.field}`);
  const inner = `select ${[...keys, ...parts].join(', ')} from ${groupingFrom(gs[0]!, SUMMARY_SOURCE)}${where ? ` where ${where}` : ''}${used.length ? ` group by ${used.map(groupingExpression).join(', ')}` : ''}`;
  const rolled = `select ${[...id, ...used, ...fields].join(', ')} from (${inner})${used.length ? ` group by ${groupingSets(gs, (d) => d)}` : ''}`;
  return `insert into metric_summary by name select ${[`${label} as grouping`, ...used, '* exclude (' + [...(id.length ? ['_id'] : []), ...used].join(', ') + ')'].join(', ')} from (${rolled})`;
}

/**
 * The fields of `gs` that exact parts do not give, from a scan of the
 * conversations: their aggregates as summarySql has them, and each
 * duration's median and p90 from one exact quantile_cont list; a row per
 * group, labelled by its grouping.
 */
function scanSql(gs: readonly MartGrouping[], where: string): string {
  const used = usedDimensions(gs);
  const { id, label } = groupingLabel(gs, used, used.map(groupingExpression));
  const direct = directAggregates();
  const inner = [...id, ...used.map((d) => `${groupingExpression(d)} as ${d}`), ...innerAggregates(direct)];
  const sets = used.length ? ` group by ${groupingSets(gs, groupingExpression)}` : '';
  const outer = direct.map((a) =>
    a.stat === 'median' || a.stat === 'p90'
      ? `case when _n_${a.metric.name} >= ${MIN_GROUP_SIZE} then _q_${a.metric.name}[${a.stat === 'median' ? 1 : 2}] end as ${a.field}`
      : a.field,
  );
  return `select ${[`${label} as grouping`, ...used, ...outer].join(', ')} from (select ${inner.join(', ')} from ${groupingFrom(gs[0]!, SUMMARY_SOURCE)}${where ? ` where ${where}` : ''}${sets})`;
}

/** The aggregates that exact parts do not give. */
const directAggregates = () => allAggregates().filter((a) => !EXACT.has(a.field));

/** The update writing into the rows of `gs` the fields of {@link scanSql} that `q` (its query, or a table of its rows) gives. */
function directUpdateSql(gs: readonly MartGrouping[], q: string): string {
  const used = usedDimensions(gs);
  const match = ['metric_summary.grouping = q.grouping', ...used.map((d) => `metric_summary.${d} is not distinct from q.${d}`)];
  return `update metric_summary set ${directAggregates()
    .map((a) => `${a.field} = q.${a.field}`)
    .join(', ')} from (${q}) q where ${match.join(' and ')}`;
}

/** The aggregates of a scan: each distribution's count and [median, p90] once, the others as they are. */
function innerAggregates(aggregates: ReturnType<typeof allAggregates>): string[] {
  return aggregates.flatMap((a) => {
    if (a.stat === 'p90') return [];
    if (a.stat !== 'median') return [`${a.sql} as ${a.field}`];
    const col = a.metric.column ?? a.metric.name;
    return [`count(${col}) as _n_${a.metric.name}`, `quantile_cont(${col}, [0.5, 0.9]) as _q_${a.metric.name}`];
  });
}
