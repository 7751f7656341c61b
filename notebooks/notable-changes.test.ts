import { describe, expect, it } from 'vitest';
import { describeChange, moveSize, pickDriver, proportionZ, rankMoves, type Driver } from './notable-changes.js';

describe('notable moves', () => {
  it('a rate move counts in points and only beyond noise', () => {
    // 80% → 76% over 2,000 and 2,000 resolved conversations: z ≈ 3.1, 4 points
    expect(proportionZ(0.76, 2000, 0.8, 2000)).toBeCloseTo(-3.07, 1);
    expect(moveSize({ column: 'fcr_rate', current: 0.76, previous: 0.8, currentBase: 2000, previousBase: 2000 })).toBeCloseTo(4, 6);
    // the same 4 points over 100 conversations each is noise (z ≈ 0.7)
    expect(moveSize({ column: 'fcr_rate', current: 0.76, previous: 0.8, currentBase: 100, previousBase: 100 })).toBe(0);
  });

  it('durations and volumes count relative to 10 %, scores to 1.5 points', () => {
    expect(moveSize({ column: 'first_response_s_median', current: 1320, previous: 1200 })).toBeCloseTo(1, 6);
    expect(moveSize({ column: 'conversations', current: 1500, previous: 1000 })).toBeCloseTo(5, 6);
    expect(moveSize({ column: 'csat_score_mean', current: 70, previous: 73 })).toBeCloseTo(2, 6);
    expect(moveSize({ column: 'csat_score_mean', current: null, previous: 73 })).toBe(0);
  });

  it('ranks the notable moves largest first and says whether each is good news', () => {
    const ranked = rankMoves([
      { column: 'conversations', current: 1050, previous: 1000 }, // 5 %: not notable
      { column: 'fcr_rate', current: 0.74, previous: 0.8, currentBase: 3000, previousBase: 3000 }, // 6 points
      { column: 'first_response_s_median', current: 600, previous: 900 }, // −33 %: 3.3
    ]);
    expect(ranked.map((m) => [m.column, m.better])).toEqual([
      ['fcr_rate', false],
      ['first_response_s_median', true],
    ]);
    expect(ranked[0]!.delta).toBeCloseTo(-0.06, 9);
  });
});

describe('drivers', () => {
  const fall = { delta: -0.04 };
  const c = (value: string, amount: number, dimension: Driver['dimension'] = 'intent'): Driver => ({ dimension, value, kind: 'contribution', amount, share: amount / -0.04 });

  it('names the group with the largest part in the direction of the change', () => {
    expect(pickDriver(fall, [c('refund', -0.005), c('billing', -0.03), c('email', -0.02, 'channel'), c('sms', 0.01, 'channel')])?.value).toBe('billing');
  });

  it('names nobody when no group holds at least 30 % of the change', () => {
    expect(pickDriver(fall, [c('a', -0.01), c('b', -0.01), c('c', -0.01), c('d', -0.01)])).toBeUndefined();
  });

  it('for a median, weighs each group’s own move by its share of conversations', () => {
    const own = (value: string, amount: number, share: number): Driver => ({ dimension: 'channel', value, kind: 'own', amount, share, from: 600, to: 600 + amount });
    expect(pickDriver({ delta: 120 }, [own('email', 900, 0.1), own('webchat', 300, 0.5), own('sms', -500, 0.4)])?.value).toBe('webchat');
  });
});

describe('describeChange', () => {
  const [fcr] = rankMoves([{ column: 'fcr_rate', current: 0.741, previous: 0.783, currentBase: 3000, previousBase: 3000 }]);

  it('says what moved, by how much, from what, and what drove it', () => {
    const driver: Driver = { dimension: 'intent', value: 'billing', kind: 'contribution', amount: -0.031, share: 0.74 };
    expect(describeChange(fcr!, driver)).toBe('FCR rate fell 4.2 points to 74.1% (from 78.3%), most of it in billing conversations (−3.1 pts).');
  });

  it('adds the driver’s spike day when there was one', () => {
    const driver: Driver = { dimension: 'intent', value: 'payment_failed', kind: 'contribution', amount: -0.015, share: 0.36 };
    expect(describeChange(fcr!, driver, { day: '2026-10-12', count: 58, ratio: 3.4 })).toBe(
      'FCR rate fell 4.2 points to 74.1% (from 78.3%), much of it in payment failed conversations (−1.5 pts), which peaked on 12 October (58 conversations, 3.4× a usual day).',
    );
  });

  it('words a median move with the group’s own values, and a move without a driver plainly', () => {
    const [frt] = rankMoves([{ column: 'first_response_s_median', current: 1213, previous: 1027 }]);
    const driver: Driver = { dimension: 'team', value: 'Tier 1 EMEA', kind: 'own', amount: 600, share: 0.3, from: 900, to: 1500 };
    expect(describeChange(frt!, driver)).toBe('First response time (median) rose 18% to 20m 13s (from 17m 07s); the largest rise was in the Tier 1 EMEA team (15m 00s → 25m 00s).');
    expect(describeChange(frt!)).toBe('First response time (median) rose 18% to 20m 13s (from 17m 07s).');
  });
});
