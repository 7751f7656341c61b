import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';
import { trendChart, type TrendPoint } from './trend.js';

// Fixed data, UTC (vitest.config.ts sets TZ): the same SVG on every machine.
const MONTHS = ['2025-11', '2025-12', '2026-01', '2026-02', '2026-03', '2026-04'];
const series = (values: (number | null)[]): TrendPoint[] => MONTHS.map((month, i) => ({ month, value: values[i] ?? null }));
const href = (month: string) => `/conversations?month=${month}`;

describe('trendChart', () => {
  it('draws counts as linked bars, one band a month', async () => {
    const svg = trendChart(series([410, 388, 452, 0, 501, 476]), { kind: 'bar', label: 'Conversations', href, format: (v) => v.toLocaleString('en-US') });
    expect(svg).toContain('<a href="/conversations?month=2026-03"');
    expect(svg).toContain('<title>2026-03: 501</title>');
    await expect(svg).toMatchFileSnapshot('__snapshots__/trend-bar.svg');
  });

  it('draws rates as a line with linked dots, ticks as percentages', async () => {
    const svg = trendChart(series([0.61, 0.64, null, 0.7, 0.685, 0.72]), { kind: 'line', label: 'FCR', unit: 'rate', href, format: (v) => `${(v * 100).toFixed(1)}%` });
    expect(svg).toContain('<title>2026-04: 72.0%</title>');
    expect(svg).not.toContain('2026-01:');
    await expect(svg).toMatchFileSnapshot('__snapshots__/trend-line-rate.svg');
  });

  it('ticks durations on round times', async () => {
    const svg = trendChart(series([980, 1210, 1400, 1130, 1290, 1020]), { kind: 'line', label: 'First response time', unit: 'seconds', href, format: formatDuration });
    for (const tick of ['16m', '18m', '20m', '24m']) expect(svg).toContain(`>${tick}</text>`);
    await expect(svg).toMatchFileSnapshot('__snapshots__/trend-line-duration.svg');
  });

  it('draws a target as a dashed rule with its label, inside the y axis even when every value is below it', () => {
    const svg = trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, 0.72]), {
      kind: 'line',
      label: 'FCR',
      unit: 'rate',
      href,
      format: (v) => `${(v * 100).toFixed(1)}%`,
      target: { value: 0.8, label: 'target 80.0%' },
    });
    expect(svg).toContain('stroke-dasharray="5 4"');
    expect(svg).toContain('>target 80.0%</text>');
    // the axis reaches the target: a tick at 80% (the values alone end at 72%)
    expect(svg).toContain('>80%</text>');
    const without = trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, 0.72]), { kind: 'line', label: 'FCR', unit: 'rate', href, format: (v) => `${(v * 100).toFixed(1)}%` });
    expect(without).not.toContain('stroke-dasharray');
    expect(without).not.toContain('>80%</text>');
  });

  it('draws a duration target on the round duration ticks', () => {
    const svg = trendChart(series([980, 1210, 1400, 1130, 1290, 1020]), {
      kind: 'line',
      label: 'First response time',
      unit: 'seconds',
      href,
      format: formatDuration,
      target: { value: 1800, label: 'target 30m' },
    });
    expect(svg).toContain('>target 30m</text>');
    expect(svg).toContain('>30m</text>');
  });

  it('draws nothing without a value', () => {
    expect(trendChart(series([]), { kind: 'bar', label: 'Conversations', href })).toBe('');
  });
});
