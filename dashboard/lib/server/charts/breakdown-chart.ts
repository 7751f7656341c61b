/**
 * A metric broken down by one dimension: horizontal bars, each a link to the
 * conversations of that group.
 *
 * Written as SVG directly rather than through Plot: a metric page draws four
 * of these per request, and a bar chart needs no layout engine; building a
 * DOM for each was most of a cold page's time under load. It keeps the
 * look of the Plot charts (same font, colour, grid and axis).
 *
 * Options: `format` (value format), `width` (default 560), `label`.
 *
 * @example
 *   breakdownChart([{ key: 'email', value: 0.71 }], { label: 'FCR', href: (k) => `/conversations?channel=${k}` });
 */
import { CHART_STYLE } from './render.js';

export interface BreakdownRow {
  key: string;
  value: number | null;
  /** What the bar is called on screen, when not its key (an agent's name). */
  label?: string;
}

export interface BreakdownOptions {
  label: string;
  href: (key: string) => string;
  format?: (v: number) => string;
  width?: number;
}

const WIDTH = 560;
const BAR = 22;
const TOP = 22;
const BOTTOM = 24;
const FILL = '#3b5bdb';

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => (hi - lo) / s <= count + 1) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

export function breakdownChart(rows: readonly BreakdownRow[], o: BreakdownOptions): string {
  const data = rows
    .filter((r) => r.value !== null)
    .map((r) => ({ key: r.label ?? r.key, value: r.value as number, href: o.href(r.key) }));
  if (data.length === 0) return '';
  const fmt = o.format ?? String;
  const width = o.width ?? WIDTH;
  const left = Math.min(220, 16 + 6.5 * Math.max(...data.map((d) => d.key.length)));
  const right = 60;
  const height = TOP + data.length * BAR + BOTTOM;
  const lo = Math.min(0, ...data.map((d) => d.value));
  const ticks = niceTicks(lo, Math.max(0, ...data.map((d) => d.value)));
  const hi = Math.max(ticks.at(-1)!, ...data.map((d) => d.value));
  const x = (v: number) => left + ((v - lo) / (hi - lo || 1)) * (width - left - right);
  const grid = ticks
    .map(
      (t) =>
        `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${TOP}" y2="${height - BOTTOM + 4}" stroke="currentColor" stroke-opacity="0.1"/>` +
        `<text x="${x(t).toFixed(1)}" y="${TOP - 6}" text-anchor="middle" fill="currentColor">${escape(fmt(t))}</text>`,
    )
    .join('');
  const bars = data
    .map((d, i) => {
      const y = TOP + i * BAR;
      const x0 = x(Math.min(0, d.value));
      const w = Math.abs(x(d.value) - x(0));
      const title = escape(`${d.key}: ${fmt(d.value)}`);
      return (
        `<text x="${left - 6}" y="${y + BAR / 2}" dy="0.32em" text-anchor="end" fill="currentColor">${escape(d.key)}</text>` +
        `<a href="${escape(d.href)}"><title>${title}</title><rect x="${x0.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${BAR - 4}" fill="${FILL}"/></a>` +
        `<text x="${(x(Math.max(0, d.value)) + 4).toFixed(1)}" y="${y + BAR / 2}" dy="0.32em" fill="currentColor">${escape(fmt(d.value))}</text>`
      );
    })
    .join('');
  const axis = `<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="${TOP}" y2="${height - BOTTOM}" stroke="currentColor"/>`;
  const label = `<text x="${width - right}" y="${height - 6}" text-anchor="end" fill="currentColor" fill-opacity="0.8">${escape(o.label)} →</text>`;
  const style = `font-size:${CHART_STYLE.fontSize};font-family:${CHART_STYLE.fontFamily};background:${CHART_STYLE.background};overflow:${CHART_STYLE.overflow}`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="${style}">` +
    `<title>${escape(o.label)}</title>${grid}${bars}${axis}${label}</svg>`
  );
}
