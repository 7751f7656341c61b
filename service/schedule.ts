/**
 * When a job runs: `every` and `at` of parley.config.yaml, in UTC or the
 * job's `timezone`. A job runs at `at` (default "00:00") and then every
 * `every` after it until the end of that day, every day:
 *
 *   every: 15m              → 00:00, 00:15, 00:30, … 23:45
 *   every: 1h               → on the hour
 *   at: "02:00"             → 02:00 once a day
 *   at: "08:00", every: 4h  → 08:00, 12:00, 16:00, 20:00
 *   day: 1, at: "08:00"     → 08:00 on the 1st of every month (monthly)
 *
 * Pure: the caller passes the moment to count from, so tests need no clock.
 * Across a change of clocks (daylight saving), a wall-clock time that does
 * not exist runs an hour later and one that exists twice runs once.
 *
 * @example
 *   nextRun({ every: '15m' }, new Date('2026-10-01T09:07:00Z'));   // 2026-10-01T09:15:00Z
 *   nextRun({ at: '02:00', timezone: 'Europe/Berlin' }, new Date('2026-10-01T09:07:00Z'));  // 2026-10-02T00:00:00Z
 */
import { everyMinutes, toMinutes } from '../models/config.js';

export interface Schedule {
  every?: string | undefined;
  at?: string | undefined;
  /** The day of the month (1–28): once a month, at `at`. */
  day?: number | undefined;
  timezone?: string | undefined;
}

const DAY = 24 * 60;

/** The wall-clock slots of one day, in minutes after midnight. */
export function slots(s: Schedule): number[] {
  const start = toMinutes(s.at ?? '00:00');
  if (s.every === undefined) return [start];
  const step = everyMinutes(s.every);
  const out: number[] = [];
  for (let m = start; m < DAY; m += step) out.push(m);
  return out;
}

/** The first moment strictly after `after` at which the job is due. */
export function nextRun(s: Schedule, after: Date): Date {
  const tz = s.timezone ?? 'UTC';
  const day = localDate(after, tz);
  if (s.day !== undefined) {
    const minute = toMinutes(s.at ?? '00:00');
    for (let m = -1; m <= 2; m++) {
      const t = fromLocal(day.y, day.m + m, s.day, minute, tz);
      if (t.getTime() > after.getTime()) return t;
    }
  }
  const minutes = slots(s);
  // from the day before (a slot late in the evening of a time zone behind UTC) to two days on
  for (let d = -1; d <= 2; d++) {
    for (const m of minutes) {
      const t = fromLocal(day.y, day.m, day.d + d, m, tz);
      if (t.getTime() > after.getTime()) return t;
    }
  }
  throw new Error('no run within two days: the schedule is not valid');
}

/** A human line for the Data page and `parley jobs list`: "every 15m", "daily at 02:00 (Europe/Berlin)". */
export function describeSchedule(s: Schedule): string {
  const tz = s.timezone && s.timezone !== 'UTC' ? ` (${s.timezone})` : ' UTC';
  if (s.day !== undefined) return `monthly on day ${s.day} at ${s.at ?? '00:00'}${tz}`;
  if (s.every === undefined) return `daily at ${s.at}${tz}`;
  if (s.at === undefined) return `every ${s.every}`;
  return `every ${s.every} from ${s.at}${tz}`;
}

function localDate(t: Date, tz: string): { y: number; m: number; d: number } {
  const p = parts(t, tz);
  return { y: p.year, m: p.month, d: p.day };
}

function parts(t: Date, tz: string): { year: number; month: number; day: number; hour: number; minute: number } {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const out: Record<string, number> = {};
  for (const p of f.formatToParts(t)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out as { year: number; month: number; day: number; hour: number; minute: number };
}

/** The UTC offset of `tz` at `t`, in minutes (Berlin in summer: 120). */
function offset(t: Date, tz: string): number {
  const p = parts(t, tz);
  return (Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - Math.floor(t.getTime() / 60_000) * 60_000) / 60_000;
}

/** The moment a wall clock in `tz` shows `minute` minutes after midnight of y-m-d (d may overflow). */
function fromLocal(y: number, m: number, d: number, minute: number, tz: string): Date {
  const wall = Date.UTC(y, m - 1, d, 0, minute);
  const first = wall - offset(new Date(wall), tz) * 60_000;
  const second = wall - offset(new Date(first), tz) * 60_000;
  return new Date(Math.max(first, second));
}
