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

const WIDTH = 560;
const HEIGHT = 200;
const MARGIN_LEFT = 56;
const MARGIN_BOTTOM = 48;
/** More bins than this and their labels are turned, so they do not overlap. */
const LABELS_FLAT_UP_TO = 8;

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
    width: o.width ?? WIDTH,
    height: o.height ?? HEIGHT,
    marginLeft: MARGIN_LEFT,
    marginBottom: MARGIN_BOTTOM,
    x: { label: o.label, type: 'band', domain: data.map((d) => d.bin), tickRotate: data.length > LABELS_FLAT_UP_TO ? -30 : 0 },
    y: { label: 'Conversations', grid: true },
    marks: [Plot.barY(data, { x: 'bin', y: 'n', fill: THEME.accent, href: 'href', title: (d: Bin) => `${d.bin}: ${d.n}` }), Plot.ruleY([0])],
  });
}
