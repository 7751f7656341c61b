import { describe, expect, it } from 'vitest';
import { forecastChart } from './forecast.js';

describe('forecastChart', () => {
  it('draws the actuals, the dashed forecast and its interval band', async () => {
    const actual = [
      { date: '2026-11-28', value: 120 },
      { date: '2026-11-29', value: 110 },
      { date: '2026-11-30', value: 260 },
    ];
    const forecast = [
      { date: '2026-12-01', forecast: 240, low: 210, high: 275 },
      { date: '2026-12-02', forecast: 232, low: 200, high: 268 },
    ];
    const svg = forecastChart(actual, forecast, { label: 'Conversations per day', idPrefix: 'fc' });
    expect(svg).toContain('stroke-dasharray="5,3"');
    expect(svg).toContain('<title>2026-12-01: forecast 240 (80 %: 210–275)</title>');
    expect(svg).toContain('<title>2026-11-30: 260</title>');
    await expect(svg).toMatchFileSnapshot('__snapshots__/forecast.svg');
  });

  it('draws nothing without data', () => {
    expect(forecastChart([], [], { label: 'x' })).toBe('');
  });
});
