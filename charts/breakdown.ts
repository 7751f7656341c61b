/**
 * A metric broken down by one dimension: horizontal bars, each a link to the
 * conversations of that group, its value written beside it.
 *
 * Written as SVG directly rather than through Plot: a metric page draws four
 * of these per request, and a bar chart needs no layout engine; building a
 * DOM for each was most of a cold page's time under load. It keeps the
 * look of the Plot charts (theme font and colour, same grid and axis).
 *
 * @example
 *   breakdownChart([{ key: 'email', value: 0.71 }], { label: 'FCR', unit: 'rate', href: (k) => `/conversations?channel=${k}` });
 */
import { escapeXml as escape } from './render.js';
import { chartStyle, styleAttribute, THEME } from './theme.js';
import { niceTicks, unitTicks, type ValueUnit } from './ticks.js';

/**
 * Width, the height of a bar's row and the margins in px; the label column
 * grows with the longest label (6.5px a character) up to `maxLeft`; ticks
 * closer than `minTickSpacing` are thinned to every second one.
 */
const DEFAULTS = { width: 560, bar: 22, top: 22, bottom: 24, right: 60, maxLeft: 220, minTickSpacing: 44 } as const;
const { bar: BAR, top: TOP, bottom: BOTTOM, right: RIGHT } = DEFAULTS;

export interface BreakdownRow {
  /** The group (a channel, an agent id): what `href` gets. */
  key: string;
  /** Rows without a value are left out. */
  value: number | null;
  /** What the bar is called on screen, when not its key (an agent's name). */
  label?: string;
}

export interface BreakdownProps {
  /** The value axis label (the metric). */
  label: string;
  /** Where a bar leads: the conversations of that group. */
  href: (key: string) => string;
  /** The format of the value beside a bar and in its tip, and of the ticks when `unit` has no tick format of its own. */
  format?: (v: number) => string;
  /** The unit of the values: 'rate' ticks as 70%, 'seconds' on round times (15m, 30m); others by `format`. */
  unit?: ValueUnit;
  /** Default 560. */
  width?: number;
}

export function breakdownChart(rows: readonly BreakdownRow[], o: BreakdownProps): string {
  const data = rows.filter((r) => r.value !== null).map((r) => ({ key: r.label ?? r.key, value: r.value as number, href: o.href(r.key) }));
  if (data.length === 0) return '';
  const fmt = o.format ?? String;
  const unit = unitTicks(
    o.unit,
    data.map((d) => d.value),
    true,
  );
  const tickFormat = unit.tickFormat ?? fmt;
  const width = o.width ?? DEFAULTS.width;
  const left = Math.min(DEFAULTS.maxLeft, 16 + 6.5 * Math.max(...data.map((d) => d.key.length)));
  const height = TOP + data.length * BAR + BOTTOM;
  const lo = Math.min(0, ...data.map((d) => d.value));
  const top = Math.max(0, ...data.map((d) => d.value));
  // round times for durations (from zero up: a duration is never negative), round numbers for the rest
  const ticks = unit.ticks && lo === 0 ? unit.ticks : niceTicks(lo, top);
  const hi = Math.max(ticks.at(-1)!, ...data.map((d) => d.value));
  const x = (v: number) => left + ((v - lo) / (hi - lo || 1)) * (width - left - RIGHT);
  // on a narrow chart every second tick, so their labels do not run together
  const shownTicks = (width - left - RIGHT) / Math.max(1, ticks.length - 1) < DEFAULTS.minTickSpacing ? ticks.filter((_, i) => i % 2 === 0) : ticks;
  const grid = shownTicks
    .map(
      (t) =>
        `<line x1="${x(t).toFixed(1)}" x2="${x(t).toFixed(1)}" y1="${TOP}" y2="${height - BOTTOM + 4}" stroke="currentColor" stroke-opacity="0.1"/>` +
        `<text x="${x(t).toFixed(1)}" y="${TOP - 6}" text-anchor="middle" fill="currentColor">${escape(tickFormat(t))}</text>`,
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
        `<a href="${escape(d.href)}"><title>${title}</title><rect x="${x0.toFixed(1)}" y="${y + 2}" width="${w.toFixed(1)}" height="${BAR - 4}" fill="${THEME.accent}"/></a>` +
        `<text x="${(x(Math.max(0, d.value)) + 4).toFixed(1)}" y="${y + BAR / 2}" dy="0.32em" fill="currentColor">${escape(fmt(d.value))}</text>`
      );
    })
    .join('');
  const axis = `<line x1="${x(0).toFixed(1)}" x2="${x(0).toFixed(1)}" y1="${TOP}" y2="${height - BOTTOM}" stroke="currentColor"/>`;
  const label = `<text x="${width - RIGHT}" y="${height - 6}" text-anchor="end" fill="currentColor" fill-opacity="0.8">${escape(o.label)} →</text>`;
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" style="${styleAttribute(chartStyle())}">` +
    `<title>${escape(o.label)}</title>${grid}${bars}${axis}${label}</svg>`
  );
}
