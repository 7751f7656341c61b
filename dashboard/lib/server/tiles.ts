/**
 * A headline tile of the overview, and its change against what it is
 * compared with. The metric tiles (overview.ts) and the internal quality
 * score tile (internal-quality-tile.ts) are both built on these; Tile.svelte
 * shows them.
 *
 * @example
 *   change(metric('fcr_rate'), 0.74, 0.78);       // { change: '−4.0 pts', tone: 'worse' }
 *   change(metric('conversations'), 1100, 1000);  // { change: '+10.0%', tone: null }
 *   change(metric('internal_quality_score'), 84.2, 83, 'points'); // { change: '+1.2 pts', tone: 'better' }
 */
import type { Metric } from '../../../models/catalogue.js';
import { judge, targetFor, type Target, type TargetScope } from '../../../models/targets.js';

export interface Tile {
  metric: string;
  label: string;
  value: string;
  second: string | null;
  /** Change against `comparedWith`, formatted, or null when either side is missing. */
  change: string | null;
  /** What the change is measured against, in words: 'previous period', or a month ('2026-09'). */
  comparedWith: string;
  /** 'better' | 'worse' | 'same' | null (no direction). */
  tone: 'better' | 'worse' | 'same' | null;
  spark: string;
  href: string;
  /** Shown instead of the change when a tile has nothing to compare with (what the figure covers, its interval). */
  note?: string;
  /** The configured target that applies to the figure (parley.config.yaml `targets`), met or missed and by how much. */
  target?: TileTarget;
  /** What the reader must know to read the figure (models/caveats.ts): too few values, inferred resolutions. */
  caveat?: string;
}

export interface TileTarget {
  met: boolean;
  /** 'Target 80.0%: missed by 1.5 pts'. */
  text: string;
}

/**
 * The target of `m` for `scope` and whether `value` meets it, for a tile;
 * undefined when no target applies or the figure is missing.
 *
 * @example
 *   tileTarget(metric('fcr_rate'), 0.785, [{ metric: 'fcr_rate', value: 0.8 }]); // { met: false, text: 'Target 80.0%: missed by 1.5 pts' }
 */
export function tileTarget(m: Metric, value: unknown, targets: readonly Target[], scope: TargetScope = {}): TileTarget | undefined {
  const t = targetFor(targets, m.name, scope);
  if (!t || typeof value !== 'number') return undefined;
  const j = judge(m, value, t);
  return { met: j.met, text: `T${j.text.slice(1)}` };
}

/** The words a tile compares with when it shows the previous period of the same length. */
export const PREVIOUS_PERIOD = 'previous period';

/**
 * The change from `before` to `now` and its tone (from the metric's
 * direction): in points (a rate's ×100) or relative to `before`; by default
 * points for a rate and relative for anything else.
 */
export function change(
  m: Pick<Metric, 'unit' | 'higherIsBetter'>,
  now: unknown,
  before: unknown,
  as: 'points' | 'relative' = m.unit === 'rate' ? 'points' : 'relative',
): Pick<Tile, 'change' | 'tone'> {
  if (typeof now !== 'number' || typeof before !== 'number') return { change: null, tone: null };
  const delta = now - before;
  const sign = delta >= 0 ? '+' : '−';
  const text =
    as === 'points' ? `${sign}${Math.abs(m.unit === 'rate' ? delta * 100 : delta).toFixed(1)} pts` : before === 0 ? null : `${sign}${Math.abs((delta / before) * 100).toFixed(1)}%`;
  const same = Math.abs(delta) < 1e-9;
  const tone = same ? 'same' : m.higherIsBetter === null ? null : delta > 0 === m.higherIsBetter ? 'better' : 'worse';
  return { change: text, tone };
}
