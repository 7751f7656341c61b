/**
 * A notebook's chart block: checks the block against its query result and
 * draws it with the shared result chart (charts/result-chart.ts) as inline
 * SVG (no script, no network). Labels and tick units come from the metric
 * catalogue (a rate axis reads 70%, a duration axis 1h 30m). A chart over
 * months carries the annotation layer (releases, outages, emerging topics).
 *
 * @example
 *   renderChart({ type: 'line', data: 'monthly', x: 'month', y: 'fcr_rate' }, rows, columns, 0)
 *   // { svg: '<svg …>…</svg>' }  or  { problem: 'column "fcr" is not in …' }
 */
import type { Row } from '../warehouse/connection.js';
import type { ChartSpec } from './parse.js';
import { columnLabel } from './format.js';
import { fieldMetric } from '../models/summary.js';
import { resultChart } from '../charts/result-chart.js';
import type { ChartAnnotation } from '../charts/annotations.js';

/** Most points a chart will draw; more means the query should aggregate. */
export const MAX_CHART_ROWS = 5000;

/** Draws `spec` over `rows`; a missing column or an unusable result is a problem naming it. */
export function renderChart(
  spec: ChartSpec,
  rows: readonly Row[],
  columns: readonly string[],
  index: number,
  annotations: readonly ChartAnnotation[] = [],
): { svg?: string; problem?: string } {
  for (const key of ['x', 'y', 'color'] as const) {
    const column = spec[key];
    if (column !== undefined && !columns.includes(column)) {
      return { problem: `${key}: column "${column}" is not in the result "${spec.data}" (its columns: ${columns.join(', ') || 'none'})` };
    }
  }
  if (rows.length === 0) return { problem: `the result "${spec.data}" has no rows to draw` };
  if (rows.length > MAX_CHART_ROWS) {
    return {
      problem: `the result "${spec.data}" has ${rows.length.toLocaleString('en-US')} rows, more than the ${MAX_CHART_ROWS.toLocaleString('en-US')} a chart draws: aggregate it in the query`,
    };
  }
  const bad = rows.find((r) => r[spec.y] !== null && typeof r[spec.y] !== 'number');
  if (bad) return { problem: `y: column "${spec.y}" holds ${JSON.stringify(String(bad[spec.y]))}, not a number` };

  // a rate's base is a count: it ticks as a plain number
  const cm = fieldMetric(spec.y);
  const unit = cm && cm.stat !== 'base' ? cm.metric.unit : undefined;
  try {
    const svg = resultChart(rows, {
      type: spec.type,
      x: spec.x,
      y: spec.y,
      color: spec.color,
      horizontal: spec.horizontal,
      zero: spec.zero,
      height: spec.height,
      xLabel: spec.x_label,
      yLabel: spec.y_label,
      unit,
      columnLabel,
      idPrefix: `nb-chart${index}`,
      annotations,
    });
    return { svg };
  } catch (error) {
    return { problem: `Plot could not draw it: ${(error as Error).message.split('\n')[0]}` };
  }
}
