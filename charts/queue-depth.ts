/**
 * Queue depth through the day: how many conversations were open at each
 * moment (a step line from zero), on a time axis of hours and minutes (UTC).
 *
 * @example
 *   queueDepthChart([{ at: new Date('2026-12-01T04:00:00Z'), open: 12 }, …]);   // '<svg …>'
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';

const DEFAULTS = { width: 560, height: 200, marginLeft: 48 } as const;

export interface DepthPoint {
  at: Date;
  open: number;
}

export function queueDepthChart(points: readonly DepthPoint[], o: { width?: number; height?: number } = {}): string {
  if (points.length === 0) return '';
  const data = points.map((p) => ({ x: p.at, y: p.open }));
  const hhmm = (d: Date) => d.toISOString().slice(11, 16);
  return renderPlot({
    width: o.width ?? DEFAULTS.width,
    height: o.height ?? DEFAULTS.height,
    marginLeft: DEFAULTS.marginLeft,
    x: { label: null, type: 'utc', tickFormat: hhmm },
    y: { label: 'Open conversations', grid: true, domain: [0, Math.max(1, ...data.map((d) => d.y))], nice: true },
    marks: [
      Plot.areaY(data, { x: 'x', y: 'y', fill: THEME.accent, fillOpacity: 0.15, curve: 'step-after' }),
      Plot.lineY(data, { x: 'x', y: 'y', stroke: THEME.accent, strokeWidth: 2, curve: 'step-after' }),
      Plot.dot(data, { x: 'x', y: 'y', r: 2.5, fill: THEME.accent, title: (d: { x: Date; y: number }) => `${hhmm(d.x)} UTC: ${d.y} open` }),
      Plot.ruleY([0]),
    ],
  });
}
