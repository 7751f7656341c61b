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

  it('draws nothing for fewer than two values', () => {
    expect(
      sparkline([
        { month: '2026-01', value: 0.7 },
        { month: '2026-02', value: null },
      ]),
    ).toBe('');
  });
});
