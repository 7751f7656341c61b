/**
 * Krippendorff's alpha, as computed in K. Krippendorff, "Computing
 * Krippendorff's Alpha-Reliability" (2011): coincidences within units,
 * observed over expected disagreement, any number of observers, missing
 * values allowed. The same arithmetic runs in SQL in the mart
 * `qa_calibration_agreement` (ordinal level); SCORING.md explains it.
 *
 * @example
 *   // units × observers; null = not rated
 *   krippendorffAlpha([[1, 1, null], [2, 2, 3], [3, 3, 3]], 'ordinal');
 */

export type Level = 'nominal' | 'ordinal' | 'interval' | 'ratio';
export type Value = number | null | undefined;

/** The coincidence matrix of pairable values: o[c][k] and the marginals n_c. */
export interface Coincidences {
  values: number[];
  o: number[][];
  n: number[];
  total: number;
}

/**
 * Coincidences of the values in units with at least two values: each unit
 * adds, for each ordered pair of its values from different observers,
 * 1 ÷ (m_u − 1).
 */
export function coincidences(units: readonly (readonly Value[])[]): Coincidences {
  const pairable = units.map((u) => u.filter((v): v is number => v !== null && v !== undefined)).filter((u) => u.length >= 2);
  const values = [...new Set(pairable.flat())].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const o = values.map(() => values.map(() => 0));
  for (const unit of pairable) {
    const m = unit.length;
    const counts = new Map<number, number>();
    for (const v of unit) counts.set(v, (counts.get(v) ?? 0) + 1);
    for (const [c, nc] of counts) {
      for (const [k, nk] of counts) {
        const pairs = c === k ? nc * (nc - 1) : nc * nk;
        o[index.get(c)!]![index.get(k)!]! += pairs / (m - 1);
      }
    }
  }
  const n = o.map((row) => row.reduce((a, b) => a + b, 0));
  return { values, o, n, total: n.reduce((a, b) => a + b, 0) };
}

/** δ²(c, k) at a level of measurement; ordinal uses the marginals n_g. */
export function delta2(level: Level, values: readonly number[], n: readonly number[], i: number, j: number): number {
  const c = values[i]!;
  const k = values[j]!;
  switch (level) {
    case 'nominal':
      return c === k ? 0 : 1;
    case 'interval':
      return (c - k) ** 2;
    case 'ratio':
      return c + k === 0 ? 0 : ((c - k) / (c + k)) ** 2;
    case 'ordinal': {
      const [lo, hi] = i <= j ? [i, j] : [j, i];
      let sum = 0;
      for (let g = lo; g <= hi; g++) sum += n[g]!;
      return (sum - (n[lo]! + n[hi]!) / 2) ** 2;
    }
  }
}

/**
 * α = 1 − D_o ÷ D_e for units × observers data (each inner array one unit,
 * null for a missing value). Null when there is nothing to disagree about:
 * fewer than two pairable values, or every pairable value the same.
 *
 * @example
 *   krippendorffAlpha([[1, 1], [2, 2], [1, 2]], 'nominal'); // 0.444…
 */
export function krippendorffAlpha(units: readonly (readonly Value[])[], level: Level): number | null {
  const { values, o, n, total } = coincidences(units);
  if (total < 2) return null;
  let observed = 0;
  let expected = 0;
  for (let i = 0; i < values.length; i++) {
    for (let j = 0; j < values.length; j++) {
      const d = delta2(level, values, n, i, j);
      observed += o[i]![j]! * d;
      expected += n[i]! * n[j]! * d;
    }
  }
  if (expected === 0) return null;
  return 1 - ((total - 1) * observed) / expected;
}

/**
 * The share of exact matches: over every unit with two or more values, the
 * pairs of values (from different observers) that are equal ÷ all such pairs.
 *
 * @example
 *   exactMatchShare([[1, 1, 2], [3, 3]]); // (1 + 1) ÷ (3 + 1) = 0.5
 */
export function exactMatchShare(units: readonly (readonly Value[])[]): number | null {
  let pairs = 0;
  let equal = 0;
  for (const unit of units) {
    const v = unit.filter((x): x is number => x !== null && x !== undefined);
    for (let a = 0; a < v.length; a++) {
      for (let b = a + 1; b < v.length; b++) {
        pairs++;
        if (v[a] === v[b]) equal++;
      }
    }
  }
  return pairs ? equal / pairs : null;
}

/** Turns observers × units rows (the paper's layout) into units × observers. */
export function byUnit(observers: readonly (readonly Value[])[]): Value[][] {
  const width = Math.max(0, ...observers.map((r) => r.length));
  return Array.from({ length: width }, (_, u) => observers.map((r) => r[u] ?? null));
}
