/**
 * A tile's sparkline: one value per month, no axes, the last month marked
 * with a dot. Drawn in `currentColor`: it takes the colour of its tile. When
 * the last month is not whole (`partial`: the range ends inside it), the
 * line to it is dashed and its dot hollow, so that a month of a few days does
 * not read as a fall.
 *
 * The markup is Observable Plot's (`sparklineByPlot`), written directly: a
 * cold overview draws a dozen sparklines, and Plot's scales, marks and DOM
 * cost about 0.4–0.6 ms each for two paths and a circle. Plot itself draws
 * the opening of the `<svg>` and its stylesheet (once per size) and any data
 * this writer does not follow (values that are not finite, months out of
 * order); `sparkline.test.ts` compares the two on random series.
 *
 * @example
 *   sparkline([{ month: '2026-01', value: 0.7 }, { month: '2026-02', value: 0.72 }]);
 *   sparkline(points, { partial: '2026-12' }); // December so far
 */
import * as Plot from '@observablehq/plot';
import { renderPlot, roundCoordinates } from './render.js';
import { lineIntoLast, lineIntoLastMarkup, linearScale } from './so-far.js';

/** Size and margin in px; the line's width and the last dot's radius. */
const DEFAULTS = { width: 120, height: 32, margin: 3, lineWidth: 1.5, dotRadius: 2 } as const;
/** The dash of the line into a partial last month. */
const DASH = '2,2';

export interface SparkPoint {
  /** 'YYYY-MM'. */
  month: string;
  /** Left out when null; fewer than two values draw nothing (''). */
  value: number | null;
}

export interface SparklineProps {
  /** Default 120. */
  width?: number;
  /** Default 32. */
  height?: number;
  /** The month the range ends inside ('YYYY-MM'): when it is the last point, the line to it is dashed and its dot hollow. */
  partial?: string;
}

type Datum = { x: Date; y: number };

export function sparkline(points: readonly SparkPoint[], props: SparklineProps = {}): string {
  const { width = DEFAULTS.width, height = DEFAULTS.height, partial } = props;
  const shown = points.filter((p) => p.value !== null);
  const data: Datum[] = shown.map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value as number }));
  if (data.length < 2) return '';
  const lastPartial = partial !== undefined && shown[shown.length - 1]!.month === partial;
  const ordered = data.every((d, i) => Number.isFinite(d.y) && Number.isFinite(d.x.getTime()) && (i === 0 || d.x > data[i - 1]!.x));
  return ordered ? written(data, width, height, lastPartial) : sparklineByPlot(data, width, height, lastPartial);
}

/** The sparkline drawn by Plot: the reference of {@link written}, and what draws data it does not follow. */
export function sparklineByPlot(data: readonly Datum[], width: number, height: number, lastPartial: boolean): string {
  const line = { x: 'x', y: 'y', stroke: 'currentColor', strokeWidth: DEFAULTS.lineWidth } as const;
  const last = data.slice(-1);
  return renderPlot({
    width,
    height,
    margin: DEFAULTS.margin,
    axis: null,
    x: { type: 'utc' },
    marks: [
      ...lineIntoLast(data, line, DASH, lastPartial),
      Plot.dot(last, { x: 'x', y: 'y', r: DEFAULTS.dotRadius, ...(lastPartial ? { stroke: 'currentColor', fill: 'white' } : { fill: 'currentColor' }) }),
    ],
  });
}

// Plot's `<svg …><style>…</style>` of a size: its class names a hash of Plot's stylesheet
const openings = new Map<string, string>();

function opening(width: number, height: number): string {
  const key = `${width}x${height}`;
  let kept = openings.get(key);
  if (kept === undefined) {
    const svg = sparklineByPlot(
      [
        { x: new Date(0), y: 0 },
        { x: new Date(1), y: 1 },
      ],
      width,
      height,
      false,
    );
    kept = svg.slice(0, svg.indexOf('</style>') + '</style>'.length);
    openings.set(key, kept);
  }
  return kept;
}

/**
 * Plot's markup without Plot: its x (utc) and y (linear) scales map the
 * extent of the data onto the frame inside the margins, as d3's continuous
 * scales compute it (r0 × (1 − t) + r1 × t, the middle for a domain of one
 * value); the line's path has d3-path's three decimals; the markup's numbers
 * are rounded as `renderPlot` rounds them.
 */
function written(data: readonly Datum[], width: number, height: number, lastPartial: boolean): string {
  const m = DEFAULTS.margin;
  const times = data.map((d) => d.x.getTime());
  let lo = Infinity;
  let hi = -Infinity;
  for (const d of data) {
    if (d.y < lo) lo = d.y;
    if (d.y > hi) hi = d.y;
  }
  const x = linearScale(times[0]!, times[times.length - 1]!, m, width - m);
  const y = linearScale(lo, hi, height - m, m);
  const X = times.map(x);
  const Y = data.map((d) => y(d.y));
  const n = data.length;
  const style = `stroke-linecap="round" stroke-linejoin="round" stroke-width="${DEFAULTS.lineWidth}" stroke="currentColor" fill="none" aria-label="line"`;
  const lines = lineIntoLastMarkup(X, Y, style, DASH, lastPartial);
  // a fill of currentColor is the svg's own: Plot leaves it out
  const dotStyle = lastPartial ? `stroke-width="${DEFAULTS.lineWidth}" stroke="currentColor" fill="white" ` : '';
  const dot = `<g ${dotStyle}aria-label="dot"><circle r="${DEFAULTS.dotRadius}" cy="${Y[n - 1]}" cx="${X[n - 1]}" /></g>`;
  return opening(width, height) + roundCoordinates(`${lines}${dot}</svg>`);
}
