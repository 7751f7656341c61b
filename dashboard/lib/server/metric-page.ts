/**
 * A metric page's loader: the catalogue entry, its monthly trend, its
 * breakdowns by channel, intent, team and agent, and its distribution. Every
 * bar and point links to the conversations behind it.
 *
 * @example
 *   const page = await loadMetricPage(db, metric('fcr_rate'), filters);
 *   page.breakdowns.map((b) => b.dimension); // ['channel', 'intent', 'team', 'agent']
 */
import type { Warehouse } from '../../../warehouse/connection.js';
import { formatValue, type Metric } from '../../../models/catalogue.js';
import { summaryFields, type Dimension } from '../../../models/summary.js';
import { cachedAll, memo, monthly as monthlySummary, summaryBySets } from './mart-query.js';
import { filterQuery, filterWhere, partialMonth, trendRange, type Filters } from './filters.js';
import { trendChart } from '../../../charts/trend.js';
import { formatTarget, readTargets, targetFor } from '../../../models/targets.js';
import { breakdownChart } from '../../../charts/breakdown.js';
import { histogram, type Bin } from '../../../charts/histogram.js';
import { durationTick } from '../../../charts/duration.js';
import type { ChartAnnotation } from '../../../charts/annotations.js';
import { NARROW_WIDTH } from './mart-page-parts.js';

/** The summary field that stands for a metric on charts (a duration's median). */
export function headlineField(m: Metric): string | null {
  return summaryFields(m)[0] ?? null;
}

/** Fixed bin edges per unit: the edges are code, never input. */
function edgesFor(m: Metric): number[] | null {
  if (!m.column) return null;
  if (m.unit === 'seconds') return [0, 60, 300, 900, 1800, 3600, 4 * 3600, 8 * 3600, 86_400, 3 * 86_400, 7 * 86_400];
  if (m.name === 'effort_index') return [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100.0001];
  if (m.unit === 'score' || m.unit === 'count') return [0, 1, 2, 3, 4, 5, 6, 7, 8, 11, 21];
  return null;
}

function binLabel(m: Metric, lo: number, hi: number | null): string {
  // edges are whole units: '1m', '4h', '3d'
  if (m.unit === 'seconds') return hi === null ? `≥ ${durationTick(lo)}` : lo === 0 ? `< ${durationTick(hi)}` : `${durationTick(lo)}–${durationTick(hi)}`;
  if (m.name === 'effort_index') return hi === null ? `≥ ${lo}` : `${lo}–${Math.floor(hi)}`;
  if (hi === null) return `≥ ${lo}`;
  return hi - lo === 1 ? String(lo) : `${lo}–${hi - 1}`;
}

export interface Breakdown {
  dimension: Dimension;
  title: string;
  svg: string;
  /** The chart rendered for a phone's width. */
  narrow: string;
  rows: { key: string; value: string; base: number | null; href: string }[];
}

export interface MetricPage {
  trend: string;
  trendP90: string;
  breakdowns: Breakdown[];
  distribution: string;
  /** The charts above rendered for a phone's width (NARROW_WIDTH), so their text stays readable. */
  narrow: { trend: string; trendP90: string; distribution: string };
  /** The trends' last month when the range ends inside it ('YYYY-MM'): drawn as so far. */
  partialMonth: string | null;
  total: string;
}

const DIMS: { dim: Dimension; title: string; limit: number }[] = [
  { dim: 'channel', title: 'By channel', limit: 20 },
  { dim: 'intent', title: 'By intent', limit: 20 },
  { dim: 'team', title: 'By team', limit: 20 },
  { dim: 'agent', title: 'By agent (top 20 by conversations)', limit: 20 },
];

const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);

/** A metric page for `f` (memoised: it depends on the marts only); `annotations` are drawn on its trends. */
export function loadMetricPage(db: Warehouse, m: Metric, f: Filters, annotations: readonly ChartAnnotation[] = []): Promise<MetricPage> {
  return memo(db, `metric\u0000${m.name}\u0000${JSON.stringify(f)}\u0000${JSON.stringify(annotations)}`, () => computeMetricPage(db, m, f, annotations));
}

