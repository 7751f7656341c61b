/**
 * The plain-language summary of a month: which headline figures moved most
 * against the previous month, and what drove each move. Everything is read
 * from the numbers — nothing is written by hand.
 *
 * - A move is *notable* when it is large for its unit: a rate by ≥ 1 point
 *   and beyond noise (two-proportion z ≥ 2 over the rate's bases), a duration
 *   or a volume by ≥ 10 %, a 0–100 score by ≥ 1.5. Moves are ranked by how
 *   many times over that threshold they are.
 * - The *driver* of a move is the channel, intent or team whose part of the
 *   change is largest. Rates, means and totals split exactly into per-group
 *   parts (`contribution`, computed in SQL: a group's numerator over the
 *   month's denominator, this month minus last); a median does not, so for a
 *   median the driver is the group whose own median moved most, weighted by
 *   its share of conversations.
 * - A driver's *spike* is its busiest day of the month when that day had at
 *   least 2.5 times the group's median day.
 *
 * @example
 *   rankMoves([{ column: 'fcr_rate', current: 0.74, previous: 0.78, currentBase: 1500, previousBase: 1600 }])
 *   // [{ column: 'fcr_rate', delta: -0.04, size: 4, … }]
 *   describeChange(move, { dimension: 'intent', value: 'billing', kind: 'contribution', amount: -0.03, share: 0.75 })
 *   // 'FCR rate fell 4.0 points to 74.0% (from 78.0%), most of it in billing conversations (−3.0 pts).'
 */
import { fieldMetric } from '../models/summary.js';
import { columnLabel, formatChange, formatColumn, formatRelative, higherIsBetter } from './format.js';

/** One metric_summary field in the month and the month before. */
export interface Move {
  column: string;
  current: number | null;
  previous: number | null;
  /** The rate's denominator this month and last (`<rate>_base`), to tell a move from noise. */
  currentBase?: number | null;
  previousBase?: number | null;
}

export interface RankedMove extends Move {
  current: number;
  previous: number;
  delta: number;
  /** How many times over the notability threshold the move is (≥ 1 is notable). */
  size: number;
  /** Whether the move is good news per the catalogue's direction; null when neither. */
  better: boolean | null;
}

/** A dimension value and its part in a move. */
export interface Driver {
  dimension: 'channel' | 'intent' | 'team';
  value: string | null;
  /** `contribution`: an exact part of the change; `own`: the group's own median moved by `amount`. */
  kind: 'contribution' | 'own';
  /** The group's part of the change (contribution) or its own change (own). */
  amount: number;
  /** contribution ÷ total change (contribution); the group's share of conversations (own). */
  share: number;
  /** For `own`: the group's value last month and this month. */
  from?: number;
  to?: number;
}

export interface Spike {
  /** The day, YYYY-MM-DD. */
  day: string;
  count: number;
  /** count ÷ the group's median day in the month. */
  ratio: number;
}

export const THRESHOLDS = {
  /** Rates: points (as a fraction). */
  rate: 0.01,
  /** Rates: |z| of the two-proportion test must reach this. */
  z: 2,
  /** Durations and counts: relative change. */
  relative: 0.1,
  /** 0–100 scores: points. */
  score: 1.5,
  /** A driver is named when its part is at least this share of the change. */
  driverShare: 0.3,
  /** A spike is a day with at least this many times the median day. */
  spikeRatio: 2.5,
} as const;

/** The z statistic of the difference between two proportions. */
export function proportionZ(p1: number, n1: number, p2: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 0;
  const pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n1 + 1 / n2));
  return se === 0 ? 0 : (p1 - p2) / se;
}

/** How notable one move is (0 when it is not a move at all). */
export function moveSize(move: Move): number {
  const { current, previous } = move;
  if (current === null || previous === null || !Number.isFinite(current) || !Number.isFinite(previous)) return 0;
  const cm = fieldMetric(move.column);
  const unit = cm ? (cm.stat === 'base' ? 'count' : cm.metric.unit) : 'count';
  const delta = current - previous;
  switch (unit) {
    case 'rate': {
      if (move.currentBase != null && move.previousBase != null) {
        const z = proportionZ(current, move.currentBase, previous, move.previousBase);
        if (Math.abs(z) < THRESHOLDS.z) return 0;
      }
      return Math.abs(delta) / THRESHOLDS.rate;
    }
    case 'score':
      return Math.abs(delta) / THRESHOLDS.score;
    default:
      return previous === 0 ? 0 : Math.abs(delta / previous) / THRESHOLDS.relative;
  }
}

