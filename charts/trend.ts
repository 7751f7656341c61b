/**
 * A monthly trend: bars for counts, a line with dots for rates and durations.
 * Each bar or dot links (`href`) to the conversations behind it.
 *
 * @example
 *   trendChart(rows, { kind: 'bar', label: 'Conversations', href: (m) => `/conversations?month=${m}` });
 *   trendChart(rows, { kind: 'line', label: 'First response time', unit: 'seconds', format: formatDuration, href });
 *   trendChart(rows, { kind: 'line', label: 'FCR', unit: 'rate', href, target: { value: 0.8, label: 'target 80.0%' } });
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';
import { unitTicks, type ValueUnit } from './ticks.js';

/** Size and left margin in px; the line's width and its dots' radius. */
const DEFAULTS = { width: 560, height: 220, marginLeft: 72, lineWidth: 2, dotRadius: 5 } as const;

export interface TrendPoint {
  /** 'YYYY-MM'. */
  month: string;
  /** Left out of the chart when null. */
  value: number | null;
}

export interface TrendProps {
  /** 'bar' for counts (a band per month, from zero), 'line' for rates and durations (a time axis, dots on the line). */
  kind: 'bar' | 'line';
  /** The y axis label. */
  label: string;
  /** Where a bar or dot leads: the conversations of that month. */
  href: (month: string) => string;
  /** The format of a value in the tip of a bar or dot, and of the y ticks when `unit` has no tick format of its own. */
  format?: (v: number) => string;
  /** The unit of the values: 'rate' ticks as 70%, 'seconds' on round times (15m, 30m); others by `format`. */
  unit?: ValueUnit;
  /** Default 560. */
  width?: number;
  /** Default 220. */
  height?: number;
  /** A configured target: a dashed horizontal rule at `value`, with `label` at its right end. */
  target?: { value: number; label: string };
}

// The same trend is drawn again and again (every request of a page shows the
// twelve months to the same day): a chart is kept by what it shows.
const drawn = new Map<string, string>();
const KEEP = 500;

export function trendChart(points: readonly TrendPoint[], o: TrendProps): string {
  const data = points.filter((p) => p.value !== null).map((p) => ({ month: p.month, x: new Date(`${p.month}-01T00:00:00Z`), y: p.value as number, href: o.href(p.month) }));
  if (data.length === 0) return '';
  const key = JSON.stringify([o.kind, o.label, o.unit, o.width, o.height, o.target, data.map((d) => [d.month, d.y, d.href, o.format ? o.format(d.y) : null])]);
  const kept = drawn.get(key);
  if (kept !== undefined) return kept;
  const svg = draw(data, o);
  if (drawn.size >= KEEP) drawn.delete(drawn.keys().next().value!);
  drawn.set(key, svg);
  return svg;
}

function draw(data: { month: string; x: Date; y: number; href: string }[], o: TrendProps): string {
  const ticks = unitTicks(o.unit, [...data.map((d) => d.y), ...(o.target ? [o.target.value] : [])], o.kind === 'bar');
  const y = { label: o.label, grid: true, ...(o.format ? { tickFormat: o.format } : {}), ...ticks };
  const common = { width: o.width ?? DEFAULTS.width, height: o.height ?? DEFAULTS.height, marginLeft: DEFAULTS.marginLeft, y };
  const title = (d: { month: string; y: number }) => `${d.month}: ${o.format ? o.format(d.y) : d.y}`;
  if (o.kind === 'bar') {
    return renderPlot({
      ...common,
      x: { label: null, type: 'band', tickFormat: (m: string) => m.slice(2) },
      marks: [Plot.barY(data, { x: 'month', y: 'y', fill: THEME.accent, href: 'href', title }), Plot.ruleY([0]), ...targetMarks(o.target)],
    });
  }
  return renderPlot({
    ...common,
    x: { label: null, type: 'utc' },
    marks: [
      Plot.lineY(data, { x: 'x', y: 'y', stroke: THEME.accent, strokeWidth: DEFAULTS.lineWidth }),
      Plot.dot(data, { x: 'x', y: 'y', r: DEFAULTS.dotRadius, fill: THEME.accent, href: 'href', title }),
      ...targetMarks(o.target),
    ],
  });
}

/** The target's rule (dashed, in the text colour) and its label above the rule's right end. */
function targetMarks(target: TrendProps['target']) {
  if (!target) return [];
  return [
    Plot.ruleY([target.value], { stroke: 'currentColor', strokeDasharray: '5 4', strokeOpacity: 0.8 }),
    Plot.text([target.value], { y: (v: number) => v, text: () => target.label, frameAnchor: 'right', textAnchor: 'end', dy: -7, fill: 'currentColor' }),
  ];
}
