import { describe, expect, it } from 'vitest';
import { sparkline } from './sparkline.js';

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