/** The notable moves, largest first (ties by column name, so the order is stable). */
export function rankMoves(moves: readonly Move[], top = 4): RankedMove[] {
  return moves
    .map((m) => ({ ...m, size: moveSize(m) }))
    .filter((m) => m.size >= 1)
    .map((m) => {
      const current = m.current as number;
      const previous = m.previous as number;
      const delta = current - previous;
      const hib = higherIsBetter(m.column);
      return { ...m, current, previous, delta, better: hib === null || delta === 0 ? null : delta > 0 === hib };
    })
    .sort((a, b) => b.size - a.size || a.column.localeCompare(b.column))
    .slice(0, top);
}

/**
 * The driver to name for a move: the group with the largest part in the
 * direction of the change, when that part is big enough to matter.
 */
export function pickDriver(move: Pick<RankedMove, 'delta'>, candidates: readonly Driver[]): Driver | undefined {
  let best: Driver | undefined;
  let bestScore = 0;
  for (const c of candidates) {
    let score: number;
    if (c.kind === 'contribution') {
      if (move.delta === 0 || Math.sign(c.amount) !== Math.sign(move.delta)) continue;
      score = c.amount / move.delta;
      if (score < THRESHOLDS.driverShare) continue;
    } else {
      if (Math.sign(c.amount) !== Math.sign(move.delta)) continue;
      score = Math.abs(c.amount) * c.share;
    }
    if (score > bestScore || (score === bestScore && best && `${c.dimension}${c.value}` < `${best.dimension}${best.value}`)) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}

/** The dimension value as a reader says it: 'billing conversations', 'the Tier 2 team', 'email'. */
export function groupPhrase(d: Pick<Driver, 'dimension' | 'value'>): string {
  if (d.value === null) return d.dimension === 'team' ? 'conversations with no team' : `conversations with no ${d.dimension}`;
  const v = d.value.replaceAll('_', ' ');
  if (d.dimension === 'team') return `the ${v} team`;
  if (d.dimension === 'channel') return `${v} conversations`;
  return `${v} conversations`;
}

const DAY_MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function dayPhrase(day: string): string {
  const [, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${d} ${DAY_MONTHS[m - 1]}`;
}

/** One sentence for a move, its driver and the driver's spike. */
export function describeChange(move: RankedMove, driver?: Driver, spike?: Spike): string {
  const cm = fieldMetric(move.column);
  const unit = cm ? (cm.stat === 'base' ? 'count' : cm.metric.unit) : 'count';
  const verb = move.delta > 0 ? 'rose' : 'fell';
  const label = columnLabel(move.column);
  let amount: string;
  if (unit === 'rate') amount = `${(Math.abs(move.delta) * 100).toFixed(1)} points`;
  else if (unit === 'score') amount = `${Math.abs(move.delta).toFixed(1)} points`;
  else amount = formatRelative(move.current, move.previous).replace(/^[+−±]/, '');
  let sentence = `${label} ${verb} ${amount} to ${formatColumn(move.column, move.current)} (from ${formatColumn(move.column, move.previous)})`;
  if (driver) {
    const group = groupPhrase(driver);
    if (driver.kind === 'contribution') {
      const part = formatChange(move.column, driver.amount);
      const lead = driver.share >= 0.5 ? 'most of it in' : 'much of it in';
      sentence += `, ${lead} ${group} (${part})`;
    } else if (driver.from !== undefined && driver.to !== undefined) {
      sentence += `; the largest ${move.delta > 0 ? 'rise' : 'fall'} was in ${group} (${formatColumn(move.column, driver.from)} → ${formatColumn(move.column, driver.to)})`;
    }
    if (spike) sentence += `, which peaked on ${dayPhrase(spike.day)} (${spike.count.toLocaleString('en-US')} conversations, ${spike.ratio.toFixed(1)}× a usual day)`;
  }
  return `${sentence}.`;
}
