import { describe, expect, it } from 'vitest';
import { describeSchedule, nextRun, slots } from './schedule.js';

const after = (s: Parameters<typeof nextRun>[0], t: string) => nextRun(s, new Date(t)).toISOString();

describe('a job schedule', () => {
  it('every alone runs from midnight on, on the step: every 15m at :00, :15, :30, :45', () => {
    expect(after({ every: '15m' }, '2026-10-01T09:07:00Z')).toBe('2026-10-01T09:15:00.000Z');
    expect(after({ every: '15m' }, '2026-10-01T09:15:00Z')).toBe('2026-10-01T09:30:00.000Z');
    expect(after({ every: '1h' }, '2026-10-01T23:59:00Z')).toBe('2026-10-02T00:00:00.000Z');
    expect(after({ every: '1d' }, '2026-10-01T00:00:00Z')).toBe('2026-10-02T00:00:00.000Z');
  });

  it('at alone runs once a day; with every, from at through the rest of the day', () => {
    expect(after({ at: '02:00' }, '2026-10-01T09:07:00Z')).toBe('2026-10-02T02:00:00.000Z');
    expect(slots({ at: '08:00', every: '4h' })).toEqual([480, 720, 960, 1200]);
    expect(after({ at: '08:00', every: '4h' }, '2026-10-01T21:00:00Z')).toBe('2026-10-02T08:00:00.000Z');
    // a step that does not divide the day: the day's last slot, then `at` again
    expect(slots({ every: '7h' })).toEqual([0, 420, 840, 1260]);
  });

  it('reads at on the clock of its time zone, across daylight saving', () => {
    expect(after({ at: '02:00', timezone: 'Europe/Berlin' }, '2026-10-01T09:07:00Z')).toBe('2026-10-02T00:00:00.000Z');
    expect(after({ at: '23:00', timezone: 'America/New_York' }, '2026-10-01T09:07:00Z')).toBe('2026-10-02T03:00:00.000Z');
    // 02:30 does not exist on 29 March in Berlin: it runs an hour later, at 03:30 CEST
    expect(after({ at: '02:30', timezone: 'Europe/Berlin' }, '2026-03-28T12:00:00Z')).toBe('2026-03-29T01:30:00.000Z');
    // 02:30 exists twice on 25 October: it runs once
    expect(after({ at: '02:30', timezone: 'Europe/Berlin' }, '2026-10-24T12:00:00Z')).toBe('2026-10-25T01:30:00.000Z');
    expect(after({ at: '02:30', timezone: 'Europe/Berlin' }, '2026-10-25T01:30:00Z')).toBe('2026-10-26T01:30:00.000Z');
  });

  it('day: runs once a month, on that day at at, in its time zone', () => {
    // 08:00 on the 1st in Berlin is 07:00 UTC in winter
    expect(after({ day: 1, at: '08:00', timezone: 'Europe/Berlin' }, '2026-11-15T10:00:00Z')).toBe('2026-12-01T07:00:00.000Z');
    // a minute after the December run: the January one
    expect(after({ day: 1, at: '08:00', timezone: 'Europe/Berlin' }, '2026-12-01T07:00:00Z')).toBe('2027-01-01T07:00:00.000Z');
    // early on the 1st, before 08:00: that same morning
    expect(after({ day: 1, at: '08:00' }, '2026-12-01T03:00:00Z')).toBe('2026-12-01T08:00:00.000Z');
    // 1 July in Berlin is summer time (UTC+2)
    expect(after({ day: 1, at: '08:00', timezone: 'Europe/Berlin' }, '2026-06-20T00:00:00Z')).toBe('2026-07-01T06:00:00.000Z');
    // the 15th, from late December: into the next year
    expect(after({ day: 15, at: '00:30' }, '2026-12-20T00:00:00Z')).toBe('2027-01-15T00:30:00.000Z');
    expect(describeSchedule({ day: 1, at: '08:00', timezone: 'Europe/Berlin' })).toBe('monthly on day 1 at 08:00 (Europe/Berlin)');
  });

  it('says itself in words', () => {
    expect(describeSchedule({ every: '15m' })).toBe('every 15m');
    expect(describeSchedule({ at: '02:00' })).toBe('daily at 02:00 UTC');
    expect(describeSchedule({ at: '08:00', every: '4h', timezone: 'Europe/Berlin' })).toBe('every 4h from 08:00 (Europe/Berlin)');
  });
});
