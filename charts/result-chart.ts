/**
 * A chart of a query result, as a notebook's chart block draws it: a line,
 * area, dot or bar chart of column `y` over column `x`, one series per value
 * of `color` if given. Months ('2026-10') on a line/area/dot x axis become a
 * time axis, on a bar chart a band per month; y ticks follow `unit` (a rate
 * axis reads 70%, a duration axis 1h 30m on round times).
 *
 * @example
 *   resultChart(rows, { type: 'line', x: 'month', y: 'fcr_rate', unit: 'rate', columnLabel, idPrefix: 'nb-chart1' });
 *   // '<svg role="img" …>…</svg>' (a <figure> with the legend when `color` is given); throws when Plot cannot draw it
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';
import { monthTick, unitTicks, type ValueUnit } from './ticks.js';
import { annotationMarks, type ChartAnnotation } from './annotations.js';

/**
 * Size and margins in px: one width for every result chart, so a report's
 * charts line up. A horizontal bar chart has a `row` per category (at least
 * `minHeightHorizontal` in all) and a label column growing with the longest
 * label (6.4px a character) up to `maxLabelColumn`. Lines with at most
 * `markersUpTo` points mark each point.
 */
const DEFAULTS = {
  width: 720,
  height: 260,
  marginLeft: 60,
  marginRight: 20,
  marginBottom: 36,
  row: 26,
  minHeightHorizontal: 120,
  maxLabelColumn: 260,
  markersUpTo: 40,
  marginTopAnnotated: 48,
} as const;

const MONTH = /^\d{4}-\d{2}$/;

export type ResultRow = Readonly<Record<string, unknown>>;

export interface ResultChartProps {
  type: 'line' | 'area' | 'dot' | 'bar';
  /** The column along x (for a horizontal bar chart, the categories down the y axis). */
  x: string;
  /** The column of values (numbers or null). */
  y: string;
  /** A column whose values split the data into coloured series, with a legend. */
  color?: string;
  /** Bars across instead of up (bar charts only); bars sorted by value unless `color` is given. */
  horizontal?: boolean;
  /** Whether the value axis starts at zero; default true for bar and area charts and for rates, durations and scores; a chart that does not says "axis does not start at 0". */
  zero?: boolean;
  /** Default 260; a horizontal bar chart grows with its categories. */
  height?: number;
  /** The x axis label. Default: none on a month axis, else the column's label. */
  xLabel?: string;
  /** The value axis label. Default: the column's label. */
  yLabel?: string;
  /** A column's label for people (default: its name). */
  columnLabel?: (column: string) => string;
  /** The unit of `y`: 'rate' and 'seconds' get their own ticks (see ticks.ts). */
  unit?: ValueUnit;
  /** Ids of markers and clip paths start with it; give each chart on a page its own. */
  idPrefix: string;
  /** Dated events drawn as labelled rules on a month axis (see annotations.ts); ignored on other axes. */
  annotations?: readonly ChartAnnotation[];
}