async function computeMetricPage(db: Warehouse, m: Metric, f: Filters, annotations: readonly ChartAnnotation[]): Promise<MetricPage> {
  const field = headlineField(m);
  const fmt = (v: number) => formatValue(m, v);
  const list = (extra: Partial<Filters>) => `/conversations${filterQuery({ ...f, ...extra }, { metric: m.name })}`;
  const trend = trendRange(f);
  const baseField = m.summary?.kind === 'rate' ? `${m.name}_base` : 'conversations';
  const fields = field ? [field, baseField, 'conversations'] : ['conversations'];
  // the p90 is drawn on its own trend only: the breakdowns and the total show the headline field
  const trendFields = [...fields, ...(field && m.summary?.kind === 'distribution' ? [`${m.name}_p90`] : [])];
  // the three queries run side by side on the server's reader connections
  const [monthly, sets, histogram, names] = await Promise.all([
    monthlySummary(db, trend, trendFields),
    summaryBySets(
      db,
      DIMS.map((d) => d.dim),
      f,
      fields,
    ),
    distribution(db, m, f),
    agentNames(db),
  ]);
  // agents are shown by name where the roster has one; links keep the id
  const shown = (dim: string, key: string) => (dim === 'agent' ? (names.get(key) ?? key) : key);
  const total = sets.find((r) => r['dimension'] === '');
  const groups = DIMS.map((d) => sets.filter((r) => r['dimension'] === d.dim).map((r) => ({ ...r, [d.dim]: r['key'] })));
  const monthHref = (month: string) => `/conversations${filterQuery({ ...f, from: undefined, to: undefined, month }, { metric: m.name })}`;
  // the configured target of the channel and team shown, as a rule across the months (models/targets.ts)
  const target = targetFor(await memo(db, 'targets', () => readTargets(db)), m.name, { channel: f.channel, team: f.team });
  const rule = target ? { target: { value: target.value, label: `target ${formatTarget(m, target.value)}` } } : {};
  const partial = partialMonth(f);
  const trendSvg = (width?: number) =>
    field
      ? trendChart(
          monthly.map((r) => ({ month: String(r['month']), value: num(r[field]) })),
          {
            kind: m.summary?.kind === 'total' ? 'bar' : 'line',
            label: m.label,
            href: monthHref,
            format: fmt,
            unit: m.unit,
            annotations,
            partial,
            ...rule,
            ...(width ? { width } : {}),
          },
        )
      : '';
  const trendP90 = (width?: number) =>
    m.summary?.kind === 'distribution'
      ? trendChart(
          monthly.map((r) => ({ month: String(r['month']), value: num(r[`${m.name}_p90`]) })),
          { kind: 'line', label: `${m.label}, p90`, href: monthHref, format: fmt, unit: m.unit, annotations, partial, ...(width ? { width } : {}) },
        )
      : '';
  const breakdowns: Breakdown[] = field
    ? DIMS.map((d, i) => {
        const rows = (groups[i] ?? [])
          .filter((r) => r[d.dim] !== null)
          .sort((a, b) => (num(b['conversations']) ?? 0) - (num(a['conversations']) ?? 0))
          .slice(0, d.limit);
        const href = (key: string) => list({ [d.dim]: key } as Partial<Filters>);
        const chart = (width?: number) =>
          breakdownChart(
            rows.map((r) => ({ key: String(r[d.dim]), label: shown(d.dim, String(r[d.dim])), value: num(r[field]) })),
            { label: m.label, href, format: fmt, unit: m.unit, ...(width ? { width } : {}) },
          );
        return {
          dimension: d.dim,
          title: d.title,
          svg: chart(),
          narrow: chart(NARROW_WIDTH),
          rows: rows.map((r) => ({
            key: shown(d.dim, String(r[d.dim])),
            value: formatValue(m, r[field]),
            base: num(r[baseField]),
            href: href(String(r[d.dim])),
          })),
        };
      })
    : [];
  return {
    trend: trendSvg(),
    trendP90: trendP90(),
    partialMonth: partial?.month ?? null,
    breakdowns,
    distribution: histogram.wide,
    narrow: { trend: trendSvg(NARROW_WIDTH), trendP90: trendP90(NARROW_WIDTH), distribution: histogram.narrow },
    total: field ? formatValue(m, total?.[field]) : '–',
  };
}

/** Agent id → name from the roster (the latest load of each). */
export async function agentNames(db: Warehouse): Promise<Map<string, string>> {
  const rows = await cachedAll<{ agent_id: string; name: string }>(db, 'select agent_id, arg_max(name, load_id) as name from raw_agents where name is not null group by agent_id');
  return new Map(rows.map((r) => [r.agent_id, r.name]));
}

async function distribution(db: Warehouse, m: Metric, f: Filters): Promise<{ wide: string; narrow: string }> {
  const edges = edgesFor(m);
  if (!edges || !m.column) return { wide: '', narrow: '' };
  const w = filterWhere(f);
  const cases = edges
    .map((e, i) => `when ${m.column} < ${edges[i + 1] ?? 'null'} then ${i}`)
    .slice(0, -1)
    .join(' ');
  const rows = await cachedAll<{ bin: number; n: number }>(
    db,
    `select case ${cases} else ${edges.length - 1} end as bin, count(*) as n
     from conversation_metrics where ${w.sql} and ${m.column} is not null and ${m.column} >= ${edges[0]}
     group by 1 order by 1`,
    w.params,
  );
  const byBin = new Map(rows.map((r) => [r.bin, r.n]));
  const bins: (Bin & { lo: number; hi: number | null })[] = edges.map((lo, i) => ({
    lo,
    hi: edges[i + 1] ?? null,
    bin: binLabel(m, lo, edges[i + 1] ?? null),
    n: byBin.get(i) ?? 0,
  }));
  const hrefOf = new Map(bins.map((b) => [b.bin, `/conversations${filterQuery(f, { metric: m.name, min: String(b.lo), ...(b.hi === null ? {} : { max: String(b.hi) }) })}`]));
  const href = (b: Bin) => hrefOf.get(b.bin) ?? '/conversations';
  return { wide: histogram(bins, { label: m.label, href }), narrow: histogram(bins, { label: m.label, href, width: NARROW_WIDTH }) };
}
