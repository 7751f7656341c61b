/**
 * A tile's sparkline: one value per month, no axes, the last month marked
 * with a dot. Drawn in `currentColor`: it takes the colour of its tile. When
 * the last month is not whole (`partial`: the range ends inside it), the
 * line to it is dashed and its dot hollow, so that a month of a few days does
 * not read as a fall.
 *
 * @example
 *   sparkline([{ month: '2026-01', value: 0.7 }, { month: '2026-02', value: 0.72 }]);
 *   sparkline(points, { partial: '2026-12' }); // December so far
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { lineIntoLast } from './so-far.js';

/** Size and margin in px; the line's width and the last dot's radius. */
const DEFAULTS = { width: 120, height: 32, margin: 3, lineWidth: 1.5, dotRadius: 2 } as const;

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

export function sparkline(points: readonly SparkPoint[], { width = DEFAULTS.width, height = DEFAULTS.height, partial }: SparklineProps = {}): string {
  const shown = points.filter((p) => p.value !== null);
  const data = shown.map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value }));
  if (data.length < 2) return '';
  const lastPartial = partial !== undefined && shown[shown.length - 1]!.month === partial;
  const line = { x: 'x', y: 'y', stroke: 'currentColor', strokeWidth: DEFAULTS.lineWidth } as const;
  const last = data.slice(-1);
  return renderPlot({
    width,
    height,
    margin: DEFAULTS.margin,
    axis: null,
    x: { type: 'utc' },
    marks: [
      ...lineIntoLast(data, line, '2,2', lastPartial),
      Plot.dot(last, { x: 'x', y: 'y', r: DEFAULTS.dotRadius, ...(lastPartial ? { stroke: 'currentColor', fill: 'white' } : { fill: 'currentColor' }) }),
    ],
  });
}
