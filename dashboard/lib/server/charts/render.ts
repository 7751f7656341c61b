/**
 * Observable Plot rendered on the server into an SVG string, with linkedom
 * as its DOM: pages show charts without JavaScript and stay fast.
 *
 * @example
 *   const svg = renderPlot({ marks: [Plot.barY(rows, { x: 'month', y: 'n' })] });
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';

const { document } = parseHTML('<!doctype html><html><body></body></html>');

export const CHART_STYLE = { fontSize: '12px', fontFamily: 'system-ui, sans-serif', background: 'transparent', overflow: 'visible' };

/** Renders Plot options to SVG markup (a figure's legend is left out: charts here have one series). */
export function renderPlot(options: Plot.PlotOptions): string {
  const node = Plot.plot({ ...options, document: document as unknown as Document, style: CHART_STYLE });
  const svg = node.tagName.toLowerCase() === 'svg' ? node : node.querySelector('svg');
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.removeAttribute('xmlns:xlink');
  }
  return (svg ?? node).outerHTML;
}
