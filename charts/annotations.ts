/**
 * The annotation layer of trend charts: dated events (a release, an outage, a
 * policy change, an emerging topic) drawn as labelled dashed vertical rules,
 * coloured by kind, each with its full text as a tip. The events themselves
 * come from the config, the dashboard and insights (models/annotations.ts).
 *
 * @example
 *   annotationMarks([{ date: '2026-03-09', label: 'Release 4.2', kind: 'release' }], ['2026-02', '2026-03'], 'time', 560);
 *   // [ruleX at 2026-03-09, its label 'Release 4.2' at the top of the frame]
 */
import * as Plot from '@observablehq/plot';
import { THEME } from './theme.js';

/** The kinds of event and their colours; any other kind is grey. */
export const ANNOTATION_COLOURS: Readonly<Record<string, string>> = {
  release: THEME.palette[2],
  outage: THEME.palette[3],
  policy: THEME.palette[4],
  incident: THEME.palette[1],
};
const OTHER = THEME.palette[7];

/** Labels longer than this are cut (the tip holds the whole text); px a character of label text. */
const DEFAULTS = { maxLabel: 22, charWidth: 6.5, dash: '4,3' } as const;

export interface ChartAnnotation {
  /** The day of the event, YYYY-MM-DD. */
  date: string;
  label: string;
  /** 'release', 'outage', 'policy', 'incident' (an emerging topic) or another word. */
  kind: string;
}

/** The colour of a kind of event. */
export function annotationColour(kind: string): string {
  return ANNOTATION_COLOURS[kind] ?? OTHER;
}

const cut = (s: string) => (s.length > DEFAULTS.maxLabel ? `${s.slice(0, DEFAULTS.maxLabel - 1)}…` : s);

/**
 * Plot marks for the annotations that fall in `months` ('YYYY-MM', in order):
 * on a time axis at their day, on a band axis (bars) in their month's band.
 * `frameWidth` is the width of the plot area (the chart less its side
 * margins). A label that would run past the right edge ends at its rule; a
 * label that would run into another goes on the second line.
 */
export function annotationMarks(annotations: readonly ChartAnnotation[], months: readonly string[], scale: 'time' | 'band', frameWidth: number): Plot.Markish[] {
  if (!annotations.length || !months.length) return [];
  const inside = new Set(months);
  const shown = annotations.filter((a) => /^\d{4}-\d{2}-\d{2}$/.test(a.date) && inside.has(a.date.slice(0, 7))).sort((a, b) => a.date.localeCompare(b.date));
  if (!shown.length) return [];
  const first = Date.parse(`${months[0]}-01T00:00:00Z`);
  const last = Date.parse(`${months[months.length - 1]}-01T00:00:00Z`);
  // where a rule falls in the frame, roughly, to lay its label out
  const at = (a: ChartAnnotation) =>
    (scale === 'band' ? (months.indexOf(a.date.slice(0, 7)) + 0.5) / months.length : (Date.parse(`${a.date}T00:00:00Z`) - first) / (last - first || 1)) * frameWidth;
  const taken: [number, number][][] = [[], []];
  const data = shown.map((a) => {
    const x = at(a);
    const text = cut(a.label);
    const w = text.length * DEFAULTS.charWidth + 6;
    const end = x + w > frameWidth;
    const span: [number, number] = end ? [x - w, x] : [x, x + w];
    const free = (line: number) => taken[line]!.every(([from, to]) => span[1] <= from || span[0] >= to);
    const line = free(0) ? 0 : 1;
    taken[line]!.push(span);
    return {
      x: scale === 'band' ? a.date.slice(0, 7) : new Date(`${a.date}T00:00:00Z`),
      text,
      line,
      end,
      colour: annotationColour(a.kind),
      title: `${a.date} · ${a.kind}: ${a.label}`,
    };
  });
  return [
    Plot.ruleX(data, { x: 'x', stroke: 'colour', strokeDasharray: DEFAULTS.dash, strokeWidth: 1.5, title: 'title' }),
    ...[0, 1].flatMap((line) =>
      [false, true].map((end) =>
        Plot.text(
          data.filter((d) => d.line === line && d.end === end),
          { x: 'x', text: 'text', frameAnchor: 'top', textAnchor: end ? 'end' : 'start', dx: end ? -3 : 3, dy: -24 + 12 * line, fill: 'colour', title: 'title' },
        ),
      ),
    ),
  ];
}
