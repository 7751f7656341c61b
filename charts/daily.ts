/**
 * A daily series as a line from zero (the backlog at the end of each day,
 * agents' mean concurrency), optionally a second, thinner series (the day's
 * peak), with the annotation layer; each day's tip gives its value.
 *
 * @example
 *   dailyChart([{ day: '2026-11-01', value: 412 }, { day: '2026-11-02', value: 398 }], { label: 'Backlog', format: String });
 *   dailyChart(points, { label: 'Concurrency', second: { label: 'peak', points: peaks }, annotations });
 */
import * as Plot from '@observablehq/plot';
import { annotationMarks, type ChartAnnotation } from './annotations.js';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';
import { unitTicks, type ValueUnit } from './ticks.js';

/** Size and margins in px (the top grows for annotation labels); line widths. */
const DEFAULTS = { width: 560, height: 220, marginLeft: 56, marginRight: 20, marginTop: 20, marginTopAnnotated: 48, lineWidth: 2, secondWidth: 1 } as const;

export interface DailyPoint {
  /** YYYY-MM-DD. */
  day: string;
  /** Left out when null. */
  value: number | null;
}

export interface DailyProps {
  /** The y axis label, and the name of the main line in the legend when there is a second one. */
  label: string;
  /** The format of a value in a tip (and of the ticks when `unit` has none). */
  format?: (v: number) => string;
  unit?: ValueUnit;
  /** A second series drawn thinner and dashed, named in a legend under the chart. */
  second?: { label: string; points: readonly DailyPoint[] };
  annotations?: readonly ChartAnnotation[];
  /** Default 560. */
  width?: number;
  /** Default 220. */
  height?: number;
  /** Ids of markers and clip paths start with it. */
  idPrefix?: string;
}

const rows = (points: readonly DailyPoint[], series: string, fmt: (v: number) => string) =>
  points.filter((p) => p.value !== null).map((p) => ({ x: new Date(`${p.day}T00:00:00Z`), y: p.value as number, series, title: `${p.day}: ${fmt(p.value as number)}` }));

export function dailyChart(points: readonly DailyPoint[], o: DailyProps): string {
  const fmt = o.format ?? String;
  const main = rows(points, o.label, fmt);
  if (main.length === 0) return '';
  const second = o.second ? rows(o.second.points, o.second.label, fmt) : [];
  const width = o.width ?? DEFAULTS.width;
  const months = [...new Set(points.map((p) => p.day.slice(0, 7)))].sort();
  const notes = annotationMarks(o.annotations ?? [], months, 'time', width - DEFAULTS.marginLeft - DEFAULTS.marginRight);
  const marginTop = notes.length ? DEFAULTS.marginTopAnnotated : DEFAULTS.marginTop;
  const ticks = unitTicks(
    o.unit,
    [...main, ...second].map((d) => d.y),
    true,
  );
  const series = second.length ? [o.label, o.second!.label] : [o.label];
  return renderPlot(
    {
      width,
      height: (o.height ?? DEFAULTS.height) + marginTop - DEFAULTS.marginTop,
      marginLeft: DEFAULTS.marginLeft,
      marginRight: DEFAULTS.marginRight,
      marginTop,
      x: { label: null, type: 'utc', ticks: Math.max(2, Math.floor((width - DEFAULTS.marginLeft) / 90)) },
      y: { label: o.label, grid: true, zero: true, ...(o.format ? { tickFormat: o.format } : {}), ...ticks },
      // a legend only when two lines need telling apart
      color: { domain: series, range: [THEME.accent, THEME.palette[7]], ...(second.length ? { legend: true } : {}) },
      marks: [
        ...notes,
        Plot.ruleY([0]),
        ...(second.length ? [Plot.lineY(second, { x: 'x', y: 'y', stroke: 'series', strokeWidth: DEFAULTS.secondWidth, strokeDasharray: '3,2' })] : []),
        Plot.lineY(main, { x: 'x', y: 'y', stroke: 'series', strokeWidth: DEFAULTS.lineWidth }),
        // each day's value as a tip (no script: a title on an invisible dot)
        Plot.dot([...main, ...second], { x: 'x', y: 'y', r: 3, fill: 'currentColor', fillOpacity: 0, title: 'title' }),
      ],
    },
    o.idPrefix ? { idPrefix: o.idPrefix } : {},
  );
}
