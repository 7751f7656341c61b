/**
 * A metric's distribution: pre-binned counts (from SQL) drawn as bars, one
 * band per bin in the given order; each bin links to its conversations.
 *
 * @example
 *   histogram([{ bin: '< 1m', n: 120 }, { bin: '1m–5m', n: 80 }], { label: 'First response', href: (b) => `/conversations?bin=${b.bin}` });
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';
import { THEME } from './theme.js';

/** Size and margins in px; with more bins than `flatLabels` their labels are turned, so they do not overlap. */
const DEFAULTS = { width: 560, height: 200, marginLeft: 56, marginBottom: 48, flatLabels: 8 } as const;

export interface Bin {
  /** The bin's label on the x axis ('1m–5m'). */
  bin: string;
  /** Conversations in the bin. */
  n: number;
}

export interface HistogramProps<B extends Bin = Bin> {
  /** The x axis label (the metric). */
  label: string;
  /** Where a bar leads: the conversations of that bin. */
  href: (bin: B) => string;
  /** Default 560. */
  width?: number;
  /** Default 200. */
  height?: number;
}

export function histogram<B extends Bin>(bins: readonly B[], o: HistogramProps<B>): string {
  if (bins.length === 0) return '';
  const data = bins.map((b) => ({ ...b, href: o.href(b) }));
  return renderPlot({
    width: o.width ?? DEFAULTS.width,
    height: o.height ?? DEFAULTS.height,
    marginLeft: DEFAULTS.marginLeft,
    marginBottom: DEFAULTS.marginBottom,
    x: { label: o.label, type: 'band', domain: data.map((d) => d.bin), tickRotate: data.length > DEFAULTS.flatLabels ? -30 : 0 },
    y: { label: 'Conversations', grid: true },
    marks: [Plot.barY(data, { x: 'bin', y: 'n', fill: THEME.accent, href: 'href', title: (d: Bin) => `${d.bin}: ${d.n}` }), Plot.ruleY([0])],
  });
}
