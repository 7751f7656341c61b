/**
 * A tile's sparkline: one value per month, no axes.
 *
 * Options: `width` (default 120), `height` (default 32).
 *
 * @example
 *   sparkline([{ month: '2026-01', value: 0.7 }, { month: '2026-02', value: 0.72 }]);
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';

export interface SparkPoint {
  month: string;
  value: number | null;
}

const WIDTH = 120;
const HEIGHT = 32;

export function sparkline(points: readonly SparkPoint[], { width = WIDTH, height = HEIGHT } = {}): string {
  const data = points.filter((p) => p.value !== null).map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value }));
  if (data.length < 2) return '';
  return renderPlot({
    width,
    height,
    margin: 3,
    axis: null,
    x: { type: 'utc' },
    marks: [Plot.lineY(data, { x: 'x', y: 'y', stroke: 'currentColor', strokeWidth: 1.5 }), Plot.dot(data.slice(-1), { x: 'x', y: 'y', r: 2, fill: 'currentColor' })],
  });
}
