/**
 * A chart block drawn on the server: Observable Plot over linkedom's DOM,
 * returned as inline SVG markup (no script, no network). Axis ticks are
 * formatted by the metric catalogue (a rate axis reads 70%, a duration axis
 * 1h 30m); months ('2026-10') on a line/area/dot x axis become a time axis.
 *
 * @example
 *   renderChart({ type: 'line', data: 'monthly', x: 'month', y: 'fcr_rate' }, rows, columns, 0)
 *   // { svg: '<figure class="chart">…<svg …>…</svg></figure>' }  or  { problem: 'column "fcr" is not in …' }
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import type { Row } from '../warehouse/connection.js';
import type { ChartSpec } from './parse.js';
import { columnLabel, formatMonth } from './format.js';
import { fieldMetric } from '../models/summary.js';
import { formatDuration } from '../models/catalogue.js';

/** Chart defaults: one width for every chart so reports line up. */
export const CHART_DEFAULTS = {
  width: 720,
  height: 260,
  /** Most points a chart will draw; more means the query should aggregate. */
  maxRows: 5000,
  accent: '#2b5b84',
  palette: ['#2b5b84', '#e07b39', '#4a9c7f', '#c2456e', '#8a6bbd', '#b59a2e', '#5aa3c8', '#7d7d7d', '#a0522d', '#3e8e41'],
  font: "'Inter', 'Segoe UI', system-ui, -apple-system, sans-serif",
} as const;

const MONTH = /^\d{4}-\d{2}$/;

/** A month tick: 'Oct', with the year on the first tick and on January ('Jan 2026'). */
function monthTick(month: string, index: number): string {
  const short = formatMonth(month, false);
  return index === 0 || month.endsWith('-01') ? short : short.slice(0, 3);
}

function tickFormatFor(column: string): ((d: unknown) => string) | undefined {
  const unit = fieldMetric(column);
  if (!unit || unit.stat === 'base') return undefined;
  switch (unit.metric.unit) {
    case 'rate':
      return (d) => `${Math.round(Number(d) * 1000) / 10}%`;
    case 'seconds':
      // ticks fall on round values: '20m', '1h 30m', not '20m 00s'
      return (d) => formatDuration(Number(d)).replace(/ 0+[sm]$/, '').replace(/ 0h$/, '');
    default:
      return undefined;
  }
}

const DURATION_STEPS = [1, 5, 10, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800];

/** Ticks for a duration axis on round times (every 5 minutes, every hour…) and a domain that ends on them. */
export function durationTicks(values: ReadonlyArray<number | null>, zero: boolean): { domain: [number, number]; ticks: number[] } | Record<string, never> {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!finite.length) return {};
  const lo = zero ? 0 : Math.min(...finite);
  const hi = Math.max(...finite);
  const step = DURATION_STEPS.find((s) => (hi - lo) / s <= 6) ?? DURATION_STEPS[DURATION_STEPS.length - 1]!;
  const from = Math.floor(lo / step) * step;
  const to = Math.max(from + step, Math.ceil(hi / step) * step);
  const ticks: number[] = [];
  for (let t = from; t <= to; t += step) ticks.push(t);
  return { domain: [from, to], ticks };
}

/** Pixel coordinates to two decimals: smaller output, and no float noise in it. */
function roundCoordinates(svg: string): string {
  return svg.replace(/-?\d+\.\d{3,}/g, (n) => String(Number(Number(n).toFixed(2))));
}

/** Makes the ids Plot numbers globally (markers, clip paths) local to this chart, so output is the same on every render. */
function localIds(svg: string, index: number): string {
  const seen = new Map<string, string>();
  return svg.replace(/plot-(marker|clip|pattern)-\d+/g, (id, kind: string) => {
    if (!seen.has(id)) seen.set(id, `nb-chart${index}-${kind}-${seen.size + 1}`);
    return seen.get(id)!;
  });
}

