import { describe, expect, it } from 'vitest';
import { localInstant } from './plan.js';

describe('interval starts in the warehouse time zone', () => {
  it('turns a local wall-clock time into its instant, across daylight saving', () => {
    expect(localInstant('2026-12-01', 9 * 60, 'UTC').toISOString()).toBe('2026-12-01T09:00:00.000Z');
    // Berlin is UTC+1 in winter, UTC+2 in summer; clocks went forward at 02:00 on 29 March 2026
    expect(localInstant('2026-12-01', 9 * 60, 'Europe/Berlin').toISOString()).toBe('2026-12-01T08:00:00.000Z');
    expect(localInstant('2026-03-29', 1 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(localInstant('2026-03-29', 4 * 60, 'Europe/Berlin').toISOString()).toBe('2026-03-29T02:00:00.000Z');
    expect(localInstant('2026-07-01', 30, 'America/New_York').toISOString()).toBe('2026-07-01T04:30:00.000Z');
  });
});
