/**
 * A monthly trend: bars for counts, a line with dots for rates and durations.
 * Each bar or dot links (`href`) to the conversations behind it.
 *
 * @example
 *   trendChart(rows, { kind: 'bar', label: 'Conversations', href: (m) => `/conversations?month=${m}` });
 *   trendChart(rows, { kind: 'line', label: 'First response time', unit: 'seconds', format: formatDuration, href });
 *   trendChart(rows, { kind: 'line', label: 'FCR', unit: 'rate', href, target: { value: 0.8, label: 'target 80.0%' } });
 *   trendChart(rows, { kind: 'line', label: 'FCR', unit: 'rate', href, annotations: [{ date: '2026-03-09', label: 'Release 4.2', kind: 'release' }] });
 *   trendChart(rows, { kind: 'bar', label: 'Conversations', href, partial: { month: '2026-12', through: '2026-12-01' } });
 *
 * A month the range ends inside (`partial`) is drawn lighter (its bar) or
 * hollow at the end of a dashed line (its dot), its tip says the days it
 * holds ("2026-12: 240 (to 2026-12-01 only)"), and its tick reads "26-12" over "so far": a month of a few days must not
 * read as a fall.
 *
 * The y axis starts at 0 (a rate of 78.0–79.5 % must not look like a swing);
 * a chart drawn with `zero: false` says "axis does not start at 0" in its corner.
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';
import { unitTicks, type ValueUnit } from './ticks.js';
import { annotationMarks, type ChartAnnotation } from './annotations.js';
import { lineIntoLast } from './so-far.js';

/** Size and margins in px; the line's width and its dots' radius. */
const DEFAULTS = { width: 560, height: 220, marginLeft: 72, marginRight: 20, marginTop: 20, marginTopAnnotated: 48, lineWidth: 2, dotRadius: 5, marginBottomPartial: 42 } as const;
/** A bar of a month the range ends inside. */
const PARTIAL_OPACITY = 0.35;

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
  /** Whether the y axis starts at 0: default true; false marks the chart "axis does not start at 0". */
  zero?: boolean;
  /** Dated events drawn as labelled vertical rules (releases, outages, emerging topics); those outside the months are left out. */
  annotations?: readonly ChartAnnotation[];
  /** The month the trend's range ends inside, and its last day in the range ('YYYY-MM', 'YYYY-MM-DD'); undefined: every month is whole. */
  partial?: { month: string; through: string } | undefined;
}

// The same trend is drawn again and again (every request of a page shows the
// twelve months to the same day): a chart is kept by what it shows.
const drawn = new Map<string, string>();
const KEEP = 500;

export function trendChart(points: readonly TrendPoint[], o: TrendProps): string {
  const data = points.filter((p) => p.value !== null).map((p) => ({ month: p.month, x: new Date(`${p.month}-01T00:00:00Z`), y: p.value as number, href: o.href(p.month) }));
  if (data.length === 0) return '';
  const key = JSON.stringify([
    o.kind,
    o.label,
    o.unit,
    o.width,
    o.height,
    o.target,
    o.zero,
    o.annotations,
    o.partial,
    data.map((d) => [d.month, d.y, d.href, o.format ? o.format(d.y) : null]),
  ]);
  const kept = drawn.get(key);
  if (kept !== undefined) return kept;
  const svg = draw(data, o);
  if (drawn.size >= KEEP) drawn.delete(drawn.keys().next().value!);
  drawn.set(key, svg);
  return svg;
}

function draw(data: { month: string; x: Date; y: number; href: string }[], o: TrendProps): string {
  const zero = o.kind === 'bar' || o.zero !== false;
  const ticks = unitTicks(o.unit, [...data.map((d) => d.y), ...(o.target ? [o.target.value] : [])], zero);
  const y = { label: o.label, grid: true, ...(zero ? { zero: true } : {}), ...(o.format ? { tickFormat: o.format } : {}), ...ticks };
  const width = o.width ?? DEFAULTS.width;
  const months = data.map((d) => d.month);
  const notes = annotationMarks(o.annotations ?? [], months, o.kind === 'bar' ? 'band' : 'time', width - DEFAULTS.marginLeft - DEFAULTS.marginRight);
  // annotation labels sit above the frame, on one or two lines
  const marginTop = notes.length ? DEFAULTS.marginTopAnnotated : DEFAULTS.marginTop;
  const common = {
    width,
    height: (o.height ?? DEFAULTS.height) + marginTop - DEFAULTS.marginTop,
    marginLeft: DEFAULTS.marginLeft,
    marginRight: DEFAULTS.marginRight,
    marginTop,
    y,
  };
  const partial = o.partial && months.includes(o.partial.month) ? o.partial : undefined;
  const whole = (d: { month: string }) => d.month !== partial?.month;
  const title = (d: { month: string; y: number }) => `${d.month}: ${o.format ? o.format(d.y) : d.y}${whole(d) ? '' : ` (to ${partial!.through} only)`}`;
  // said in words, where the y axis begins
  const notZero = zero ? [] : [Plot.text(['axis does not start at 0'], { frameAnchor: 'top-right', dy: -marginTop + 6, fill: 'currentColor', fillOpacity: 0.8 })];
  if (o.kind === 'bar') {
    // a label every month while they fit, else every second or third one
    const every = Math.ceil((months.length * 34) / (width - DEFAULTS.marginLeft));
    return renderPlot({
      ...common,
      // the second line of the partial month's tick
      ...(partial ? { marginBottom: DEFAULTS.marginBottomPartial } : {}),
      x: {
        label: null,
        type: 'band',
        tickFormat: (m: string, i: number) => (m === partial?.month ? `${m.slice(2)}\nso far` : i % every === 0 ? m.slice(2) : ''),
      },
      marks: [
        Plot.barY(data.filter(whole), { x: 'month', y: 'y', fill: THEME.accent, href: 'href', title }),
        ...(partial
          ? [
              Plot.barY(
                data.filter((d) => !whole(d)),
                { x: 'month', y: 'y', fill: THEME.accent, fillOpacity: PARTIAL_OPACITY, href: 'href', title },
              ),
            ]
          : []),
        Plot.ruleY([0]),
        ...notes,
        ...targetMarks(o.target),
      ],
    });
  }
  return renderPlot({
    ...common,
    // ticks on months (every second or third one when they do not fit), never on days of a short trend
    x: { label: null, type: 'utc', ticks: monthInterval(months.length, Math.max(2, Math.floor((width - DEFAULTS.marginLeft) / 80))) },
    marks: [
      ...notes,
      ...lineIntoLast(data, { x: 'x', y: 'y', stroke: THEME.accent, strokeWidth: DEFAULTS.lineWidth }, '4,3', partial !== undefined && data.at(-1)?.month === partial.month),
      Plot.dot(data.filter(whole), { x: 'x', y: 'y', r: DEFAULTS.dotRadius, fill: THEME.accent, href: 'href', title }),
      ...(partial
        ? [
            Plot.dot(
              data.filter((d) => !whole(d)),
              { x: 'x', y: 'y', r: DEFAULTS.dotRadius, stroke: THEME.accent, strokeWidth: DEFAULTS.lineWidth, fill: 'white', href: 'href', title },
            ),
          ]
        : []),
      ...targetMarks(o.target),
      ...notZero,
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

/** Plot's tick interval for `months` monthly points and at most `fit` ticks: 'month', '2 months', '3 months'… */
function monthInterval(months: number, fit: number): string {
  const every = Math.max(1, Math.ceil(months / fit));
  return every === 1 ? 'month' : `${every} months`;
}
