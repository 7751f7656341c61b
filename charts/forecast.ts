/**
 * A volume forecast: the recent actual counts as a line, the forecast as a
 * dashed line in the accent colour over the band of its prediction interval.
 * Numbers in, SVG out; the forecast itself is planning/'s.
 *
 * @example
 *   forecastChart(
 *     [{ date: '2026-11-29', value: 118 }, { date: '2026-11-30', value: 364 }],
 *     [{ date: '2026-12-01', forecast: 254, low: 230, high: 290 }],
 *     { label: 'Conversations per day', idPrefix: 'plan-forecast' },
 *   );
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';

/** Size and margins in px; line widths; the band's opacity; the dash of the forecast. */
const DEFAULTS = { width: 860, height: 260, marginLeft: 56, lineWidth: 1.5, bandOpacity: 0.18, dash: '5,3' } as const;

export interface ActualPoint {
  /** YYYY-MM-DD. */
  date: string;
  value: number;
}

export interface ForecastPoint {
  date: string;
  forecast: number;
  low: number;
  high: number;
}

export interface ForecastChartProps {
  /** The y axis label. */
  label: string;
  /** Prefix of the SVG's ids (one per chart of a page). */
  idPrefix?: string;
  /** Default 860. */
  width?: number;
  /** Default 260. */
  height?: number;
}

const day = (date: string) => new Date(`${date}T00:00:00Z`);

export function forecastChart(actual: readonly ActualPoint[], forecast: readonly ForecastPoint[], o: ForecastChartProps): string {
  if (actual.length === 0 && forecast.length === 0) return '';
  const past = actual.map((a) => ({ x: day(a.date), y: a.value, title: `${a.date}: ${a.value}` }));
  const ahead = forecast.map((f) => ({
    x: day(f.date),
    y: f.forecast,
    low: f.low,
    high: f.high,
    title: `${f.date}: forecast ${f.forecast.toFixed(0)} (80 %: ${f.low.toFixed(0)}–${f.high.toFixed(0)})`,
  }));
  return renderPlot(
    {
      width: o.width ?? DEFAULTS.width,
      height: o.height ?? DEFAULTS.height,
      marginLeft: DEFAULTS.marginLeft,
      x: { label: null, type: 'utc' },
      y: { label: o.label, grid: true, zero: true },
      marks: [
        Plot.areaY(ahead, { x: 'x', y1: 'low', y2: 'high', fill: THEME.accent, fillOpacity: DEFAULTS.bandOpacity }),
        Plot.lineY(past, { x: 'x', y: 'y', stroke: THEME.palette[7], strokeWidth: DEFAULTS.lineWidth }),
        Plot.lineY(ahead, { x: 'x', y: 'y', stroke: THEME.accent, strokeWidth: DEFAULTS.lineWidth * 1.5, strokeDasharray: DEFAULTS.dash }),
        Plot.dot([...past, ...ahead], { x: 'x', y: 'y', r: 2, fill: 'currentColor', fillOpacity: 0, title: 'title' }),
        Plot.ruleY([0]),
      ],
    },
    o.idPrefix ? { idPrefix: o.idPrefix } : {},
  );
}
