/**
 * A monthly trend: bars for counts, a line with dots for rates and durations.
 * Each bar or dot links (`href`) to the conversations behind it.
 *
 * Options: `kind` ('bar' | 'line'), `format` (tick and tip format of y),
 * `width` (default 560), `height` (default 220), `label` (y axis).
 *
 * @example
 *   trendChart(rows, { kind: 'bar', label: 'Conversations', href: (m) => `/conversations?month=${m}` });
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';

export interface TrendPoint {
  month: string;
  value: number | null;
}

export interface TrendOptions {
  kind: 'bar' | 'line';
  label: string;
  href: (month: string) => string;
  format?: (v: number) => string;
  width?: number;
  height?: number;
}

const WIDTH = 560;
const HEIGHT = 220;
const COLOR = '#3b5bdb';

// The same trend is drawn again and again (every request of a page shows the
// twelve months to the same day): a chart is kept by what it shows.
const drawn = new Map<string, string>();
const KEEP = 500;

export function trendChart(points: readonly TrendPoint[], o: TrendOptions): string {
  const data = points
    .filter((p) => p.value !== null)
    .map((p) => ({ month: p.month, x: new Date(`${p.month}-01T00:00:00Z`), y: p.value as number, href: o.href(p.month) }));
  if (data.length === 0) return '';
  const key = JSON.stringify([o.kind, o.label, o.width, o.height, data.map((d) => [d.month, d.y, d.href, o.format ? o.format(d.y) : null])]);
  const kept = drawn.get(key);
  if (kept !== undefined) return kept;
  const svg = draw(data, o);
  if (drawn.size >= KEEP) drawn.delete(drawn.keys().next().value!);
  drawn.set(key, svg);
  return svg;
}

function draw(data: { month: string; x: Date; y: number; href: string }[], o: TrendOptions): string {
  const yTick = o.format ? { tickFormat: o.format } : {};
  const common = { width: o.width ?? WIDTH, height: o.height ?? HEIGHT, marginLeft: 72, y: { label: o.label, grid: true, ...yTick } };
  const title = (d: { month: string; y: number }) => `${d.month}: ${o.format ? o.format(d.y) : d.y}`;
  if (o.kind === 'bar') {
    return renderPlot({
      ...common,
      x: { label: null, type: 'band', tickFormat: (m: string) => m.slice(2) },
      marks: [Plot.barY(data, { x: 'month', y: 'y', fill: COLOR, href: 'href', title }), Plot.ruleY([0])],
    });
  }
  return renderPlot({
    ...common,
    x: { label: null, type: 'utc' },
    marks: [
      Plot.lineY(data, { x: 'x', y: 'y', stroke: COLOR, strokeWidth: 2 }),
      Plot.dot(data, { x: 'x', y: 'y', r: 5, fill: COLOR, href: 'href', title }),
    ],
  });
}
