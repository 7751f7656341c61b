import { describe, expect, it } from 'vitest';
import { histogram } from './histogram.js';

const BINS = ['< 1m', '1m–5m', '5m–15m', '15m–30m', '30m–1h', '1h–4h', '4h–8h', '8h–1d', '1d–3d', '3d–7d', '≥ 7d'];

describe('histogram', () => {
  it('draws a linked bar a bin, in the order given, labels turned when there are many', async () => {
    const bins = BINS.map((bin, i) => ({ bin, n: [20, 180, 140, 90, 52, 110, 47, 88, 40, 0, 3][i]!, lo: i }));
    const svg = histogram(bins, { label: 'First response time', href: (b) => `/conversations?bin=${b.lo}` });
    expect(svg).toContain('<a href="/conversations?bin=1"');
    expect(svg).toContain('<title>1m–5m: 180</title>');
    expect(svg).toContain('rotate(-30)');
    await expect(svg).toMatchFileSnapshot('__snapshots__/histogram.svg');
  });

  it('draws nothing without bins', () => {
    expect(histogram([], { label: 'x', href: () => '/' })).toBe('');
  });
});
