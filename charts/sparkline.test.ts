import { describe, expect, it } from 'vitest';
import { sparkline, sparklineByPlot } from './sparkline.js';

describe('sparkline', () => {
  it('draws a line in the colour of its tile and a dot on the last month', async () => {
    const svg = sparkline([
      { month: '2026-01', value: 0.7 },
      { month: '2026-02', value: 0.72 },
      { month: '2026-03', value: null },
      { month: '2026-04', value: 0.69 },
    ]);
    expect(svg).toContain('stroke="currentColor"');
    expect(svg.match(/<circle/g)).toHaveLength(1);
    await expect(svg).toMatchFileSnapshot('__snapshots__/sparkline.svg');
  });

  it('dashes the line into a last month the range ends inside, its dot hollow', () => {
    const points = [
      { month: '2026-01', value: 0.7 },
      { month: '2026-02', value: 0.72 },
      { month: '2026-03', value: 0.2 },
    ];
    const svg = sparkline(points, { partial: '2026-03' });
    expect(svg).toContain('stroke-dasharray="2,2"');
    expect(svg).toContain('fill="white"');
    expect(svg.match(/<circle/g)).toHaveLength(1);
    // a partial month that is not the last point drawn (it has no value) changes nothing
    const gap = [...points.slice(0, 2), { month: '2026-03', value: null }];
    expect(sparkline(gap, { partial: '2026-03' })).toBe(sparkline(gap));
    expect(sparkline(points)).not.toContain('stroke-dasharray');
  });

  it('draws nothing for fewer than two values', () => {
    expect(
      sparkline([
        { month: '2026-01', value: 0.7 },
        { month: '2026-02', value: null },
      ]),
    ).toBe('');
  });
});

describe('sparkline without Plot', () => {
  // a seeded generator: the same series on every run
  let seed = 21;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const month = (i: number) => `${2020 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
  const value = (kind: number) => {
    const r = random();
    if (kind === 0) return r;
    if (kind === 1) return Math.round(r * 4) / 4; // ties
    if (kind === 2) return r * 250_000 - 1_000; // durations, a negative
    if (kind === 3) return 0.42; // every value the same
    return Math.round(r * 90_000);
  };

  it("writes Plot's markup for random series, sizes and partial months", () => {
    for (let n = 0; n < 400; n++) {
      const length = 2 + Math.floor(random() * 14);
      const start = Math.floor(random() * 60);
      const kind = n % 5;
      const points = Array.from({ length }, (_, i) => ({ month: month(start + i), value: random() < 0.15 ? null : value(kind) }));
      const shown = points.filter((p) => p.value !== null);
      if (shown.length < 2) continue;
      const [width, height] = n % 3 === 0 ? [110, 28] : [120, 32];
      const partial = random() < 0.5 ? shown.at(-1)!.month : undefined;
      const data = shown.map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value as number }));
      expect(sparkline(points, { width, height, partial })).toBe(sparklineByPlot(data, width, height, partial !== undefined));
    }
  });

  it('leaves to Plot what it does not follow', () => {
    const points = [
      { month: '2026-03', value: 0.7 },
      { month: '2026-01', value: 0.72 },
      { month: '2026-02', value: Number.NaN },
    ];
    const data = points.map((p) => ({ x: new Date(`${p.month}-01T00:00:00Z`), y: p.value }));
    expect(sparkline(points)).toBe(sparklineByPlot(data, 120, 32, false));
  });
});
