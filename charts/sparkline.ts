/**
 * A tile's sparkline: one value per month, no axes, the last month marked
 * with a dot. Drawn in `currentColor`: it takes the colour of its tile.
 *
 * @example
 *   sparkline([{ month: '2026-01', value: 0.7 }, { month: '2026-02', value: 0.72 }]);
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';

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
}

export function sparkline(points: readonly SparkPoint[], { width = DEFAULTS.width, height = DEFAULTS.height }: SparklineProps = {}): string {
  const data = points.filter((p) => p.value !== null).map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value }));
  if (data.length < 2) return '';
  return renderPlot({
    width,
    height,
    margin: DEFAULTS.margin,
    axis: null,
    x: { type: 'utc' },
    marks: [
      Plot.lineY(data, { x: 'x', y: 'y', stroke: 'currentColor', strokeWidth: DEFAULTS.lineWidth }),
      Plot.dot(data.slice(-1), { x: 'x', y: 'y', r: DEFAULTS.dotRadius, fill: 'currentColor' }),
    ],
  });
}
