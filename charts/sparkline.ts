/**
 * A tile's sparkline: one value per month, no axes, the last month marked
 * with a dot. Drawn in `currentColor`: it takes the colour of its tile.
 *
 * @example
 *   sparkline([{ month: '2026-01', value: 0.7 }, { month: '2026-02', value: 0.72 }]);
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';

const WIDTH = 120;
const HEIGHT = 32;
const MARGIN = 3;
const LINE_WIDTH = 1.5;
const DOT_RADIUS = 2;

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

export function sparkline(points: readonly SparkPoint[], { width = WIDTH, height = HEIGHT }: SparklineProps = {}): string {
  const data = points.filter((p) => p.value !== null).map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value }));
  if (data.length < 2) return '';
  return renderPlot({
    width,
    height,
    margin: MARGIN,
    axis: null,
    x: { type: 'utc' },
    marks: [
      Plot.lineY(data, { x: 'x', y: 'y', stroke: 'currentColor', strokeWidth: LINE_WIDTH }),
      Plot.dot(data.slice(-1), { x: 'x', y: 'y', r: DOT_RADIUS, fill: 'currentColor' }),
    ],
  });
}
