/**
 * The chart downloads' pure parts: the file name, the standalone SVG taken
 * out of a chart's markup (the svg itself, or the figure Plot wraps around a
 * legend and the svg), and the size the PNG is drawn at.
 */
import { describe, expect, it } from 'vitest';
import { DOMParser } from 'linkedom';
import { chartFileName, standaloneSvg, svgSize } from './chart-download.js';

const parser = new DOMParser() as unknown as Pick<globalThis.DOMParser, 'parseFromString'>;

describe('chart downloads', () => {
  it('names the file after the title', () => {
    expect(chartFileName('FCR rate, by month')).toBe('fcr-rate-by-month');
    expect(chartFileName('Monthly trend, 90th percentile')).toBe('monthly-trend-90th-percentile');
    expect(chartFileName('—')).toBe('chart');
  });

  it("takes the chart's own svg, in the SVG namespace on a white background", () => {
    const markup =
      '<figure><div class="legend"><svg width="15" height="15"><rect></rect></svg>email</div>' +
      '<svg role="img" width="640" height="240" viewBox="0 0 640 240" style="font: 12px sans-serif"><g><text>Oct</text></g></svg></figure>';
    const svg = standaloneSvg(markup, parser);
    expect(svg.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<svg')).toBe(true);
    expect(svg).toContain('xmlns="http://www.w3.org/2000/svg"');
    expect(svg).toContain('style="font: 12px sans-serif;background:#fff"');
    // the chart, not the legend swatch
    expect(svg).toContain('<text>Oct</text>');
    expect(svg).not.toContain('<rect>');
    expect(() => standaloneSvg('<p>none</p>', parser)).toThrow('the chart has no svg');
  });

  it('draws the PNG at the width and height the svg declares, else its viewBox', () => {
    expect(svgSize('<svg role="img" width="640" height="240" viewBox="0 0 10 10">')).toEqual({ width: 640, height: 240 });
    expect(svgSize('<svg viewBox="0 0 320 180">')).toEqual({ width: 320, height: 180 });
  });
});