/** Draws `spec` over `rows`; a missing column or an unusable result is a problem naming it. */
export function renderChart(spec: ChartSpec, rows: readonly Row[], columns: readonly string[], index: number): { svg?: string; problem?: string } {
  for (const key of ['x', 'y', 'color'] as const) {
    const column = spec[key];
    if (column !== undefined && !columns.includes(column)) {
      return { problem: `${key}: column "${column}" is not in the result "${spec.data}" (its columns: ${columns.join(', ') || 'none'})` };
    }
  }
  if (rows.length === 0) return { problem: `the result "${spec.data}" has no rows to draw` };
  if (rows.length > CHART_DEFAULTS.maxRows) {
    return { problem: `the result "${spec.data}" has ${rows.length.toLocaleString('en-US')} rows, more than the ${CHART_DEFAULTS.maxRows.toLocaleString('en-US')} a chart draws: aggregate it in the query` };
  }
  const { x, y, color } = spec;
  const bad = rows.find((r) => r[y] !== null && typeof r[y] !== 'number');
  if (bad) return { problem: `y: column "${y}" holds ${JSON.stringify(String(bad[y]))}, not a number` };

  const timeAxis = spec.type !== 'bar' && rows.every((r) => typeof r[x] === 'string' && MONTH.test(r[x] as string));
  // DuckDB's parallel sums can differ in the last bits between runs: round values so the drawing does not
  const data = rows.map((r) => ({
    ...r,
    [y]: typeof r[y] === 'number' ? Number((r[y] as number).toPrecision(10)) : r[y],
    [x]: timeAxis ? new Date(`${r[x] as string}-01T00:00:00Z`) : typeof r[x] === 'number' ? Number((r[x] as number).toPrecision(10)) : r[x],
  }));
  const monthBars = spec.type === 'bar' && rows.every((r) => typeof r[x] === 'string' && MONTH.test(r[x] as string));
  const valueFormat = tickFormatFor(y);
  const zero = spec.zero ?? (spec.type === 'bar' || spec.type === 'area');
  const stroke = color ?? CHART_DEFAULTS.accent;
  const horizontal = spec.type === 'bar' && spec.horizontal === true;
  const categories = horizontal ? new Set(rows.map((r) => String(r[x]))).size : 0;
  const longest = horizontal ? Math.max(...rows.map((r) => String(r[x] ?? '').length)) : 0;
  const height = spec.height ?? (horizontal ? Math.max(120, categories * 26 + 50) : CHART_DEFAULTS.height);

  const marks: Plot.Markish[] = [];
  switch (spec.type) {
    case 'line':
      marks.push(Plot.lineY(data, { x, y, stroke, strokeWidth: 2, marker: rows.length <= 40 ? 'circle-stroke' : null, ...(color ? { z: color } : {}) }));
      break;
    case 'area':
      marks.push(Plot.areaY(data, { x, y, fill: color ?? CHART_DEFAULTS.accent, fillOpacity: color ? 0.85 : 0.25, ...(color ? { z: color } : {}) }));
      if (!color) marks.push(Plot.lineY(data, { x, y, stroke: CHART_DEFAULTS.accent, strokeWidth: 2 }));
      break;
    case 'dot':
      marks.push(Plot.dot(data, { x, y, stroke, fill: stroke, fillOpacity: 0.3, r: 3.5 }));
      break;
    case 'bar':
      if (horizontal) {
        marks.push(Plot.barX(data, { y: x, x: y, fill: color ?? CHART_DEFAULTS.accent, sort: color ? undefined : { y: '-x' }, inset: 0.5 }));
      } else {
        marks.push(Plot.barY(data, { x, y, fill: color ?? CHART_DEFAULTS.accent, inset: 0.5 }));
      }
      break;
  }
  if (zero) marks.push(horizontal ? Plot.ruleX([0]) : Plot.ruleY([0]));

  const { document } = parseHTML('<!doctype html><html><body></body></html>');
  const valueAxis = {
    label: spec.y_label ?? columnLabel(y),
    grid: true,
    ...(valueFormat ? { tickFormat: valueFormat } : {}),
    ...(zero ? { zero: true } : {}),
    ...(fieldMetric(y)?.metric.unit === 'seconds' && !fieldMetric(y)?.stat?.startsWith('base') ? durationTicks(rows.map((r) => r[y] as number | null), zero) : {}),
  };
  const categoryAxis = {
    label: spec.x_label ?? (timeAxis || monthBars ? null : columnLabel(x)),
    ...(monthBars ? { type: 'band', tickFormat: (d: unknown, i: number) => monthTick(String(d), i) } : {}),
  };
  const options: Plot.PlotOptions = {
    document: document as never,
    width: CHART_DEFAULTS.width,
    height,
    marginLeft: horizontal ? Math.min(260, 12 + longest * 6.4) : 60,
    marginRight: 20,
    marginBottom: 36,
    style: { fontFamily: CHART_DEFAULTS.font, fontSize: '11px', background: 'transparent', overflow: 'visible' },
    color: { range: [...CHART_DEFAULTS.palette], ...(color ? { legend: true } : {}) },
    x: horizontal ? valueAxis : categoryAxis,
    y: horizontal ? { label: null, tickSize: 0 } : { ...valueAxis, labelAnchor: 'top', labelArrow: 'none' },
    marks,
  } as Plot.PlotOptions;
  if (timeAxis) (options.x as Record<string, unknown>)['tickFormat'] = (d: Date, i: number) => monthTick(d.toISOString().slice(0, 7), i);
  let node: { outerHTML: string };
  try {
    node = Plot.plot(options) as unknown as { outerHTML: string };
  } catch (error) {
    return { problem: `Plot could not draw it: ${(error as Error).message.split('\n')[0]}` };
  }
  return { svg: roundCoordinates(localIds(node.outerHTML, index)) };
}
