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
 *
 * A line whose y axis is the unit's own (rates, durations, scores: the
 * domain does not follow the values) is Plot's markup without Plot for the
 * most part: the first chart of a frame (size, months, axes, annotations,
 * target) is Plot's, its markup around the line and dots is kept, and the
 * next charts of that frame have their line and dots written into it (about
 * 0.4–0.6 CPU ms a chart instead of 3–4). `trend.test.ts` compares the two on
 * random series; any frame whose Plot markup does not hold the written marks
 * stays Plot's.
 */
import * as Plot from '@observablehq/plot';
import { renderPlot, roundCoordinates } from './render.js';
import { THEME } from './theme.js';
import { unitTicks, type ValueUnit } from './ticks.js';
import { annotationMarks, type ChartAnnotation } from './annotations.js';
import { lineIntoLast, lineIntoLastMarkup, linearScale } from './so-far.js';

/** Size and margins in px; the line's width and its dots' radius. */
const DEFAULTS = {
  width: 560,
  height: 220,
  marginLeft: 72,
  marginRight: 20,
  marginTop: 20,
  marginTopAnnotated: 48,
  lineWidth: 2,
  dotRadius: 5,
  marginBottomPartial: 42,
  marginBottomLine: 30,
} as const;
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

const dataOf = (points: readonly TrendPoint[], o: TrendProps) =>
  points.filter((p) => p.value !== null).map((p) => ({ month: p.month, x: new Date(`${p.month}-01T00:00:00Z`), y: p.value as number, href: o.href(p.month) }));

/** The trend drawn by Plot alone, every mark: the reference of the written line and dots (trend.test.ts). */
export function trendChartByPlot(points: readonly TrendPoint[], o: TrendProps): string {
  const data = dataOf(points, o);
  return data.length ? draw(data, o, true) : '';
}

export function trendChart(points: readonly TrendPoint[], o: TrendProps): string {
  const data = dataOf(points, o);
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

function draw(data: { month: string; x: Date; y: number; href: string }[], o: TrendProps, plotOnly = false): string {
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
  const byPlot = () =>
    renderPlot({
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
  // a y domain of the unit's own (rates, durations) does not follow the values: the frame Plot draws is kept, the line and dots written
  if (plotOnly || !ticks.domain || !writable(data)) return byPlot();
  const frame = JSON.stringify([width, common.height, marginTop, o.label, o.unit, ticks.domain, ticks.ticks, o.target, o.zero, o.annotations, months, partial?.month]);
  const lastIsPartial = partial !== undefined && data.at(-1)?.month === partial.month;
  const domain = xDomain(data, o.annotations ?? [], months);
  if (!domain) return byPlot();
  const x = linearScale(domain[0], domain[1], DEFAULTS.marginLeft, width - DEFAULTS.marginRight);
  const yOf = linearScale(ticks.domain[0], ticks.domain[1], common.height - DEFAULTS.marginBottomLine, marginTop);
  return framed(frame, lineMarks(data, x, yOf, whole, title, lastIsPartial), byPlot);
}

/** A series the written line follows: two points or more, finite, in month order. */
function writable(data: readonly { x: Date; y: number }[]): boolean {
  return data.length >= 2 && data.every((d, i) => Number.isFinite(d.y) && Number.isFinite(d.x.getTime()) && (i === 0 || d.x > data[i - 1]!.x));
}

/** The extent of the time axis as Plot takes it: the months' points and the days of the annotations drawn in them. */
function xDomain(data: readonly { x: Date }[], annotations: readonly ChartAnnotation[], months: readonly string[]): [number, number] | undefined {
  const inside = new Set(months);
  const days = annotations.filter((a) => /^\d{4}-\d{2}-\d{2}$/.test(a.date) && inside.has(a.date.slice(0, 7))).map((a) => new Date(`${a.date}T00:00:00Z`).getTime());
  if (!days.every(Number.isFinite)) return undefined;
  const times = [...data.map((d) => d.x.getTime()), ...days];
  return [Math.min(...times), Math.max(...times)];
}

// An attribute value as linkedom writes it in an HTML document, and text
const attribute = (s: string) => s.replace(/"/g, '&quot;');
const TEXT: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '\u00a0': '&#160;' };
const text = (s: string) => s.replace(/[<>&\u00a0]/g, (c) => TEXT[c]!);

/**
 * Plot's markup of the line (dashed into a partial last month) and the dots
 * of a trend: d3-path's three decimals in the path, the dots at the scales'
 * values, each in its link with its tip; numbers rounded as renderPlot does.
 */
function lineMarks(
  data: readonly { month: string; x: Date; y: number; href: string }[],
  x: (v: number) => number,
  y: (v: number) => number,
  whole: (d: { month: string }) => boolean,
  title: (d: { month: string; y: number }) => string,
  lastIsPartial: boolean,
): string {
  const X = data.map((d) => x(d.x.getTime()));
  const Y = data.map((d) => y(d.y));
  const style = `stroke-linecap="round" stroke-linejoin="round" stroke-width="${DEFAULTS.lineWidth}" stroke="${THEME.accent}" fill="none" aria-label="line"`;
  const lines = lineIntoLastMarkup(X, Y, style, '4,3', lastIsPartial);
  const dots = (keep: boolean) => {
    let out = '';
    data.forEach((d, i) => {
      if (whole(d) === keep)
        out += `<a href="${attribute(d.href)}" fill="inherit"><circle r="${DEFAULTS.dotRadius}" cy="${Y[i]}" cx="${X[i]}"><title>${text(title(d))}</title></circle></a>`;
    });
    return out;
  };
  const partial = data.some((d) => !whole(d));
  const hollow = partial ? `<g stroke-width="${DEFAULTS.lineWidth}" stroke="${THEME.accent}" fill="white" aria-label="dot">${dots(false)}</g>` : '';
  return roundCoordinates(`${lines}<g fill="${THEME.accent}" aria-label="dot">${dots(true)}</g>${hollow}`);
}

// Plot's markup around the line and dots of a frame (its scales, axes, annotations, target), by what it shows
const frames = new Map<string, [string, string] | null>();

/**
 * `marks` in the frame Plot drew for `key`: the first chart of a frame is
 * Plot's, and its frame is kept when Plot's markup holds `marks` exactly
 * (else Plot draws every chart of that frame).
 */
function framed(key: string, marks: string, byPlot: () => string): string {
  const kept = frames.get(key);
  if (kept) return kept[0] + marks + kept[1];
  const svg = byPlot();
  if (kept === null) return svg;
  const at = svg.indexOf(marks);
  // ids Plot numbers through the process (markers, clip paths) must not repeat
  const ok = marks.length > 0 && at >= 0 && !/plot-(marker|clip|pattern)-/.test(svg);
  if (frames.size >= KEEP) frames.delete(frames.keys().next().value!);
  frames.set(key, ok ? [svg.slice(0, at), svg.slice(at + marks.length)] : null);
  return svg;
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
