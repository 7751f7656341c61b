/**
 * A metric's distribution: pre-binned counts from SQL drawn as bars; each
 * bin links to its conversations.
 *
 * Options: `label` (x axis), `width` (default 560), `height` (default 200).
 *
 * @example
 *   histogram([{ bin: '0–1m', lo: 0, hi: 60, n: 120 }], { label: 'First response', href: (b) => `/conversations?min=${b.lo}` });
 */
import * as Plot from '@observablehq/plot';
import { renderPlot } from './render.js';

export interface Bin {
  bin: string;
  n: number;
}

export interface HistogramOptions {
  label: string;
  href: (bin: Bin) => string;
  width?: number;
  height?: number;
}

export function histogram(bins: readonly Bin[], o: HistogramOptions): string {
  if (bins.length === 0) return '';
  const data = bins.map((b) => ({ ...b, href: o.href(b) }));
  return renderPlot({
    width: o.width ?? 560,
    height: o.height ?? 200,
    marginLeft: 56,
    marginBottom: 48,
    x: { label: o.label, type: 'band', domain: data.map((d) => d.bin), tickRotate: data.length > 8 ? -30 : 0 },
    y: { label: 'Conversations', grid: true },
    marks: [Plot.barY(data, { x: 'bin', y: 'n', fill: '#3b5bdb', href: 'href', title: (d: Bin) => `${d.bin}: ${d.n}` }), Plot.ruleY([0])],
  });
}