export function resultChart(rows: readonly ResultRow[], p: ResultChartProps): string {
  const { x, y, color } = p;
  const timeAxis = p.type !== 'bar' && rows.every((r) => typeof r[x] === 'string' && MONTH.test(r[x] as string));
  // DuckDB's parallel sums can differ in the last bits between runs: round values so the drawing does not
  const data = rows.map((r) => ({
    ...r,
    [y]: typeof r[y] === 'number' ? Number((r[y] as number).toPrecision(10)) : r[y],
    [x]: timeAxis ? new Date(`${r[x] as string}-01T00:00:00Z`) : typeof r[x] === 'number' ? Number((r[x] as number).toPrecision(10)) : r[x],
  }));
  const monthBars = p.type === 'bar' && rows.every((r) => typeof r[x] === 'string' && MONTH.test(r[x] as string));
  // a rate of 78.0–79.5 % drawn from 78 % looks like a swing: rates, durations and scores start at 0 unless the block says otherwise
  const zero = p.zero ?? (p.type === 'bar' || p.type === 'area' || p.unit === 'rate' || p.unit === 'seconds' || p.unit === 'score');
  const stroke = color ?? THEME.accent;
  const horizontal = p.type === 'bar' && p.horizontal === true;
  const categories = horizontal ? new Set(rows.map((r) => String(r[x]))).size : 0;
  const longest = horizontal ? Math.max(...rows.map((r) => String(r[x] ?? '').length)) : 0;
  const height = p.height ?? (horizontal ? Math.max(DEFAULTS.minHeightHorizontal, categories * DEFAULTS.row + 50) : DEFAULTS.height);

  const marks: Plot.Markish[] = [];
  switch (p.type) {
    case 'line':
      marks.push(Plot.lineY(data, { x, y, stroke, strokeWidth: 2, marker: rows.length <= DEFAULTS.markersUpTo ? 'circle-stroke' : null, ...(color ? { z: color } : {}) }));
      break;
    case 'area':
      marks.push(Plot.areaY(data, { x, y, fill: color ?? THEME.accent, fillOpacity: color ? 0.85 : 0.25, ...(color ? { z: color } : {}) }));
      if (!color) marks.push(Plot.lineY(data, { x, y, stroke: THEME.accent, strokeWidth: 2 }));
      break;
    case 'dot':
      marks.push(Plot.dot(data, { x, y, stroke, fill: stroke, fillOpacity: 0.3, r: 3.5 }));
      break;
    case 'bar':
      if (horizontal) {
        marks.push(Plot.barX(data, { y: x, x: y, fill: color ?? THEME.accent, sort: color ? undefined : { y: '-x' }, inset: 0.5 }));
      } else {
        marks.push(Plot.barY(data, { x, y, fill: color ?? THEME.accent, inset: 0.5 }));
      }
      break;
  }
  // the annotation layer, on a month axis only
  const months = timeAxis || monthBars ? [...new Set(rows.map((r) => String(r[x])))].sort() : [];
  const notes = annotationMarks(p.annotations ?? [], months, timeAxis ? 'time' : 'band', DEFAULTS.width - DEFAULTS.marginLeft - DEFAULTS.marginRight);
  marks.unshift(...notes);
  if (zero) marks.push(horizontal ? Plot.ruleX([0]) : Plot.ruleY([0]));
  else marks.push(Plot.text(['axis does not start at 0'], { frameAnchor: 'top-right', dy: -14, fill: 'currentColor', fillOpacity: 0.8 }));

  const columnLabel = p.columnLabel ?? String;
  const valueAxis = {
    label: p.yLabel ?? columnLabel(y),
    grid: true,
    ...(zero ? { zero: true } : {}),
    ...unitTicks(
      p.unit,
      rows.map((r) => r[y] as number | null),
      zero,
    ),
  };
  const categoryAxis = {
    label: p.xLabel ?? (timeAxis || monthBars ? null : columnLabel(x)),
    ...(monthBars ? { type: 'band', tickFormat: (d: unknown, i: number, all: unknown[]) => monthTick(String(d), i, all.map(String)) } : {}),
    ...(timeAxis
      ? {
          tickFormat: (d: Date, i: number, all: Date[]) =>
            monthTick(
              d.toISOString().slice(0, 7),
              i,
              all.map((t) => t.toISOString().slice(0, 7)),
            ),
        }
      : {}),
  };
  const options = {
    width: DEFAULTS.width,
    height,
    marginLeft: horizontal ? Math.min(DEFAULTS.maxLabelColumn, 12 + longest * 6.4) : DEFAULTS.marginLeft,
    marginRight: DEFAULTS.marginRight,
    ...(notes.length ? { marginTop: DEFAULTS.marginTopAnnotated, height: height + DEFAULTS.marginTopAnnotated - 20 } : {}),
    marginBottom: DEFAULTS.marginBottom,
    color: { range: [...THEME.palette], ...(color ? { legend: true } : {}) },
    x: horizontal ? valueAxis : categoryAxis,
    y: horizontal ? { label: null, tickSize: 0 } : { ...valueAxis, labelAnchor: 'top', labelArrow: 'none' },
    marks,
  } as Plot.PlotOptions;
  return renderPlot(options, { idPrefix: p.idPrefix });
}
