import { describe, expect, it } from 'vitest';
import { formatDuration } from './duration.js';
import { trendChart, trendChartByPlot, type TrendPoint } from './trend.js';

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

  it('draws a month the range ends inside lighter, with "so far" under its tick and its days in its tip', () => {
    const values = series([410, 388, 452, 0, 501, 60]);
    const o = { kind: 'bar' as const, label: 'Conversations', href, format: (v: number) => v.toLocaleString('en-US') };
    const svg = trendChart(values, { ...o, partial: { month: '2026-04', through: '2026-04-03' } });
    expect(svg).toContain('<title>2026-04: 60 (to 2026-04-03 only)</title>');
    expect(svg).toContain('<title>2026-03: 501</title>');
    expect(svg).toContain('so far');
    // one bar drawn lighter: the partial month's, and it still links to its conversations
    expect(svg.match(/fill-opacity="0.35"/g)).toHaveLength(1);
    expect(svg).toContain('<a href="/conversations?month=2026-04"');
    // a partial month outside the trend changes nothing
    expect(trendChart(values, { ...o, partial: { month: '2026-05', through: '2026-05-02' } })).toBe(trendChart(values, o));
  });

  it('draws a line dashed into a month the range ends inside, its dot hollow', () => {
    const o = { kind: 'line' as const, label: 'FCR', unit: 'rate' as const, href, format: (v: number) => `${(v * 100).toFixed(1)}%` };
    const values = series([0.61, 0.64, 0.66, 0.7, 0.685, 0.9]);
    const svg = trendChart(values, { ...o, partial: { month: '2026-04', through: '2026-04-03' } });
    expect(svg).toContain('<title>2026-04: 90.0% (to 2026-04-03 only)</title>');
    expect(svg).toContain('stroke-dasharray="4,3"');
    expect(svg).toMatch(/fill="white"/);
    const whole = trendChart(values, o);
    expect(whole).not.toContain('stroke-dasharray');
    expect(whole).not.toContain('fill="white"');
    // the month with no value: the last point drawn is whole, nothing is dashed
    const gap = trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, null]), { ...o, partial: { month: '2026-04', through: '2026-04-03' } });
    expect(gap).toBe(trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, null]), o));
  });

  it('draws rates as a line with linked dots, ticks as percentages', async () => {
    const svg = trendChart(series([0.61, 0.64, null, 0.7, 0.685, 0.72]), { kind: 'line', label: 'FCR', unit: 'rate', href, format: (v) => `${(v * 100).toFixed(1)}%` });
    expect(svg).toContain('<title>2026-04: 72.0%</title>');
    expect(svg).not.toContain('2026-01:');
    await expect(svg).toMatchFileSnapshot('__snapshots__/trend-line-rate.svg');
  });

  it('ticks durations on round times', async () => {
    const svg = trendChart(series([980, 1210, 1400, 1130, 1290, 1020]), { kind: 'line', label: 'First response time', unit: 'seconds', href, format: formatDuration });
    // 980–1400 s from zero: every 5 minutes up to 25m
    for (const tick of ['5m', '10m', '15m', '20m', '25m']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).not.toMatch(/>\d+m \d+s<\/text>/);
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
    const without = trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, 0.72]), { kind: 'line', label: 'FCR', unit: 'rate', href, format: (v) => `${(v * 100).toFixed(1)}%` });
    expect(without).not.toContain('stroke-dasharray');
    expect(without).not.toContain('>100%</text>');
    // the axis reaches a target above every value: a tick at 100% (the values alone end at 72%, their axis at 80%)
    const high = trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, 0.72]), {
      kind: 'line',
      label: 'FCR',
      unit: 'rate',
      href,
      format: (v) => `${(v * 100).toFixed(1)}%`,
      target: { value: 0.95, label: 'target 95.0%' },
    });
    expect(high).toContain('>100%</text>');
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

  it('draws a rate from 0, so 78.0–79.5 % is a flat line, and says so when a chart starts elsewhere', () => {
    const flat = series([0.78, 0.785, 0.79, 0.795, 0.78, 0.79]);
    const svg = trendChart(flat, { kind: 'line', label: 'FCR', unit: 'rate', href });
    for (const tick of ['0%', '20%', '40%', '60%', '80%']) expect(svg).toContain(`>${tick}</text>`);
    expect(svg).not.toContain('axis does not start at 0');
    const zoomed = trendChart(flat, { kind: 'line', label: 'FCR', unit: 'rate', href, zero: false });
    expect(zoomed).not.toContain('>0%</text>');
    expect(zoomed).toContain('axis does not start at 0');
  });

  it('draws annotations in its months as labelled rules, each with its date and kind as a tip', async () => {
    const annotations = [
      { date: '2026-02-10', label: 'Release 4.2', kind: 'release' },
      { date: '2026-03-03', label: 'Login outage', kind: 'outage' },
      { date: '2026-09-01', label: 'Later than the chart', kind: 'policy' },
    ];
    const svg = trendChart(series([0.61, 0.64, 0.66, 0.7, 0.685, 0.72]), { kind: 'line', label: 'FCR', unit: 'rate', href, annotations });
    expect(svg).toContain('<title>2026-02-10 · release: Release 4.2</title>');
    expect(svg).toContain('>Login outage<title>');
    expect(svg).not.toContain('Later than the chart');
    // the outage rule in its kind's colour, dashed
    expect(svg).toMatch(/<g stroke-dasharray="4,3"[^>]*><line stroke="#4a9c7f"[^>]*><title>2026-02-10[^<]*<\/title><\/line><line stroke="#c2456e"/);
    const bars = trendChart(series([410, 388, 452, 0, 501, 476]), { kind: 'bar', label: 'Conversations', href, annotations });
    expect(bars).toContain('>Release 4.2<title>');
    await expect(svg).toMatchFileSnapshot('__snapshots__/trend-line-annotated.svg');
  });

  it('draws nothing without a value', () => {
    expect(trendChart(series([]), { kind: 'bar', label: 'Conversations', href })).toBe('');
  });
});

