import { describe, expect, it } from 'vitest';
import { emergingTest, poissonUpperTail } from './significance.js';

describe('poissonUpperTail', () => {
  it('matches the Poisson distribution on hand-computed values', () => {
    expect(poissonUpperTail(0, 3)).toBe(1);
    // P(X ≥ 1 | 2) = 1 − e^−2
    expect(poissonUpperTail(1, 2)).toBeCloseTo(1 - Math.exp(-2), 12);
    // P(X ≥ 3 | 1) = 1 − e^−1 (1 + 1 + 1/2)
    expect(poissonUpperTail(3, 1)).toBeCloseTo(1 - Math.exp(-1) * 2.5, 12);
    // P(X ≥ 10 | 2) = 4.6498e-5 (tables)
    expect(poissonUpperTail(10, 2)).toBeCloseTo(4.6498e-5, 8);
    // large counts stay accurate: P(X ≥ 120 | 100) ≈ 0.0282
    expect(poissonUpperTail(120, 100)).toBeCloseTo(0.0282, 3);
  });
});

describe('emergingTest', () => {
  it('a spike of ten conversations is not news, however unusual', () => {
    const r = emergingTest({ count: 10, total: 1000, baselineCount: 0, baselineTotal: 3000 });
    expect(r.ratio).toBeGreaterThan(10);
    expect(r.emerging).toBe(false);
  });

  it('an incident is: many more conversations than the baseline predicts', () => {
    const r = emergingTest({ count: 120, total: 1000, baselineCount: 30, baselineTotal: 3000 }, { tests: 500 });
    expect(r.expected).toBeCloseTo(10.17, 2);
    expect(r.pValue).toBeLessThan(1e-30);
    expect(r.emerging).toBe(true);
  });

  it('ordinary growth with volume is not a rise', () => {
    // twice the volume, twice the mentions: expected scales with the month's total
    const r = emergingTest({ count: 200, total: 2000, baselineCount: 300, baselineTotal: 3000 });
    expect(r.ratio).toBeCloseTo(1, 2);
    expect(r.emerging).toBe(false);
  });

  it('a real but small rise fails the ratio, a big one with many tests fails Bonferroni only when weak', () => {
    expect(emergingTest({ count: 60, total: 1000, baselineCount: 90, baselineTotal: 3000 }).emerging).toBe(false); // ratio 2 < 3
    const weak = { count: 25, total: 1000, baselineCount: 15, baselineTotal: 3000 }; // expected 5.2, ratio 4.9
    expect(emergingTest(weak, { tests: 1 }).emerging).toBe(true);
    expect(emergingTest(weak, { tests: 1e9 }).emerging).toBe(false);
  });
});
