/**
 * How a notebook shows a value: a column named after a catalogue metric (or a
 * metric_summary field such as `first_response_s_median`, `fcr_rate_base`) is
 * formatted in that metric's unit by the catalogue; anything else plainly.
 * Nothing here defines a metric.
 *
 * @example
 *   formatColumn('fcr_rate', 0.734);                 // '73.4%'
 *   formatColumn('first_response_s_median', 3720);   // '1h 02m'
 *   columnLabel('first_response_s_median');          // 'First response time (median)'
 *   formatChange('fcr_rate', -0.042);                // '−4.2 pts'
 */
import { formatDuration, formatValue } from '../models/catalogue.js';
import { fieldMetric, type Stat } from '../models/summary.js';

const STAT: Record<Stat, string> = { median: 'median', p90: '90th percentile', mean: 'mean', base: 'base' };

/** A column's heading: the metric's label (with its statistic), else the name in words. */
export function columnLabel(column: string): string {
  const cm = fieldMetric(column);
  if (!cm) return column.charAt(0).toUpperCase() + column.slice(1).replaceAll('_', ' ');
  if (cm.stat === 'base') return `${cm.metric.label} (base)`;
  return cm.stat ? `${cm.metric.label} (${STAT[cm.stat]})` : cm.metric.label;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const LONG_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** '2026-10' → 'October 2026' (long) or 'Oct 2026'. */
export function formatMonth(month: string, long = true): string {
  const m = /^(\d{4})-(\d{2})$/.exec(month);
  if (!m) return month;
  const i = Number(m[2]) - 1;
  return `${(long ? LONG_MONTHS : MONTHS)[i]} ${m[1]}`;
}

/** A value in its column's unit (catalogue), or plainly: numbers grouped, dates as ISO days. */
export function formatColumn(column: string, value: unknown): string {
  if (value === null || value === undefined) return '–';
  const cm = fieldMetric(column);
  if (cm) return formatValue(cm.stat === 'base' ? { unit: 'count' } : cm.metric, value);
  if (typeof value === 'number') return Number.isInteger(value) ? value.toLocaleString('en-US') : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
  if (typeof value === 'bigint') return value.toLocaleString('en-US');
  if (value instanceof Date) {
    const iso = value.toISOString();
    return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : `${iso.slice(0, 16).replace('T', ' ')} UTC`;
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const MINUS = '−';

/** A change between two values of a column: rates in percentage points, durations as time, counts as numbers. */
export function formatChange(column: string, delta: number | null | undefined): string {
  if (delta === null || delta === undefined || !Number.isFinite(delta)) return '–';
  const sign = delta > 0 ? '+' : delta < 0 ? MINUS : '±';
  const abs = Math.abs(delta);
  const cm = fieldMetric(column);
  const unit = cm ? (cm.stat === 'base' ? 'count' : cm.metric.unit) : 'count';
  switch (unit) {
    case 'rate':
      return `${sign}${(abs * 100).toFixed(1)} pts`;
    case 'seconds':
      return `${sign}${formatDuration(abs)}`;
    case 'score':
      return `${sign}${abs.toFixed(1)}`;
    default:
      return `${sign}${Number.isInteger(abs) ? abs.toLocaleString('en-US') : abs.toFixed(2)}`;
  }
}

/** A relative change, '+12%' — for counts and durations, where points mean nothing. */
export function formatRelative(current: number, previous: number): string {
  if (!previous) return '–';
  const r = (current - previous) / Math.abs(previous);
  const sign = r > 0 ? '+' : r < 0 ? MINUS : '±';
  return `${sign}${Math.abs(r * 100).toFixed(0)}%`;
}

/** Whether a rise in this column is good (true), bad (false) or neither (null), per the catalogue. */
export function higherIsBetter(column: string): boolean | null {
  const cm = fieldMetric(column);
  if (!cm || cm.stat === 'base') return null;
  return cm.metric.higherIsBetter;
}
