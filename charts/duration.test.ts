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
    expect(durationTicks([130, 2900], true)).toEqual({ domain: [0, 3000], ticks: [0, 600, 1200, 1800, 2400, 3000] });
    expect(durationTicks([980, 1400], false)).toEqual({ domain: [960, 1440], ticks: [960, 1080, 1200, 1320, 1440] });
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
    expect(unitTicks('seconds', [130, 2900], true).ticks).toEqual([0, 600, 1200, 1800, 2400, 3000]);
  });

  it('names months, with the year on the first tick and on January', () => {
    expect(['2025-11', '2025-12', '2026-01', '2026-02'].map(monthTick)).toEqual(['Nov 2025', 'Dec', 'Jan 2026', 'Feb']);
  });
});
