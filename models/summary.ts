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
import { CATALOGUE, MIN_GROUP_SIZE } from './catalogue.js';

/** The dimensions a summary can be grouped by, and their columns in conversation_metrics. */
export const DIMENSIONS = {
  month: 'month',
  channel: 'channel',
  intent: 'intent',
  team: 'team',
  agent: 'owner_agent',
  source: 'source',
} as const;
export type Dimension = keyof typeof DIMENSIONS;

export function isDimension(name: string): name is Dimension {
  return Object.hasOwn(DIMENSIONS, name);
}

const enough = (n: string, value: string) => `case when ${n} >= ${MIN_GROUP_SIZE} then ${value} end`;

/**
 * The aggregate select list, one line per output field; with `fields`, only
 * the aggregates that produce those fields (a quantile not asked for is not computed).
 */
export function summaryAggregates(fields?: readonly string[]): string[] {
  const all = allAggregates();
  if (!fields) return all;
  const wanted = new Set(fields);
  return all.filter((a) => wanted.has(a.slice(a.lastIndexOf(' as ') + 4)));
}

function allAggregates(): string[] {
  const out: string[] = [];
  for (const m of CATALOGUE) {
    const s = m.summary;
    if (!s) continue;
    const col = m.column ?? m.name;
    switch (s.kind) {
      case 'total':
        out.push(`${s.sql} as ${m.name}`);
        break;
      case 'rate': {
        const base = `count(*) filter (where ${s.denominator})`;
        out.push(`${enough(base, `(count(*) filter (where (${s.denominator}) and (${s.numerator})))::double / ${base}`)} as ${m.name}`);
        out.push(`${base} as ${m.name}_base`);
        break;
      }
      case 'distribution': {
        const n = `count(${col})`;
        out.push(`${enough(n, `quantile_cont(${col}, 0.5)`)} as ${m.name}_median`);
        out.push(`${enough(n, `quantile_cont(${col}, 0.9)`)} as ${m.name}_p90`);
        out.push(`${enough(n, `avg(${col})`)} as ${m.name}_mean`);
        break;
      }
      case 'mean':
        out.push(`${enough(`count(${col})`, `avg(${col})`)} as ${m.name}_mean`);
        break;
    }
  }
  return out;
}

/** SQL for the summary grouped by `dims` (none: one row for everything); `fields` limits the aggregates. */
export function summarySql(dims: readonly Dimension[], where = '', fields?: readonly string[]): string {
  const keys = dims.map((d) => (DIMENSIONS[d] === d ? d : `${DIMENSIONS[d]} as ${d}`));
  const select = [...keys, ...summaryAggregates(fields)].join(',\n  ');
  const group = dims.length ? `\ngroup by ${dims.map((d) => DIMENSIONS[d]).join(', ')}\norder by ${dims.map((d) => DIMENSIONS[d]).join(', ')}` : '';
  return `select\n  ${select}\nfrom conversation_metrics${where ? `\nwhere ${where}` : ''}${group}`;
}

/** The grouping sets materialised as the `metric_summary` mart. */
export const SUMMARY_GROUPINGS: readonly (readonly Dimension[])[] = [
  [],
  ['month'],
  ['month', 'channel'],
  ['month', 'intent'],
  ['month', 'team'],
  ['month', 'agent'],
  ['channel'],
  ['intent'],
  ['team'],
  ['agent'],
];

/** SQL creating `metric_summary`: one row per group of each grouping, `grouping` naming its dimensions. */
export function metricSummaryMartSql(): string {
  const dims = Object.keys(DIMENSIONS).filter((d) => d !== 'source') as Dimension[];
  const parts = SUMMARY_GROUPINGS.map((g) => {
    const cols = dims.map((d) => (g.includes(d) ? `${DIMENSIONS[d]} as ${d}` : `null::varchar as ${d}`));
    const group = g.length ? ` group by ${g.map((d) => DIMENSIONS[d]).join(', ')}` : '';
    return `select '${g.join(',')}' as grouping, ${cols.join(', ')}, ${summaryAggregates().join(', ')} from conversation_metrics${group}`;
  });
  return `create or replace table metric_summary as\n${parts.join('\nunion all\n')}`;
}
