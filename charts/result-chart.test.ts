import { describe, expect, it } from 'vitest';
import { resultChart } from './result-chart.js';

const months = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03'];
const monthly = months.map((month, i) => ({ month, fcr_rate: [0.61, 0.64, 0.66, 0.7, 0.72][i]!, first_response_s: [980, 1210, 1400, 1130, 1290][i]! }));
const label = (column: string) => column.replaceAll('_', ' ');

describe('resultChart', () => {
  it('puts months on a time axis, the year on the first tick and on January, markers on a short line', async () => {
    const svg = resultChart(monthly, { type: 'line', x: 'month', y: 'fcr_rate', unit: 'rate', columnLabel: label, idPrefix: 'test-line' });
    // a rate from 0: 61–72 % on ticks every 20 points up to 80 %
    for (const tick of ['>Nov 2025<', '>Dec<', '>Jan 2026<', '>0%<', '>80%<']) expect(svg).toContain(tick);
    expect(svg).not.toContain('axis does not start at 0');
    expect(svg).toContain('marker-start="url(#test-line-marker-1)"');
    expect(svg).toContain('fcr rate');
    await expect(svg).toMatchFileSnapshot('__snapshots__/result-line.svg');
  });

  it('draws a band a month for bars, durations on round times from zero', async () => {
    const svg = resultChart(monthly, { type: 'bar', x: 'month', y: 'first_response_s', unit: 'seconds', yLabel: 'First response', idPrefix: 'test-bar' });
    for (const tick of ['>0s<', '>5m<', '>25m<']) expect(svg).toContain(tick);
    await expect(svg).toMatchFileSnapshot('__snapshots__/result-bar-duration.svg');
  });

  it('draws horizontal bars sorted by value, with a label column as wide as the longest label', async () => {
    const rows = [
      { intent: 'billing', n: 12 },
      { intent: 'shipping address change', n: 40 },
      { intent: 'refund', n: 25 },
    ];
    const svg = resultChart(rows, { type: 'bar', horizontal: true, x: 'intent', y: 'n', idPrefix: 'test-hbar' });
    expect(svg.indexOf('shipping address change')).toBeLessThan(svg.indexOf('>refund<'));
    await expect(svg).toMatchFileSnapshot('__snapshots__/result-bar-horizontal.svg');
  });

  it('colours one series per value of `color`, with a legend, in the theme palette', async () => {
    const rows = months.flatMap((month, i) => [
      { month, channel: 'email', n: 100 + i * 10 },
      { month, channel: 'chat', n: 80 + i * 15 },
    ]);
    const svg = resultChart(rows, { type: 'area', x: 'month', y: 'n', color: 'channel', idPrefix: 'test-area' });
    expect(svg.startsWith('<figure')).toBe(true);
    expect(svg).toContain('#3b5bdb');
    expect(svg).toContain('#e07b39');
    await expect(svg).toMatchFileSnapshot('__snapshots__/result-area-color.svg');
  });

  it('says so when a block asks for an axis that does not start at 0', () => {
    const svg = resultChart(monthly, { type: 'line', x: 'month', y: 'fcr_rate', unit: 'rate', zero: false, idPrefix: 'test-zoom' });
    expect(svg).toContain('axis does not start at 0');
    expect(svg).not.toContain('>0%<');
  });

  it('draws dots of two numeric columns', async () => {
    const rows = [1, 2, 3, 4, 5, 6].map((i) => ({ messages: i * 3, first_response_s: 200 * i + (i % 2) * 90 }));
    const svg = resultChart(rows, { type: 'dot', x: 'messages', y: 'first_response_s', unit: 'seconds', idPrefix: 'test-dot' });
    await expect(svg).toMatchFileSnapshot('__snapshots__/result-dot.svg');
  });
});
