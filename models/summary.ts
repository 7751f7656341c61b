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

/** The dimensions a summary can be grouped by, and their columns in conversation_metrics. */
export const DIMENSIONS = {
  month: 'month',
  channel: 'channel',
  intent: 'intent',
  team: 'team',
  agent: 'owner_agent',
  source: 'source',
  /** `bot` (no human reply) or `people`: conversation_costs. */
  resolution_type: 'resolution_type',
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export function isDimension(name: string): name is Dimension {
  return Object.hasOwn(DIMENSIONS, name);
}

/** What a summary field holds besides the metric itself: a duration's median, p90, mean; a value's mean; a rate's base. */
export type Stat = 'median' | 'p90' | 'mean' | 'base';

/** The fields of each kind of summary, as statistics (null: the field named after the metric). */
const STATS: Record<Summary['kind'], readonly (Stat | null)[]> = {
  total: [null],
  rate: [null, 'base'],
  distribution: ['median', 'p90', 'mean'],
  mean: ['mean'],
  ratio: [null, 'base'],
};

/**
 * What the summary aggregates over: conversation_metrics with each
 * conversation's cost (conversation_costs: cost_per_resolution, resolution_type).
 */
export const SUMMARY_SOURCE = 'conversation_metrics left join conversation_costs using (source, conversation_id)';

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

const enough = (n: string, value: string) => `case when ${n} >= ${MIN_GROUP_SIZE} then ${value} end`;

/**
 * The aggregate select list, one line per output field; with `fields`, only
 * the aggregates that produce those fields (a quantile not asked for is not computed).
 */
export function summaryAggregates(fields?: readonly string[]): string[] {
  const all = allAggregates();
  const wanted = fields && new Set(fields);
  return all.filter((a) => !wanted || wanted.has(a.field)).map((a) => `${a.sql} as ${a.field}`);
}

function allAggregates(): { field: string; sql: string }[] {
  return CATALOGUE.flatMap((m) => {
    const s = m.summary;
    return s ? STATS[s.kind].map((stat) => ({ field: fieldName(m, stat), sql: aggregate(m, s, stat) })) : [];
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
    case 'distribution': {
      const value = stat === 'mean' ? `avg(${col})` : `quantile_cont(${col}, ${stat === 'p90' ? 0.9 : 0.5})`;
      return enough(`count(${col})`, value);
    }
    case 'mean':
      return enough(`count(${col})`, `avg(${col})`);
    case 'ratio': {
      const base = `count(*) filter (where ${s.denominator})`;
      return stat === 'base' ? base : enough(base, `sum(${s.numerator}) / ${base}`);
    }
  }
}

/** SQL for the summary grouped by `dims` (none: one row for everything); `fields` limits the aggregates. */
export function summarySql(dims: readonly Dimension[], where = '', fields?: readonly string[]): string {
  const keys = dims.map((d) => (DIMENSIONS[d] === d ? d : `${DIMENSIONS[d]} as ${d}`));
  const select = [...keys, ...summaryAggregates(fields)].join(',\n  ');
  const group = dims.length ? `\ngroup by ${dims.map((d) => DIMENSIONS[d]).join(', ')}\norder by ${dims.map((d) => DIMENSIONS[d]).join(', ')}` : '';
  return `select\n  ${select}\nfrom ${SUMMARY_SOURCE}${where ? `\nwhere ${where}` : ''}${group}`;
}

/** The grouping sets materialised as the `metric_summary` mart. */
export const SUMMARY_GROUPINGS: readonly (readonly Dimension[])[] = [
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
];

/** SQL creating `metric_summary`: one row per group of each grouping, `grouping` naming its dimensions. */
export function metricSummaryMartSql(): string {
  return `create or replace table metric_summary as\n${metricSummaryRowsSql()}`;
}

/**
 * The rows of `metric_summary` for `groupings`, over the conversations that
 * `where` keeps (an incremental build recomputes the months it touched).
 */
export function metricSummaryRowsSql(groupings: readonly (readonly Dimension[])[] = SUMMARY_GROUPINGS, where = ''): string {
  const dims = Object.keys(DIMENSIONS).filter((d) => d !== 'source') as Dimension[];
  const parts = groupings.map((g) => {
    const cols = dims.map((d) => (g.includes(d) ? `${DIMENSIONS[d]} as ${d}` : `null::varchar as ${d}`));
    const group = g.length ? ` group by ${g.map((d) => DIMENSIONS[d]).join(', ')}` : '';
    return `select '${g.join(',')}' as grouping, ${cols.join(', ')}, ${summaryAggregates().join(', ')} from ${SUMMARY_SOURCE}${where ? ` where ${where}` : ''}${group}`;
  });
  return parts.join('\nunion all\n');
}