describe('trend lines written without Plot', () => {
  // a seeded generator: the same series on every run
  let seed = 7;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const month = (i: number) => `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  const kinds = [
    { unit: 'rate', value: () => 0.55 + random() * 0.3, format: (v: number) => `${(v * 100).toFixed(1)}% <&>` },
    { unit: 'rate', value: () => Math.round(random() * 4) / 4, format: (v: number) => `${v}` },
    { unit: 'seconds', value: () => 60 + random() * 7_000, format: formatDuration },
    { unit: 'seconds', value: () => 600 + random() * 100, format: formatDuration, zero: false },
    { unit: 'score', value: () => 70 + random() * 25, format: (v: number) => v.toFixed(1) },
  ] as const;

  it("writes Plot's markup for random series, widths, annotations, targets and partial months", () => {
    for (let n = 0; n < 150; n++) {
      const kind = kinds[n % kinds.length]!;
      const length = 2 + Math.floor(random() * 12);
      const start = Math.floor(random() * 60);
      const months = Array.from({ length }, (_, i) => month(start + i));
      const day = (m: string) => `${m}-${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
      const annotations =
        random() < 0.5
          ? Array.from({ length: 1 + Math.floor(random() * 3) }, (_, i) => ({
              date: day(random() < 0.8 ? months[Math.floor(random() * length)]! : month(start + length + 3)),
              label: ['Release 4.2', 'Outage in the EU region, long', 'Policy "B" & more'][i]!,
              kind: ['release', 'outage', 'policy'][i]!,
            }))
          : [];
      const o = {
        kind: 'line' as const,
        label: 'A metric',
        unit: kind.unit,
        format: kind.format,
        href: (m: string) => `/conversations?channel=email&month=${m}&q="x"`,
        ...('zero' in kind ? { zero: kind.zero } : {}),
        ...(n % 3 === 0 ? { width: 340 } : n % 7 === 0 ? { width: 900 } : {}),
        ...(random() < 0.3 && kind.unit === 'rate' ? { target: { value: 0.8, label: 'target 80.0%' } } : {}),
        annotations,
        ...(random() < 0.6 ? { partial: { month: months.at(-1)!, through: `${months.at(-1)}-0${1 + Math.floor(random() * 9)}` } } : {}),
      };
      // four series in each frame: the first is drawn by Plot, the others (its values in other orders: the same axes) in its kept frame
      const first = months.map((m) => ({ month: m, value: random() < 0.1 ? null : kind.value() }));
      const values = first.flatMap((p) => (p.value === null ? [] : [p.value]));
      for (let k = 0; k < 4; k++) {
        const shuffled = [...values].sort(() => random() - 0.5);
        const points = k === 0 ? first : first.map((p) => ({ month: p.month, value: p.value === null ? null : shuffled.pop()! }));
        expect(trendChart(points, o)).toBe(trendChartByPlot(points, o));
      }
    }
  });
});
