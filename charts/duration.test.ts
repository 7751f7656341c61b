import { describe, expect, it } from 'vitest';
import { durationTick, durationTicks, formatDuration } from './duration.js';
import { monthTick, niceTicks, rateTick, unitTicks } from './ticks.js';

describe('durations', () => {
  it('formats a value for people', () => {
    expect([42, 3720, 200_000, 59.6].map(formatDuration)).toEqual(['42s', '1h 02m', '2d 7h', '1m 00s']);
  });

  it('writes a round time without its zero part (ticks and bin edges)', () => {
    expect([60, 300, 5400, 3600, 14_400, 86_400, 259_200, 604_800].map(durationTick)).toEqual(['1m', '5m', '1h 30m', '1h', '4h', '1d', '3d', '7d']);
  });

  it('ticks on round times, with a domain ending on a tick', () => {
    // 0–2900 s: every 5m would be 10 ticks, so every 15m, up to 1h
    expect(durationTicks([130, 2900], true)).toEqual({ domain: [0, 3600], ticks: [0, 900, 1800, 2700, 3600] });
    // 980–1400 s from the lowest value: every 1m would be 7 steps, so every 5m (15m, 20m, 25m), never 16m or 15m 50s
    expect(durationTicks([980, 1400], false)).toEqual({ domain: [900, 1500], ticks: [900, 1200, 1500] });
    // 1h 23m – 26h: every 4h would be 7 steps, so every day
    expect(durationTicks([4980, 93_600], true)).toEqual({ domain: [0, 172_800], ticks: [0, 86_400, 172_800] });
    expect(durationTicks([null], true)).toEqual({});
  });
});

describe('ticks', () => {
  it('picks round numbers', () => {
    expect(niceTicks(0, 0.83)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(0, 4200)).toEqual([0, 1000, 2000, 3000, 4000]);
    expect(niceTicks(5, 5)).toEqual([5]);
  });

  it('labels by unit', () => {
    expect([0.7, 0.725].map(rateTick)).toEqual(['70%', '72.5%']);
    expect(unitTicks('count', [1, 2], true)).toEqual({});
    expect(unitTicks('seconds', [130, 2900], true).ticks).toEqual([0, 900, 1800, 2700, 3600]);
  });

  it('puts rates on an axis from 0 to a round top, at most 100 %', () => {
    // FCR 78.0–79.5 %: steps of 20 points, the top tick the first at or above 79.5 %
    expect(unitTicks('rate', [0.78, 0.795], true)).toMatchObject({ domain: [0, 0.8], ticks: [0, 0.2, 0.4, 0.6, 0.8] });
    expect(unitTicks('rate', [0.996], true)).toMatchObject({ domain: [0, 1] });
    expect(unitTicks('rate', [0.78, 0.795], false)).not.toHaveProperty('domain');
  });

  it('names months, with the year on the first tick and on January', () => {
    expect(['2025-11', '2025-12', '2026-01', '2026-02'].map(monthTick)).toEqual(['Nov 2025', 'Dec', 'Jan 2026', 'Feb']);
    // a first tick just before a January leaves the year to it, so the two labels do not run together
    expect(['2025-12', '2026-01', '2026-02'].map(monthTick)).toEqual(['Dec', 'Jan 2026', 'Feb']);
  });
});
