/**
 * A metric broken down by one dimension: horizontal bars, each a link to the
 * conversations of that group.
 *
 * Options: `format` (value format), `width` (default 560), `label`.
 *
 * @example
 *   breakdownChart([{ key: 'email', value: 0.71 }], { label: 'FCR', href: (k) => `/conversations?channel=${k}` });
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';

export interface BreakdownRow {
  key: string;
  value: number | null;
}

export interface BreakdownOptions {
  label: string;
  href: (key: string) => string;
  format?: (v: number) => string;
  width?: number;
}

const WIDTH = 560;
const BAR = 22;

export function breakdownChart(rows: readonly BreakdownRow[], o: BreakdownOptions): string {
  const data = rows.filter((r) => r.value !== null).map((r) => ({ key: r.key, value: r.value as number, href: o.href(r.key) }));
  if (data.length === 0) return '';
  const fmt = o.format ?? String;
  return renderPlot({
    width: o.width ?? WIDTH,
    height: 30 + data.length * BAR,
    marginLeft: Math.min(220, 16 + 6.5 * Math.max(...data.map((d) => d.key.length))),
    marginRight: 60,
    x: { label: o.label, grid: true, tickFormat: fmt, ticks: 4 },
    y: { label: null, domain: data.map((d) => d.key) },
    marks: [
      Plot.barX(data, { y: 'key', x: 'value', fill: '#3b5bdb', href: 'href', title: (d: { key: string; value: number }) => `${d.key}: ${fmt(d.value)}` }),
      Plot.text(data, { y: 'key', x: 'value', text: (d: { value: number }) => fmt(d.value), dx: 4, textAnchor: 'start' }),
      Plot.ruleX([0]),
    ],
  });
}
