/**
 * Durations for people, in one place: the catalogue's values ('1h 02m'),
 * chart ticks and bin edges on round times ('20m', '1h 30m', '3d'), and the
 * round tick values themselves for a duration axis.
 *
 * @example
 *   formatDuration(3720);            // '1h 02m'
 *   durationTick(5400);              // '1h 30m'
 *   durationTick(14400);             // '4h'
 *   durationTicks([130, 2900], true); // { domain: [0, 3600], ticks: [0, 900, 1800, 2700, 3600] }
 */

/** 42 → '42s', 3720 → '1h 02m', 200000 → '2d 7h'. */
export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  if (Math.abs(s) < 60) return `${s}s`;
  if (Math.abs(s) < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  if (Math.abs(s) < 86400) return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d ${Math.floor((s % 86400) / 3600)}h`;
}

/** A duration on a round value, without its zero part: 60 → '1m', 5400 → '1h 30m', 259200 → '3d' (ticks, bin edges). */
export function durationTick(seconds: number): string {
  return formatDuration(seconds)
    .replace(/ 0+[sm]$/, '')
    .replace(/ 0h$/, '');
}

/**
 * Tick steps a duration axis may take, in seconds: only times people count in
 * (1m, 5m, 15m, 1h, 4h, 1d, 1w, and 1s…30s below a minute), so no tick reads
 * '15m 50s' or '1h 23m'.
 */
const DURATION_STEPS = [1, 5, 15, 30, 60, 300, 900, 3600, 14400, 86400, 604800];

/** Ticks for a duration axis on round times (every 5 minutes, every hour…) and a domain that ends on them; `{}` when there is no value. */
export function durationTicks(values: ReadonlyArray<number | null>, zero: boolean): { domain: [number, number]; ticks: number[] } | Record<string, never> {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (!finite.length) return {};
  const lo = zero ? 0 : Math.min(...finite);
  const hi = Math.max(...finite);
  const step = DURATION_STEPS.find((s) => (hi - lo) / s <= 6) ?? DURATION_STEPS[DURATION_STEPS.length - 1]!;
  const from = Math.floor(lo / step) * step;
  const to = Math.max(from + step, Math.ceil(hi / step) * step);
  const ticks: number[] = [];
  for (let t = from; t <= to; t += step) ticks.push(t);
  return { domain: [from, to], ticks };
}
