/**
 * Axis ticks shared by every chart: round numbers, value labels by unit
 * (a rate axis reads 70%, a duration axis 1h 30m on round times) and month
 * labels.
 *
 * @example
 *   niceTicks(0, 0.83);                     // [0, 0.2, 0.4, 0.6, 0.8]
 *   unitTicks('rate', [0.781, 0.795], true); // { tickFormat: (v) => '70%' …, domain: [0, 0.8], ticks: [0, 0.2, …, 0.8] }
 *   unitTicks('seconds', [130, 2900], true); // { tickFormat, domain: [0, 3600], ticks: [0, 900, …, 3600] }
 *   monthTick('2026-10', 0);                // 'Oct 2026'   monthTick('2026-11', 1) → 'Nov'
 */
import { durationTick, durationTicks } from './duration.js';

/** The unit of a chart's values, as the metric catalogue names it; other units tick as plain numbers. */
export type ValueUnit = 'rate' | 'seconds' | (string & {});

/** About `count` round tick values covering [lo, hi] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => (hi - lo) / s <= count + 1) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A rate tick: 0.7 → '70%', 0.725 → '72.5%'. */
export function rateTick(v: number): string {
  return `${Math.round(v * 1000) / 10}%`;
}

/**
 * How an axis of `values` in `unit` is ticked: rates as percentages (`zero`:
 * from 0 to a round top, never past 100 % when no value is), durations on
 * round times with a domain that ends on a tick (`zero`: the domain starts at
 * 0). Other units get `{}`: the chart's own format, or Plot's.
 */
export function unitTicks(
  unit: ValueUnit | undefined,
  values: ReadonlyArray<number | null>,
  zero: boolean,
): { tickFormat?: (v: number) => string; domain?: [number, number]; ticks?: number[] } {
  if (unit === 'rate') return { tickFormat: rateTick, ...(zero ? zeroTicks(values, 1) : {}) };
  if (unit === 'seconds') return { tickFormat: durationTick, ...durationTicks(values, zero) };
  // a 0–100 score ticks as whole points (80, not 80.0), from 0 to at most 100 when no value passes it
  if (unit === 'score') return { tickFormat: (v: number) => String(Math.round(v * 10) / 10), ...(zero ? zeroTicks(values, 100) : {}) };
  return {};
}

/**
 * A domain from 0 to the first round tick at or above the largest value (at
 * most `cap` when no value passes it), with its ticks: FCR 78.0–79.5 % → 0–80 %.
 */
export function zeroTicks(values: ReadonlyArray<number | null>, cap = Infinity): { domain: [number, number]; ticks: number[] } | Record<string, never> {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0);
  if (!finite.length) return {};
  const hi = Math.max(...finite);
  if (hi === 0) return { domain: [0, cap === Infinity ? 1 : cap], ticks: niceTicks(0, cap === Infinity ? 1 : cap) };
  const probe = niceTicks(0, hi);
  const step = probe.length > 1 ? probe[1]! - probe[0]! : hi;
  const top = Math.min(Math.ceil(hi / step - 1e-9) * step, hi <= cap ? cap : Infinity);
  return { domain: [0, Number(top.toPrecision(12))], ticks: niceTicks(0, top) };
}

/**
 * A month tick: 'Oct', with the year on January ('Jan 2026') and on the first
 * tick, unless the next tick (of `all`, the axis's months) is a January that
 * names the year beside it ('Dec', 'Jan 2026', not 'Dec 2025' running into it).
 */
export function monthTick(month: string, index: number, all?: readonly string[]): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const short = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1)).toLocaleString('en-US', { month: 'short', timeZone: 'UTC' });
  const firstWithYear = index === 0 && !all?.[1]?.endsWith('-01');
  return firstWithYear || month.endsWith('-01') ? `${short} ${m[1]}` : short;
}
