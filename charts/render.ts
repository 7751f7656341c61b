/**
 * The one renderer of Parley's charts: Observable Plot on the server, with
 * linkedom as its DOM, into an SVG string (no script, no network), in the
 * theme's font. Dashboard pages and notebook reports inline the markup.
 *
 * @example
 *   const svg = renderPlot({ marks: [Plot.barY(rows, { x: 'month', y: 'n' })] });
 *   renderPlot(options, { idPrefix: 'nb-chart3' }); // ids 'nb-chart3-marker-1', … instead of Plot's global 'plot-marker-17'
 */
import * as Plot from '@observablehq/plot';
import { parseHTML } from 'linkedom';
import { chartStyle } from './theme.js';

const { document } = parseHTML('<!doctype html><html><body></body></html>');

export interface RenderOptions {
  /**
   * Names the ids Plot gives markers, clip paths and patterns after this
   * prefix (`${idPrefix}-marker-1`), so the markup is the same on every
   * render; give each chart of one page its own prefix. Without it the ids
   * are Plot's, unique in the process.
   */
  idPrefix?: string;
}

/**
 * Renders Plot options to SVG markup: the `<svg>` (role img), or the
 * `<figure>` holding it when Plot adds a legend. Coordinates are rounded to
 * two decimals: smaller output, and no float noise in it.
 */
export function renderPlot(options: Plot.PlotOptions, { idPrefix }: RenderOptions = {}): string {
  const node = Plot.plot({ ...options, document: document as never, style: chartStyle() });
  // a figure holds the legend (whose swatches are small svgs) and then the chart's own svg
  const svg = node.tagName.toLowerCase() === 'svg' ? node : [...node.children].find((c) => c.tagName.toLowerCase() === 'svg');
  if (svg) {
    svg.setAttribute('role', 'img');
    svg.removeAttribute('xmlns:xlink');
  }
  const markup = roundCoordinates(node.outerHTML);
  return idPrefix === undefined ? markup : localIds(markup, idPrefix);
}

/** Pixel coordinates to two decimals. */
export function roundCoordinates(svg: string): string {
  return svg.replace(/-?\d+\.\d{3,}/g, (n) => String(Number(Number(n).toFixed(2))));
}

/** Makes the ids Plot numbers globally (markers, clip paths, patterns) local to one chart. */
function localIds(svg: string, prefix: string): string {
  const seen = new Map<string, string>();
  return svg.replace(/plot-(marker|clip|pattern)-\d+/g, (id, kind: string) => {
    if (!seen.has(id)) seen.set(id, `${prefix}-${kind}-${seen.size + 1}`);
    return seen.get(id)!;
  });
}

/** Escapes text for SVG written by hand (labels, titles, hrefs). */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
