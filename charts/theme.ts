/**
 * The one look of Parley's charts, on the dashboard and in the notebooks:
 * colours, font and text size. A chart file takes its colours from here and
 * keeps only its own sizes (width, height, margins) at its top.
 *
 * @example
 *   Plot.barY(rows, { x: 'month', y: 'n', fill: THEME.accent });
 *   svg.setAttribute('style', styleAttribute(chartStyle()));
 */

export const THEME = {
  /** The colour of a chart with one series (bars, lines, dots). */
  accent: '#3b5bdb',
  /** Series colours in order, for a chart with a `color` column; the first is the accent. */
  palette: ['#3b5bdb', '#e07b39', '#4a9c7f', '#c2456e', '#8a6bbd', '#b59a2e', '#5aa3c8', '#7d7d7d', '#a0522d', '#3e8e41'],
  fontFamily: 'system-ui, sans-serif',
  fontSize: '12px',
} as const;

/** The style every chart's `<svg>` carries: theme font, no background of its own, marks may overflow the frame. */
export function chartStyle(): { fontSize: string; fontFamily: string; background: string; overflow: string } {
  return { fontSize: THEME.fontSize, fontFamily: THEME.fontFamily, background: 'transparent', overflow: 'visible' };
}

/** `chartStyle()` as a `style` attribute value, for SVG written by hand ('font-size:12px;font-family:…;…'). */
export function styleAttribute(style: Record<string, string>): string {
  return Object.entries(style)
    .map(([k, v]) => `${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}:${v}`)
    .join(';');
}
